"""Travel's actions and rules: what each stage on the way out needs
(REQUIREMENTS), dates in an impossible order refused with nothing saved,
two people changing the same record, every action audited, the dates
that make reminders, and the purge of journey details after arrival."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.utils import translation

from safepassage.audit.models import AuditEntry
from safepassage.cases import travel, travel_actions
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Journey,
    JourneyLeg,
    TravelDocument,
)
from safepassage.cases.models.travel import LegDetails
from tests.base import Organisation, Vault
from tests.cases import travel_helpers as h

pytestmark = pytest.mark.django_db


def _missing(case: Case, stage: str) -> str | None:
    return travel.REQUIREMENTS[stage](case)


def test_it_names_every_stage_on_the_way_out() -> None:
    assert set(travel.REQUIREMENTS) == {
        "documents",
        "applied",
        "approved",
        "travelling",
        "arrived",
        "asylum_claimed",
        "protected",
    }


def test_it_requires_a_document_for_every_person_travelling(
    org: Organisation, vault: Vault
) -> None:
    case = h.household_case(org)
    principal, member = h.people(case)
    assert _missing(case, "documents") == "2 people travelling have no travel document recorded."
    h.document(org.caseworker, principal)
    assert _missing(case, "documents") == "1 person travelling has no travel document recorded."
    # A document not yet issued is still a record: the stage is about knowing.
    h.document(org.caseworker, member, kind="birth_certificate", status="none")
    assert _missing(case, "documents") is None


def test_it_requires_a_submitted_application(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.application(org.caseworker, case, appointment_on=date(2017, 5, 1))
    assert _missing(case, "applied") == "No application to a host has been submitted yet."
    h.application(org.caseworker, case, submitted_on=date(2017, 5, 2))
    assert _missing(case, "applied") is None


def test_it_requires_an_approved_application(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.application(
        org.caseworker,
        case,
        submitted_on=date(2017, 5, 2),
        decision="refused",
        decided_on=date(2017, 5, 9),
    )
    assert _missing(case, "approved") == "No application has been approved."
    h.approved(org.caseworker, case)
    assert _missing(case, "approved") is None


def test_it_requires_an_approval_and_a_planned_journey_to_travel(
    org: Organisation, vault: Vault
) -> None:
    case = h.household_case(org)
    both = _missing(case, "travelling")
    assert both == "No application has been approved. No journey is planned."
    h.approved(org.caseworker, case)
    assert _missing(case, "travelling") == "No journey is planned."
    h.journey(org.caseworker, case, status="aborted")
    assert _missing(case, "travelling") == "No journey is planned."
    h.journey(org.caseworker, case, status="planned")
    assert _missing(case, "travelling") is None


def test_it_requires_an_arrival(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.approved(org.caseworker, case)
    trip = h.journey(org.caseworker, case)
    h.leg(org.caseworker, trip)
    assert _missing(case, "arrived") == "No journey has an arrival recorded."
    h.arrive(org.caseworker, trip)
    assert _missing(case, "arrived") is None
    trip.refresh_from_db()
    assert trip.status == "completed"


def test_it_requires_a_lodged_claim(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.pathway()
    h.claim(org.caseworker, case)
    assert _missing(case, "asylum_claimed") == "No asylum claim has been lodged."
    h.claim(org.caseworker, case, status="lodged", lodged_on=date(2017, 6, 5))
    assert _missing(case, "asylum_claimed") is None


def test_it_requires_an_outcome_that_protects(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.pathway()
    lodged = {"status": "decided", "lodged_on": date(2017, 6, 5), "decided_on": date(2017, 9, 1)}
    h.claim(org.caseworker, case, outcome="appeal", **lodged)
    missing = "No asylum claim has ended in refugee status or another protection."
    assert _missing(case, "protected") == missing
    h.claim(org.caseworker, case, outcome="subsidiary", **lodged)
    assert _missing(case, "protected") is None


def test_it_says_what_is_missing_in_the_readers_language(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    with translation.override("ru"):
        for stage in travel.REQUIREMENTS:
            said = _missing(case, stage)
            assert said
            assert not any("a" <= letter <= "z" for letter in said.lower()), said


def test_it_refuses_a_decision_before_the_submission(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    with pytest.raises(travel_actions.BadDates) as refused:
        h.application(
            org.caseworker,
            case,
            submitted_on=date(2017, 5, 10),
            decision="approved",
            decided_on=date(2017, 5, 1),
        )
    assert set(refused.value.problems) == {"decided_on"}
    assert not Application.objects.exists()
    with pytest.raises(travel_actions.BadDates) as refused:
        h.application(org.caseworker, case, decision="approved", decided_on=date(2017, 5, 1))
    assert set(refused.value.problems) == {"submitted_on"}
    assert not Application.objects.exists()


def test_it_refuses_an_arrival_before_the_departure(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.pathway()
    trip = h.journey(org.caseworker, case)
    h.leg(org.caseworker, trip, departs_on=date(2017, 6, 10), arrives_on=date(2017, 6, 11))
    with pytest.raises(travel_actions.BadDates) as refused:
        h.arrive(org.caseworker, trip, on=date(2017, 6, 9))
    assert set(refused.value.problems) == {"arrived_on"}
    trip.refresh_from_db()
    assert trip.arrived_on is None
    assert trip.version == 1
    with pytest.raises(travel_actions.BadDates):
        h.leg(org.caseworker, trip, departs_on=date(2017, 6, 12), arrives_on=date(2017, 6, 11))
    assert JourneyLeg.objects.count() == 1


def test_it_refuses_claim_dates_out_of_order(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.pathway()
    with pytest.raises(travel_actions.BadDates) as refused:
        h.claim(
            org.caseworker,
            case,
            status="decided",
            lodged_on=date(2017, 6, 5),
            interview_on=date(2017, 6, 1),
            decided_on=date(2017, 6, 3),
            outcome="refugee",
        )
    assert set(refused.value.problems) == {"interview_on", "decided_on"}
    with pytest.raises(travel_actions.BadDates) as refused:
        h.claim(org.caseworker, case, status="lodged", outcome="refugee")
    assert {"lodged_on", "status", "decided_on"} <= set(refused.value.problems)
    assert not AsylumClaim.objects.exists()


def test_it_refuses_a_change_made_from_an_old_version(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    principal, _member = h.people(case)
    document = h.document(org.caseworker, principal)
    with h.as_user(org.coordinator):
        travel_actions.change_travel_document(
            document, version=1, by=org.coordinator, status="seized"
        )
    stale = TravelDocument.objects.get(pk=document.pk)
    stale.version = 1
    with h.as_user(org.caseworker), pytest.raises(travel_actions.Conflict):
        travel_actions.change_travel_document(stale, version=1, by=org.caseworker, status="lost")
    document.refresh_from_db()
    assert document.status == "seized"
    assert document.version == 2


def test_it_audits_each_action(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    principal, _member = h.people(case)
    h.document(org.caseworker, principal)
    h.approved(org.caseworker, case)
    trip = h.journey(org.caseworker, case)
    h.leg(org.caseworker, trip)
    h.arrive(org.caseworker, trip)
    h.claim(org.caseworker, case, status="lodged", lodged_on=date(2017, 6, 5))
    actions = list(
        AuditEntry.objects.filter(target=f"case:{case.pk}").values_list("action", flat=True)
    )
    for action in (
        "case.travel_document_added",
        "case.application_added",
        "case.journey_added",
        "case.journey_leg_added",
        "case.arrival_recorded",
        "case.asylum_claim_added",
    ):
        assert action in actions
    entry = AuditEntry.objects.get(action="case.arrival_recorded")
    assert entry.actor == f"user:{org.caseworker.pk}"
    assert entry.details["changed"] == ["arrival", "arrived_in", "arrived_on", "status"]


def test_it_purges_journey_details_after_arrival(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    h.approved(org.caseworker, case)
    trip = h.journey(org.caseworker, case)
    h.leg(org.caseworker, trip)
    h.leg(org.caseworker, trip, departs_on=date(2017, 6, 2), arrives_on=date(2017, 6, 3))
    h.arrive(org.caseworker, trip)
    assert travel.journey_details_held(case) == 3
    assert travel.purge_journey_details(case, "system") == 3
    trip.refresh_from_db()
    assert trip.arrival is None
    assert trip.arrived_on == date(2017, 6, 3)
    assert trip.arrived_in is not None
    assert trip.details_purged_on is not None
    legs = list(JourneyLeg.objects.filter(journey=trip))
    assert [leg.details for leg in legs] == [None, None]
    assert [leg.departs_on for leg in legs] == [date(2017, 6, 1), date(2017, 6, 2)]
    entry = AuditEntry.objects.get(action="case.journey_details_purged")
    assert entry.details == {"legs": 2, "arrivals": 1}
    assert entry.actor == "system"
    # Nothing left: nothing done, nothing recorded.
    assert travel.purge_journey_details(case, "system") == 0
    assert AuditEntry.objects.filter(action="case.journey_details_purged").count() == 1
    # Another case's journey keeps its details.
    other = h.household_case(org)
    kept = h.leg(org.caseworker, h.journey(org.caseworker, other))
    travel.purge_journey_details(case, "system")
    with h.as_user(org.caseworker):
        assert JourneyLeg.objects.get(pk=kept.pk).details == LegDetails(
            origin="Grozny", destination="Moscow"
        )


def test_it_finds_what_is_due_in_one_query(
    org: Organisation, vault: Vault, django_assert_num_queries: object
) -> None:
    today = date(2017, 6, 15)
    cases = [h.household_case(org) for _ in range(3)]
    for case in cases:
        principal, member = h.people(case)
        h.document(org.caseworker, principal, expires_on=today + timedelta(days=30))
        h.document(org.caseworker, member, expires_on=today - timedelta(days=1))
        h.document(org.caseworker, member, expires_on=today + timedelta(days=400))
        h.document(org.caseworker, member, status="applied", expires_on=today)
        h.application(org.caseworker, case, appointment_on=today + timedelta(days=3))
        h.application(org.caseworker, case, appointment_on=today - timedelta(days=2))
        h.application(
            org.caseworker,
            case,
            appointment_on=today - timedelta(days=5),
            submitted_on=today - timedelta(days=5),
        )
        trip = h.journey(org.caseworker, case)
        h.leg(org.caseworker, trip)
        h.arrive(org.caseworker, trip, on=today - timedelta(days=10))
    outside = h.household_case(org)
    h.document(org.caseworker, h.people(outside)[0], expires_on=today)
    chosen = Q(pk__in=[case.pk for case in cases])
    with django_assert_num_queries(1):  # type: ignore[operator]
        due = travel.due_dates(chosen, today)
    assert len(due) == 3 * 5
    assert {item.case_code for item in due} == {case.code for case in cases}
    kinds = sorted(
        (item.kind, item.on - today, item.overdue)
        for item in due
        if item.case_code == cases[0].code
    )
    assert kinds == [
        ("appointment", timedelta(days=-2), True),
        ("appointment", timedelta(days=3), False),
        ("document_expires", timedelta(days=-1), True),
        ("document_expires", timedelta(days=30), False),
        ("follow_up", timedelta(days=4), False),
    ]
    assert [item.on for item in due] == sorted(item.on for item in due)
    assert due[0].label == "An appointment passed and the application is not recorded as submitted"
    # Long after arrival, no follow-up is due any more.
    later = travel.due_dates(chosen, today + timedelta(days=200))
    assert {item.kind for item in later} == {"document_expires", "appointment"}
    assert Journey.objects.count() == 3
