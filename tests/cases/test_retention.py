"""Retention: rules by stage remove where a household stayed and how it
travelled a set time after its arrival, and who the people of a declined
or withdrawn case are a set time after the decision; a dry run says what
would go and changes nothing; every case purged and every run is audited;
what counts for the statistics stays; `safepassage serve` runs it daily."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.cases import forgetting, people, retention
from safepassage.cases.models import (
    Case,
    Check,
    Consent,
    ContactIndex,
    Journey,
    JourneyLeg,
    Person,
    StageChange,
    Stay,
    Verification,
)
from safepassage.cases.opening import Identity
from safepassage.env import ConfigError, Env
from safepassage.jobs.kinds import kind_named
from safepassage.jobs.models import Job, JobStatus
from safepassage.vault.fields import REGISTRY
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import SearchShard
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.cases.retention_helpers import SECRETS, arrived_case, declined_case
from tests.cases.safehouse_helpers import client_of, days

pytestmark = pytest.mark.django_db


def statistics(case: Case) -> dict[str, Any]:
    """What counts for the statistics: plain columns, dates and counts."""
    case.refresh_from_db()
    return {
        "case": (case.code, case.stage, case.stage_since, case.opened_on, case.risk, case.team_id),
        "history": list(
            StageChange.objects.filter(case=case).values_list(
                "number", "on", "from_stage", "to_stage"
            )
        ),
        "people": list(Person.objects.filter(case=case).values_list("role", "position", "minor")),
        "stays": list(
            Stay.objects.filter(case=case).values_list(
                "planned_arrival", "arrived_on", "left_on", "beds"
            )
        ),
        "journeys": list(
            Journey.objects.filter(case=case)
            .annotate(leg_count=Count("legs"))
            .values_list("status", "arrived_on", "arrived_in_id", "leg_count")
        ),
        "consents": list(Consent.objects.filter(case=case).values_list("kind", "given_on")),
        "checks": list(
            Check.objects.filter(verification__case=case).values_list("kind", "finding")
        ),
    }


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- After arrival ---------------------------------------------------------------------


def test_it_forgets_where_a_household_stayed_and_travelled_once_the_days_after_arrival_pass(
    org: Organisation, vault: Vault
) -> None:
    old, recent = arrived_case(org, arrived_ago=100), arrived_case(org, arrived_ago=10)
    before = statistics(old), statistics(recent)
    output = run_command("run")
    assert f"  {old.code}: removed 1 stays, 2 journey legs and arrivals" in output
    assert recent.code not in output
    assert not any(secret in output for secret in SECRETS)
    stay = Stay.objects.get(case=old)
    assert stay.house is None
    assert stay.purged_on is not None
    assert not stay.people.exists()
    assert not JourneyLeg.objects.filter(journey__case=old, details__isnull=False).exists()
    assert not Journey.objects.filter(case=old, arrival__isnull=False).exists()
    # The recent one keeps everything; both keep what counts.
    assert Stay.objects.get(case=recent).house is not None
    assert JourneyLeg.objects.filter(journey__case=recent, details__isnull=False).exists()
    assert (statistics(old), statistics(recent)) == before
    # The identity stays: the rule after arrival is about places and journeys.
    with using_keyring(keyring_of(org.coordinator)):
        assert old.people.get(position=0).identity.name == "Zelim Daudov"
    # One entry per purge of the case, one for the run, as "cli".
    purged = AuditEntry.objects.filter(target=f"case:{old.pk}", actor="cli")
    assert set(purged.values_list("action", flat=True)) == {
        "case.stays_purged",
        "case.journey_details_purged",
    }
    assert not AuditEntry.objects.filter(target=f"case:{recent.pk}", actor="cli").exists()
    run = AuditEntry.objects.get(action="retention.run")
    assert (run.outcome, run.details) == (
        "ok",
        {"cases": 1, "people": 0, "stays": 1, "journey_details": 2},
    )
    # Done once: the next run finds nothing left.
    assert retention.plan() == []


def test_a_dry_run_says_what_would_go_and_changes_nothing(org: Organisation, vault: Vault) -> None:
    old, gone = arrived_case(org, arrived_ago=100), declined_case(org, declined_ago=200)
    before = list(AuditEntry.objects.exclude(action="retention.previewed").values_list("seq"))
    output = run_command("run", "--dry-run")
    assert f"  {old.code}: would remove 1 stays, 2 journey legs and arrivals" in output
    assert f"  {gone.code}: would remove 2 people's identity, 1 contact index entries" in output
    assert "after_arrival (90 days after arrival): 1 case(s)" in output
    assert "declined (180 days in the stage): 1 case(s)" in output
    assert not any(secret in output for secret in SECRETS)
    assert Stay.objects.get(case=old).house is not None
    gone.refresh_from_db()
    assert gone.identity_purged_on is None
    assert (
        list(AuditEntry.objects.exclude(action="retention.previewed").values_list("seq")) == before
    )
    preview = AuditEntry.objects.get(action="retention.previewed")
    assert preview.details == {"cases": 2, "people": 2, "stays": 1, "journey_details": 2}
    assert not Job.objects.exists()


# --- Declined and withdrawn ------------------------------------------------------------


def test_it_forgets_who_the_people_of_a_declined_case_are_and_keeps_the_statistics(
    org: Organisation, vault: Vault
) -> None:
    gone, recent = declined_case(org, declined_ago=200), declined_case(org, declined_ago=20)
    # A handle a suspicion flagged stays flagged: it marks the next request.
    flagged = ContactIndex.objects.create(case=gone, digest="f" * 32, flagged=True)
    before = statistics(gone)
    output = run_command("run")
    assert f"  {gone.code}: removed 2 people's identity, 1 contact index entries" in output
    gone.refresh_from_db()
    assert gone.identity_purged_on == days(0)
    assert statistics(gone) == before
    with using_keyring(keyring_of(org.coordinator)):
        principal = Person.objects.get(case=gone, position=0)
        assert principal.identity == Identity()
        assert principal.name is None
        assert principal.name_index == ""
        assert gone.narrative == ""
        assert gone.household_notes is None
        assert gone.answers is None
        assert StageChange.objects.get(case=gone).reason is None
        assert Verification.objects.get(case=gone).reasons is None
        assert Check.objects.get(verification__case=gone).note is None
        assert Consent.objects.get(case=gone).explanation == ""
        # Nobody finds them by name any more, fuzzily or exactly; the other case still is.
        found = {hit.person.case_id for hit in people.find_people(org.coordinator, "Zelim Daudov")}
        assert found == {recent.pk}
        assert {p.case_id for p in people.people_named(org.coordinator, "Zelim Daudov")} == {
            recent.pk
        }
        assert recent.people.get(position=0).identity.name == "Zelim Daudov"
    assert list(ContactIndex.objects.filter(case=gone)) == [flagged]
    entry = AuditEntry.objects.get(action="case.identity_purged")
    assert (entry.actor, entry.target) == ("cli", f"case:{gone.pk}")
    # It had no stay nor journey: no entry says it forgot any.
    assert not AuditEntry.objects.filter(action__endswith="_purged", target=entry.target).exclude(
        pk=entry.pk
    )
    assert entry.details == {
        "rule": "declined",
        "people": 2,
        "contacts_removed": 1,
        "stays": 0,
        "journey_details": 0,
    }
    # The case page says so, and shows no name to a member of identity.
    page = client_of(org.coordinator).get(f"/cases/{gone.code}/").content.decode()
    assert "was removed on" in page
    assert "under the retention rules" in page
    assert not any(secret in page for secret in SECRETS)


def test_it_forgets_a_withdrawn_case_with_the_places_it_stayed(
    org: Organisation, vault: Vault
) -> None:
    case = arrived_case(org, arrived_ago=300)
    Case.objects.filter(pk=case.pk).update(stage="withdrawn", stage_since=days(-200))
    output = run_command("run")
    assert f"  {case.code}: removed 2 people's identity, 1 contact index entries, 1 stays" in output
    assert Stay.objects.get(case=case).house is None
    assert not JourneyLeg.objects.filter(journey__case=case, details__isnull=False).exists()
    case.refresh_from_db()
    assert case.identity_purged_on is not None
    assert Person.objects.filter(case=case, name__isnull=False).count() == 0


def test_a_case_reopened_before_its_turn_is_left_alone(org: Organisation, vault: Vault) -> None:
    case = declined_case(org, declined_ago=200)
    planned = retention.plan()
    assert [item.code for item in planned] == [case.code]
    # Reopened between the plan and the purge: checked again under its lock.
    Case.objects.filter(pk=case.pk).update(stage="screening", stage_since=days(0))
    assert retention._apply_one(planned[0], days(0), "cli") is None
    case.refresh_from_db()
    assert case.identity_purged_on is None
    # And forgetting twice removes nothing the second time.
    assert forgetting.forget_identity(case, by="cli") == forgetting.Forgotten(2, 1, 0, 0)
    assert forgetting.forget_identity(case, by="cli") == forgetting.Forgotten(0, 0, 0, 0)


def test_forgetting_needs_no_keys_and_leaves_the_search_directory_without_them(
    org: Organisation, vault: Vault
) -> None:
    case = declined_case(org, declined_ago=200)
    principal = case.people.get(position=0)
    forgetting.forget_identity(case, by="system")
    shards = SearchShard.objects.filter(label="cases.person.name")
    assert any(str(principal.pk) in shard.removed for shard in shards)
    with using_keyring(keyring_of(org.coordinator)):
        assert principal.pk not in {
            hit.person.pk for hit in people.find_people(org.coordinator, "Zelim")
        }


# --- The rules' days -------------------------------------------------------------------


def test_the_days_come_from_the_settings_and_a_rule_can_be_off(
    org: Organisation, vault: Vault
) -> None:
    case = declined_case(org, declined_ago=30)
    assert retention.plan() == []
    with override_settings(RETENTION_DAYS={"declined": 30}):
        assert [item.code for item in retention.plan()] == [case.code]
        assert "declined: identity (30 days in the stage" in run_command("rules")
    with override_settings(RETENTION_DAYS={"declined": None}):
        Case.objects.filter(pk=case.pk).update(stage_since=days(-5000))
        assert retention.plan() == []
        assert "declined: identity (off;" in run_command("rules")
    with override_settings(RETENTION_DAYS={"declind": 3}), pytest.raises(ImproperlyConfigured):
        retention.plan()


def test_the_environment_sets_a_rules_days_or_turns_it_off() -> None:
    from safepassage import settings as module

    def read(value: str) -> int | None:
        original = module.env
        module.env = Env({"SAFEPASSAGE_RETENTION_DECLINED_DAYS": value})
        try:
            return module._retention_days("SAFEPASSAGE_RETENTION_DECLINED_DAYS")
        finally:
            module.env = original

    assert read("365") == 365
    assert read("off") is None
    assert read("0") == 0
    for bad in ("a year", "-1", "40000"):
        with pytest.raises(ConfigError, match="SAFEPASSAGE_RETENTION_DECLINED_DAYS"):
            read(bad)


# --- As a job, and once a day ----------------------------------------------------------


def test_a_run_is_a_background_job_of_its_own_kind(org: Organisation, vault: Vault) -> None:
    declined_case(org, declined_ago=200)
    run_command("run")
    job = Job.objects.get()
    assert (job.kind, job.status, job.progress) == ("cases.retention", JobStatus.DONE, 100)
    assert str(kind_named("cases.retention").label) == "Retention run"


def test_serve_runs_it_once_a_day(org: Organisation, vault: Vault) -> None:
    case = declined_case(org, declined_ago=200)
    report = retention.run_if_due()
    assert report is not None
    assert [item.code for item in report.items] == [case.code]
    assert retention.run_if_due() is None
    assert AuditEntry.objects.filter(action="retention.run", actor="system").count() == 1
    # A day later it is due again; a run that failed is tried again at the next look.
    Job.objects.update(created=timezone.now() - dt.timedelta(days=1))
    assert retention.run_if_due() is not None
    Job.objects.filter(status=JobStatus.DONE).update(status=JobStatus.FAILED)
    assert retention.run_if_due() is not None
    assert retention.run_if_due() is None


# --- What forgetting covers ------------------------------------------------------------


def test_every_sealed_field_of_a_case_is_forgotten_or_said_why() -> None:
    listed = {
        (entry.model._meta.label_lower, name)
        for entry in forgetting.SEALED
        for name in entry.fields
    }
    sealed = {
        (field.model._meta.label_lower, field.name)
        for field in REGISTRY
        if field.model._meta.app_label == "cases"
        and field.model._meta.label_lower not in forgetting.NOT_OF_A_CASE
    }
    assert sealed - listed == set(), "add these to forgetting.SEALED (or NOT_OF_A_CASE, with why)"
    assert listed - sealed == set()


def test_a_coordinator_sees_on_the_case_page_nothing_of_a_forgotten_case(
    org: Organisation, vault: Vault
) -> None:
    case = declined_case(org, declined_ago=200)
    forgetting.forget_identity(case, by="cli")
    client = client_of(org.coordinator)
    sign_in(client, org.coordinator)
    for page in ("", "travel/", "stays/", "consent/"):
        html = client.get(f"/cases/{case.code}/{page}").content.decode()
        assert not any(secret in html for secret in SECRETS), page
