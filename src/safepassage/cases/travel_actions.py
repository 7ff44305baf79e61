"""Named actions on the way out: travel documents, applications,
journeys and their legs, the arrival, the asylum claim. Each checks what
it needs, saves, and writes its audit entry in one transaction.

Two caseworkers may edit the same record: a change carries the version
its form was made from and is refused (``Conflict``, nothing saved) when
someone saved the record since. Dates are checked here too (``BadDates``),
so the command line and the pages refuse the same things.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import F, Max
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    ClaimStatus,
    Decision,
    Journey,
    JourneyLeg,
    Pathway,
    Person,
    TravelDocument,
)
from safepassage.cases.models.travel import PROTECTION, ClaimOutcome

Actor = User | str


class Conflict(Exception):
    """Someone saved the record after the form was made: nothing was saved."""


class BadDates(Exception):
    """Dates in an impossible order: ``problems`` maps a field to the sentence."""

    def __init__(self, problems: dict[str, Any]) -> None:
        self.problems = problems
        super().__init__(", ".join(sorted(problems)))


def _before(first: date | None, then: date | None) -> bool:
    return first is not None and then is not None and then < first


def check_application_dates(values: dict[str, Any]) -> dict[str, Any]:
    """What is wrong with an application's dates and decision, by field."""
    problems: dict[str, Any] = {}
    decision = values.get("decision", Decision.PENDING)
    if _before(values.get("submitted_on"), values.get("decided_on")):
        problems["decided_on"] = _("The decision cannot come before the application was submitted.")
    if decision != Decision.PENDING and values.get("decided_on") is None:
        problems["decided_on"] = _("Give the date of the decision.")
    if decision == Decision.PENDING and values.get("decided_on") is not None:
        problems["decision"] = _("A decision date was given: say what was decided.")
    if decision in (Decision.APPROVED, Decision.REFUSED) and values.get("submitted_on") is None:
        problems["submitted_on"] = _(
            "An application is decided only once submitted: give the date."
        )
    return problems


def check_leg_dates(values: dict[str, Any]) -> dict[str, Any]:
    if _before(values.get("departs_on"), values.get("arrives_on")):
        return {"arrives_on": _("A leg cannot arrive before it departs.")}
    return {}


def check_arrival(journey: Journey, arrived_on: date | None) -> dict[str, Any]:
    first = journey.legs.order_by("departs_on").values_list("departs_on", flat=True).first()
    if _before(first, arrived_on):
        return {"arrived_on": _("The arrival cannot come before the journey departed.")}
    return {}


def check_claim(values: dict[str, Any]) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    lodged, interview, decided = (
        values.get(k) for k in ("lodged_on", "interview_on", "decided_on")
    )
    status, outcome = values.get("status", ClaimStatus.PREPARING), values.get("outcome", "")
    if _before(lodged, interview):
        problems["interview_on"] = _("The interview cannot come before the claim was lodged.")
    if _before(lodged, decided):
        problems["decided_on"] = _("The decision cannot come before the claim was lodged.")
    elif _before(interview, decided):
        problems["decided_on"] = _("The decision cannot come before the interview.")
    if status != ClaimStatus.PREPARING and lodged is None:
        problems["lodged_on"] = _("Give the date the claim was lodged.")
    if status == ClaimStatus.DECIDED and not outcome:
        problems["outcome"] = _("Say what was decided.")
    if outcome and status != ClaimStatus.DECIDED:
        problems["status"] = _("A claim with an outcome is decided.")
    if outcome and decided is None:
        problems["decided_on"] = _("Give the date of the decision.")
    return problems


def _refuse(problems: dict[str, Any]) -> None:
    if problems:
        raise BadDates(problems)


# --- Saving with a version -------------------------------------------------------------


def _take_version(row: models.Model, version: int) -> None:
    """Move the row from ``version`` to the next, or raise Conflict."""
    moved = type(row)._default_manager.filter(pk=row.pk, version=version)
    if moved.update(version=F("version") + 1) != 1:
        raise Conflict
    row.version = version + 1  # type: ignore[attr-defined]


def _change(row: models.Model, version: int, values: dict[str, Any]) -> list[str]:
    """Set what differs and save it under the version lock; the names changed."""
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    _take_version(row, version)
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return changed


def _people_of(case: Case, people: Iterable[Person]) -> list[Person]:
    chosen = list(people)
    if any(person.case_id != case.pk for person in chosen):
        raise ValueError("people of another case")
    return chosen


def _set_people(row: Application | AsylumClaim, people: list[Person]) -> bool:
    before = set(row.people.values_list("pk", flat=True))
    after = {person.pk for person in people}
    if before != after:
        row.people.set(people)
    return before != after


# --- Travel documents -------------------------------------------------------------------


@transaction.atomic
def add_travel_document(person: Person, *, by: Actor, **values: Any) -> TravelDocument:
    """``values``: kind, status, expires_on, details (DocumentDetails), notes."""
    document = TravelDocument(case_id=person.case_id, person=person, **values)
    document.save(force_insert=True)
    record(by, "case.travel_document_added", person.case)
    return document


@transaction.atomic
def change_travel_document(
    document: TravelDocument, *, version: int, by: Actor, **values: Any
) -> list[str]:
    changed = _change(document, version, values)
    record(by, "case.travel_document_changed", document.case, changed=changed)
    return changed


# --- Applications -----------------------------------------------------------------------


@transaction.atomic
def add_application(
    case: Case, pathway: Pathway, *, people: Iterable[Person], by: Actor, **values: Any
) -> Application:
    """``values``: office, appointment_on, submitted_on, decision,
    decided_on, notes. The host is the pathway's."""
    _refuse(check_application_dates(values))
    chosen = _people_of(case, people)
    application = Application(case=case, pathway=pathway, host_id=pathway.host_id, **values)
    application.save(force_insert=True)
    application.people.set(chosen)
    record(by, "case.application_added", case, people=len(chosen))
    return application


@transaction.atomic
def change_application(
    application: Application,
    *,
    version: int,
    by: Actor,
    people: Iterable[Person] | None = None,
    **values: Any,
) -> list[str]:
    dates = ("submitted_on", "decided_on", "decision")
    _refuse(check_application_dates({k: getattr(application, k) for k in dates} | values))
    if "pathway" in values:
        values["host_id"] = values["pathway"].host_id
    changed = _change(application, version, values)
    if people is not None and _set_people(application, _people_of(application.case, people)):
        changed.append("people")
    record(by, "case.application_changed", application.case, changed=changed)
    return changed


# --- Journeys, legs, arrival -----------------------------------------------------------


@transaction.atomic
def add_journey(case: Case, *, by: Actor, **values: Any) -> Journey:
    """``values``: status, application, notes."""
    application = values.get("application")
    if application is not None and application.case_id != case.pk:
        raise ValueError("an application of another case")
    journey = Journey(case=case, **values)
    journey.save(force_insert=True)
    record(by, "case.journey_added", case)
    return journey


@transaction.atomic
def change_journey(journey: Journey, *, version: int, by: Actor, **values: Any) -> list[str]:
    application = values.get("application")
    if application is not None and application.case_id != journey.case_id:
        raise ValueError("an application of another case")
    changed = _change(journey, version, values)
    record(by, "case.journey_changed", journey.case, changed=changed)
    return changed


@transaction.atomic
def add_leg(journey: Journey, *, by: Actor, **values: Any) -> JourneyLeg:
    """``values``: departs_on, arrives_on, details (LegDetails)."""
    _refuse(check_leg_dates(values))
    if journey.arrived_on is not None and _before(values.get("departs_on"), journey.arrived_on):
        _refuse({"departs_on": _("This leg departs after the arrival recorded for the journey.")})
    last = journey.legs.aggregate(last=Max("position"))["last"]
    leg = JourneyLeg(journey=journey, position=0 if last is None else last + 1, **values)
    leg.save(force_insert=True)
    record(by, "case.journey_leg_added", journey.case, legs=journey.legs.count())
    return leg


@transaction.atomic
def change_leg(leg: JourneyLeg, *, version: int, by: Actor, **values: Any) -> list[str]:
    _refuse(check_leg_dates({"departs_on": leg.departs_on, "arrives_on": leg.arrives_on} | values))
    changed = _change(leg, version, values)
    record(by, "case.journey_leg_changed", leg.journey.case, changed=changed)
    return changed


@transaction.atomic
def record_arrival(journey: Journey, *, version: int, by: Actor, **values: Any) -> list[str]:
    """``values``: arrived_on, arrived_in (a Host), arrival (ArrivalDetails).
    A journey that has arrived is completed."""
    _refuse(check_arrival(journey, values.get("arrived_on")))
    if values.get("arrived_on") is not None:
        values["status"] = "completed"
    changed = _change(journey, version, values)
    record(by, "case.arrival_recorded", journey.case, changed=changed)
    return changed


# --- Asylum claims ---------------------------------------------------------------------


@transaction.atomic
def add_asylum_claim(
    case: Case, *, people: Iterable[Person], by: Actor, **values: Any
) -> AsylumClaim:
    """``values``: host, authority, reference, status, lodged_on,
    interview_on, decided_on, outcome, notes."""
    _refuse(check_claim(values))
    chosen = _people_of(case, people)
    claim = AsylumClaim(case=case, **values)
    claim.save(force_insert=True)
    claim.people.set(chosen)
    record(by, "case.asylum_claim_added", case, people=len(chosen), protected=_protects(claim))
    return claim


@transaction.atomic
def change_asylum_claim(
    claim: AsylumClaim,
    *,
    version: int,
    by: Actor,
    people: Iterable[Person] | None = None,
    **values: Any,
) -> list[str]:
    fields = ("lodged_on", "interview_on", "decided_on", "status", "outcome")
    _refuse(check_claim({k: getattr(claim, k) for k in fields} | values))
    changed = _change(claim, version, values)
    if people is not None and _set_people(claim, _people_of(claim.case, people)):
        changed.append("people")
    record(by, "case.asylum_claim_changed", claim.case, changed=changed, protected=_protects(claim))
    return changed


def _protects(claim: AsylumClaim) -> bool:
    return claim.outcome in PROTECTION and claim.outcome != ClaimOutcome.APPEAL
