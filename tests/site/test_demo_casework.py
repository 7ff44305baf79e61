"""The demo's invented programme: nine months of requests and cases at
every stage and side exit, built through the real actions, with a
history in order, and real work waiting for each role."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Q
from django.utils import timezone

from safepassage.accounts.models import Membership, Team
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import contacts, stages, travel
from safepassage.cases.access import visible_cases
from safepassage.cases.models import Case, Person, Stage, StageChange, Stay
from safepassage.intake.models import Submission
from safepassage.site import demo_casework, demo_people, demo_programme, demo_reference
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, hold_ceremony, make_user

pytestmark = pytest.mark.django_db


def test_it_builds_a_programme_of_nine_months_that_each_role_can_work_on(
    org: Organisation,
) -> None:
    vault = hold_ceremony(org)
    hotline = Team.objects.create(name="Hotline")
    Membership.objects.create(user=org.coordinator, team=hotline)
    staff = demo_reference.Staff(
        coordinator=org.coordinator,
        caseworker=org.caseworker,
        verifier=make_user("verifier", Role.VERIFIER, teams=(hotline,)),
        admin=org.admin,
        hotline=hotline,
        evacuation=org.team,
    )
    today = timezone.localdate()
    with using_keyring(vault.keyring):
        reference = demo_reference.build(
            admin=staff.admin, coordinator=staff.coordinator, evacuation=staff.evacuation
        )
        loaded = demo_casework.load(staff, reference)
        assert loaded is not None
        # Run again, it finds the programme and adds nothing.
        assert demo_casework.load(staff, reference) is None
        names = [person.identity.name for person in Person.objects.opened("identity")]

    # About 170 requests and a hundred cases, over every stage and side exit.
    assert Submission.objects.count() == demo_programme.REQUESTS == loaded.requests
    assert 90 <= Case.objects.count() <= 110
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Case.objects.filter(locked_on__isnull=False).exists()
    first = Case.objects.order_by("opened_on").first()
    assert first is not None
    assert first.opened_on <= today - dt.timedelta(days=240)

    # Each history in order, ending the day the case entered its stage,
    # every move audited.
    for case in Case.objects.all():
        changes = list(StageChange.objects.filter(case=case).order_by("number"))
        days = [change.on for change in changes]
        assert days == sorted(days), case.code
        assert all(case.opened_on <= day <= today for day in days), case.code
        if case.locked_on is not None:
            assert case.locked_on == changes[-1].on, case.code
        moves = [change for change in changes if change.kind == "moved"]
        if moves:
            assert moves[-1].to_stage == case.stage
            assert moves[-1].on == case.stage_since, case.code
        # A case on the way holds what its stage needs.
        if case.stage in stages.FLOW[1:-1]:
            assert stages.missing_for(case, case.stage) == [], case.code
    moved = StageChange.objects.filter(kind="moved").count()
    assert AuditEntry.objects.filter(action="case.moved").count() == moved

    # Safe houses, the way out, consent, a referral and a transfer.
    assert Stay.objects.filter(arrived_on__isnull=False, left_on__isnull=True).count() >= 10
    assert Stay.objects.filter(over_capacity=True).count() <= 3
    assert Case.objects.filter(stage="protected", asylum_claims__outcome="refugee").exists()
    kinds = Counter(Case.objects.values_list("sent_bundles__kind", flat=True))
    assert kinds["referral"] == 1
    assert kinds["transfer"] == 1

    # Clearly invented people, in Cyrillic and in Latin letters.
    surnames = {word for family in demo_people.SURNAMES for word in family}
    assert all(name.split()[-1] in surnames for name in names if name)
    assert any("Демоев" in name or "Вымыслов" in name for name in names)
    assert any(name.isascii() for name in names if name)

    # Work waiting for each role: the verifier's screening and inbox, the
    # coordinator's decisions, the caseworker's own cases and reminders.
    verifier = staff.verifier
    assert visible_cases(verifier).filter(stage="screening", assignee=verifier).exists()
    assert Submission.objects.filter(status__in=["new", "triaged"]).count() >= 15
    assert Submission.objects.filter(assigned_to=verifier, status="triaged").exists()
    # Someone suspected of infiltration writes again from the same number.
    waiting = Submission.objects.filter(status="new").values_list("pk", flat=True)
    assert len(contacts.flagged_requests(list(waiting))) == 1
    assert Case.objects.filter(stage="verified").exists()
    assert Case.objects.filter(flags__contains=",urgent,", assignee=None).exists()
    mine = visible_cases(org.caseworker).filter(assignee=org.caseworker, stage__in=stages.ACTIVE)
    assert mine.count() >= 20
    assert mine.filter(stages.overdue(today)).exists()
    assert travel.due_dates(Q(pk__in=mine.values("pk")), today)
