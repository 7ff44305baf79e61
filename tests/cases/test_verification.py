"""Verification against infiltration (cases.verification): the checklist
(two interviews by different verifiers, a reference, the accounts
compared, the documents checked), each check with who, when and a sealed
note; the outcomes; a suspected infiltrator's case locked, flagged, and
its contact handles flagged wherever they appear."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cases import actions, contacts, people, stages, verification
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import (
    Case,
    ChangeKind,
    Check,
    ContactIndex,
    Person,
    Risk,
    Stage,
    StageChange,
)
from safepassage.intake import signals
from safepassage.intake.models import Submission
from safepassage.vault.fields import parse_header
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.cases.helpers import (
    at_stage,
    open_from_request,
    open_household,
    person,
    request,
    verifier,
)

pytestmark = pytest.mark.django_db


def _case(org: Organisation, *people_: object) -> Case:
    case = open_household(org.coordinator, *(people_ or [person("Aslan", handle="+7 928 1")]))  # type: ignore[arg-type]
    Case.objects.filter(pk=case.pk).update(team=org.team)
    case.refresh_from_db()
    return case


def _check(case: Case, by: User, kind: str, **fields: str) -> Check:
    fields.setdefault("finding", "supports")
    if kind == "reference":
        fields.setdefault("referee", "partner")
    with using_keyring(keyring_of(by)):
        return verification.record_check(case, kind=kind, by=by, **fields)  # type: ignore[arg-type]


def _finish(case: Case, by: User, outcome: str, reasons: str = "Reasons.") -> None:
    with using_keyring(keyring_of(by)):
        verification.finish(case, outcome=outcome, reasons=reasons, by=by)


def _full_checklist(case: Case, first: User, second: User) -> None:
    _check(case, first, "interview", note="Met in person; the story holds.")
    _check(case, second, "interview")
    _check(case, first, "reference")
    _check(case, first, "consistency")
    _check(case, second, "documents", finding="inconclusive", note="No passport.")


def test_a_first_check_starts_screening_and_is_recorded_with_who_and_when(
    org: Organisation, vault: Vault
) -> None:
    case = _case(org)
    check = _check(case, org.coordinator, "interview", note="Met at the station.")
    case.refresh_from_db()
    assert case.stage == Stage.SCREENING
    assert (check.by, check.on, check.number) == (org.coordinator, case.changed_on, 1)
    assert parse_header(bytes(Check.objects.values_list("note", flat=True).get()))[1] == "casework"
    with using_keyring(keyring_of(org.coordinator)):
        assert Check.objects.get().note == "Met at the station."
    entry = AuditEntry.objects.get(action="case.check_recorded")
    assert entry.details == {"check": "interview", "finding": "supports"}
    assert StageChange.objects.get(case=case).to_stage == Stage.SCREENING


def test_verified_needs_two_interviews_by_different_verifiers_and_every_check(
    org: Organisation, vault: Vault
) -> None:
    second = verifier(org, vault)
    case = _case(org)
    _check(case, org.coordinator, "interview")
    _check(case, org.coordinator, "interview")  # the same verifier again counts once
    with pytest.raises(Refused) as refused:
        _finish(case, org.coordinator, "verified")
    assert refused.value.problems == [
        "A second interview, by another verifier.",
        "A reference from a trusted contact or a partner organisation.",
        "The accounts compared for consistency.",
        "The documents checked (or noted that there are none).",
    ]
    case.refresh_from_db()
    assert case.stage == Stage.SCREENING
    assert not AuditEntry.objects.filter(action="case.verification_finished").exists()
    assert verification.next_items(case) == refused.value.problems
    _check(case, second, "interview")
    _check(case, second, "reference")
    _check(case, second, "consistency")
    _check(case, second, "documents")
    _finish(case, second, "verified", "Two interviews agree; the partner vouches.")
    case.refresh_from_db()
    assert case.stage == Stage.VERIFIED
    done = case.verifications.get()
    assert (done.outcome, done.finished_by) == ("verified", second)
    with using_keyring(keyring_of(org.coordinator)):
        assert case.verifications.get().reasons == "Two interviews agree; the partner vouches."
    assert AuditEntry.objects.get(action="case.verification_finished").details == {
        "verdict": "verified"
    }
    assert stages.next_steps(case) == ["A coordinator decides whether to accept the case."]


def test_only_verifiers_and_coordinators_verify(org: Organisation, vault: Vault) -> None:
    case = _case(org)
    for user in (org.caseworker, org.outsider):
        with pytest.raises(Refused) as refused:
            _check(case, user, "interview")
        assert refused.value.problems == ["Only a verifier or a coordinator may verify a case."]
        with pytest.raises(Refused):
            _finish(case, user, "suspected_infiltration")
    assert not Check.objects.exists()
    assert Case.objects.get(pk=case.pk).stage == Stage.RECEIVED


def test_a_check_needs_its_fields_and_the_right_stage(org: Organisation, vault: Vault) -> None:
    case = _case(org)
    with pytest.raises(Refused) as refused:
        _check(case, org.coordinator, "reference", referee="")
    assert refused.value.problems == ["Say who gave the reference."]
    with pytest.raises(Refused):
        _check(case, org.coordinator, "gossip")
    with pytest.raises(Refused):
        _finish(case, org.coordinator, "verified", reasons=" ")
    at_stage(case, Stage.ACCEPTED)
    with pytest.raises(Refused) as refused:
        _check(case, org.coordinator, "interview")
    assert refused.value.problems == [
        "Checks are recorded while a case is screened: it is “accepted”."
    ]
    assert not Check.objects.exists()


def test_not_verified_leaves_the_decision_to_a_coordinator_and_a_new_round_can_start(
    org: Organisation, vault: Vault
) -> None:
    case = _case(org)
    _check(case, org.coordinator, "interview", finding="doubts")
    _finish(case, org.coordinator, "not_verified", "Nobody could vouch for her.")
    case.refresh_from_db()
    assert case.stage == Stage.SCREENING
    assert not case.locked
    assert "a coordinator declines the case" in stages.next_steps(case)[1]
    _check(case, org.coordinator, "interview")
    assert [v.number for v in case.verifications.all()] == [2, 1]
    assert verification.checklist(case).interviewers == 1


def test_suspected_infiltration_locks_the_case_and_alerts_the_team(
    org: Organisation, vault: Vault
) -> None:
    case = _case(org)
    _check(case, org.coordinator, "consistency", finding="doubts")
    _finish(case, org.coordinator, "suspected_infiltration", "Asked where the safe house is.")
    case.refresh_from_db()
    assert case.locked
    assert case.has_flag("suspected_infiltration")
    assert StageChange.objects.filter(case=case, kind=ChangeKind.LOCKED).count() == 1
    assert AuditEntry.objects.get(action="case.locked").details == {"contacts": 1}
    assert stages.next_steps(case)[0].startswith("This case is locked")
    version = case.version
    with pytest.raises(Refused):
        stages.move_case(case, to=Stage.DECLINED, by=org.coordinator, reason="Infiltrator.")
    with pytest.raises(Refused):
        _check(case, org.coordinator, "interview")
    with pytest.raises(Refused):
        actions.update_case(
            case,
            by=org.coordinator,
            version=version,
            risk=Risk.LOW,
            risk_factors=[],
            flags=[],
            assignee=None,
        )
    case.refresh_from_db()
    assert (case.version, case.stage, case.risk) == (version, Stage.SCREENING, Risk.UNASSESSED)
    # The alert on the case list.
    client = Client()
    sign_in(client, org.caseworker)
    page = client.get("/cases/").content.decode()
    assert "1 case is locked on suspicion of infiltration." in page
    assert "suspected infiltration" in page


def test_a_flagged_contact_shows_on_a_request_with_the_same_handle(
    org: Organisation, vault: Vault
) -> None:
    first = request(contact_handle="+7 928 555 66 77")
    case = open_from_request(org.coordinator, first)
    Case.objects.filter(pk=case.pk).update(team=org.team)
    again = request(name="Someone else", contact_handle="+7 928 555 66 77")
    other = request(name="A stranger", contact_handle="+7 999 000 00 00")
    with using_keyring(keyring_of(org.coordinator)):
        signals.index_pending(keyring_of(org.coordinator))
    client = Client()
    sign_in(client, org.coordinator)
    assert "Flagged" not in client.get(f"/intake/{again.code}/").content.decode()
    _finish(case, org.coordinator, "suspected_infiltration")
    page = client.get(f"/intake/{again.code}/").content.decode()
    assert "Flagged: a contact handle of this request belongs to a case suspected" in page
    assert f'href="/cases/{case.code}/"' in page
    assert "Flagged" not in client.get(f"/intake/{other.code}/").content.decode()
    inbox = client.get("/intake/").content.decode()
    assert inbox.count("flagged contact") == 1  # the request the case came from is not open
    assert signals.same_contact(Submission.objects.get(pk=again.pk))["flagged"] == [case.code]


def test_a_flagged_contact_shows_on_other_cases_and_their_household_members(
    org: Organisation, vault: Vault
) -> None:
    suspect = _case(org, person("Ruslan", handle="+7 900 111"))
    other = _case(org, person("Zarema", handle="+7 900 222"), person("Adam", handle="+7 900 111"))
    _finish(suspect, org.coordinator, "suspected_infiltration")
    assert contacts.flagged_cases([suspect.pk, other.pk]) == {suspect.pk, other.pk}
    adam = Person.objects.get(case=other, position=1)
    assert contacts.flagged_people(other) == {adam.pk}
    client = Client()
    sign_in(client, org.coordinator)
    page = client.get(f"/cases/{other.code}/").content.decode()
    assert page.count("belongs to a case suspected of infiltration") == 1
    listing = client.get("/cases/").content.decode()
    assert listing.count("flagged contact") == 2
    # A person written again keeps the mark of their case.
    with using_keyring(keyring_of(org.coordinator)):
        ruslan = Person.objects.get(case=suspect)
        contacts.index_person(ruslan, ["+7 900 111", "+7 900 333"])
    assert set(ContactIndex.objects.filter(person=ruslan).values_list("flagged", flat=True)) == {
        True
    }


def test_a_coordinator_unlocks_with_a_reason(org: Organisation, vault: Vault) -> None:
    checker = verifier(org, vault)
    case = _case(org)
    _finish(case, checker, "suspected_infiltration")
    for user in (checker, org.caseworker):
        with pytest.raises(Refused) as refused:
            verification.unlock(case, reason="Fine.", by=user)
        assert refused.value.problems == ["Only a coordinator may unlock a case."]
    with pytest.raises(Refused) as refused:
        verification.unlock(case, reason=" ", by=org.coordinator)
    assert refused.value.problems == ["Say why: unlocking a case needs a reason."]
    with pytest.raises(Conflict):
        verification.unlock(case, reason="x", by=org.coordinator, version=case.version - 1)
    case.refresh_from_db()
    assert case.locked
    with using_keyring(keyring_of(org.coordinator)):
        verification.unlock(case, reason="To decline it.", by=org.coordinator)
    case.refresh_from_db()
    assert not case.locked
    assert case.has_flag("suspected_infiltration")  # the suspicion stays
    assert contacts.flagged_cases([case.pk]) == {case.pk}
    assert AuditEntry.objects.get(action="case.unlocked").details == {"cleared": False}
    with using_keyring(keyring_of(org.coordinator)):
        stages.move_case(case, to=Stage.DECLINED, by=org.coordinator, reason="Infiltrator.")
        assert StageChange.objects.get(case=case, kind=ChangeKind.UNLOCKED).reason == (
            "To decline it."
        )
    with pytest.raises(Refused):
        verification.unlock(case, reason="Again.", by=org.coordinator)


def test_a_suspicion_found_wrong_clears_the_flags(org: Organisation, vault: Vault) -> None:
    case = _case(org)
    _finish(case, org.coordinator, "suspected_infiltration")
    with using_keyring(keyring_of(org.coordinator)):
        verification.unlock(
            case, reason="Her sister vouched in person.", by=org.coordinator, clear_suspicion=True
        )
    case.refresh_from_db()
    assert not case.has_flag("suspected_infiltration")
    assert contacts.flagged_cases([case.pk]) == set()
    assert AuditEntry.objects.get(action="case.unlocked").details == {"cleared": True}
    _check(case, org.coordinator, "interview")
    assert case.verifications.count() == 2


def test_the_name_search_of_a_caseworker_skips_cases_not_yet_accepted(
    org: Organisation, vault: Vault
) -> None:
    case = _case(org, person("Magomed"))
    with using_keyring(keyring_of(org.caseworker)):
        assert people.find_people(org.caseworker, "Magomed") == []
    at_stage(case, Stage.ACCEPTED)
    with using_keyring(keyring_of(org.caseworker)):
        assert [f.person.case_id for f in people.find_people(org.caseworker, "Magomed")] == [
            case.pk
        ]


def test_the_page_records_checks_and_the_outcome(org: Organisation, vault: Vault) -> None:
    second = verifier(org, vault)
    case = _case(org)
    client = Client()
    sign_in(client, org.coordinator)
    response = client.post(
        f"/cases/{case.code}/verification/check/",
        {
            "check-version": case.version,
            "check-kind": "reference",
            "check-finding": "supports",
            "check-note": "Kept.",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say who gave the reference." in page
    assert "Kept.</textarea>" in page
    assert not Check.objects.exists()
    case.refresh_from_db()
    response = client.post(
        f"/cases/{case.code}/verification/check/",
        {
            "check-version": case.version,
            "check-kind": "interview",
            "check-finding": "supports",
            "check-note": "Calm.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "Calm." in page
    assert "A second interview, by another verifier." in page
    _check(case, second, "interview")
    _check(case, second, "reference")
    _check(case, second, "consistency")
    _check(case, second, "documents")
    case.refresh_from_db()
    # No outcome is chosen for the verifier.
    assert (
        '<option value="" selected>—</option>'
        in client.get(f"/cases/{case.code}/").content.decode()
    )
    response = client.post(
        f"/cases/{case.code}/verification/outcome/",
        {"outcome-version": case.version, "outcome-outcome": "", "outcome-reasons": "All agree."},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).stage == Stage.SCREENING
    response = client.post(
        f"/cases/{case.code}/verification/outcome/",
        {
            "outcome-version": case.version,
            "outcome-outcome": "verified",
            "outcome-reasons": "All agree.",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.VERIFIED
