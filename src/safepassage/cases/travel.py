"""Travel, as the rest of casework sees it: what a stage on the way out
needs (REQUIREMENTS, read by the stages' transition table), the case
page's section (``section``), the dates that make reminders
(``due_dates``), and the retention hook that removes where and how a
journey went once the person has arrived (``purge_journey_details``).

The records themselves are changed by the actions of travel_actions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.access import may_read_identity
from safepassage.cases.conditions import through
from safepassage.cases.models import (
    Application,
    Case,
    Decision,
    DocumentStatus,
    Journey,
    JourneyLeg,
    JourneyStatus,
    Pathway,
    TravelDocument,
)
from safepassage.cases.models.travel import PROTECTION
from safepassage.vault.keyring import current_keyring_or_none

# --- What each stage on the way out needs ---------------------------------------------


def _documents(case: Case) -> str | None:
    without = case.people.filter(travel_documents=None).count()
    if not case.people.exists():
        return _("Nobody of this household has a record of their own yet: record them first.")
    if without:
        return ngettext(
            "%(count)d person travelling has no travel document recorded.",
            "%(count)d people travelling have no travel document recorded.",
            without,
        ) % {"count": without}
    return None


def _applied(case: Case) -> str | None:
    if case.applications.filter(submitted_on__isnull=False).exists():
        return None
    return _("No application to a host has been submitted yet.")


def _approved(case: Case) -> str | None:
    if case.applications.filter(decision=Decision.APPROVED).exists():
        return None
    return _("No application has been approved.")


def _travelling(case: Case) -> str | None:
    missing = []
    approved = _approved(case)
    if approved:
        missing.append(approved)
    if not case.journeys.filter(
        status__in=[JourneyStatus.PLANNED, JourneyStatus.UNDER_WAY]
    ).exists():
        missing.append(_("No journey is planned."))
    return " ".join(missing) or None


def _arrived(case: Case) -> str | None:
    if case.journeys.filter(arrived_on__isnull=False).exists():
        return None
    return _("No journey has an arrival recorded.")


def _asylum_claimed(case: Case) -> str | None:
    if case.asylum_claims.filter(lodged_on__isnull=False).exists():
        return None
    return _("No asylum claim has been lodged.")


def _protected(case: Case) -> str | None:
    if case.asylum_claims.filter(outcome__in=PROTECTION).exists():
        return None
    return _("No asylum claim has ended in refugee status or another protection.")


REQUIREMENTS: dict[str, Callable[[Case], str | None]] = {
    "documents": _documents,
    "applied": _applied,
    "approved": _approved,
    "travelling": _travelling,
    "arrived": _arrived,
    "asylum_claimed": _asylum_claimed,
    "protected": _protected,
}


# --- The case page's section ----------------------------------------------------------


@dataclass
class Section:
    """What the travel section of a case page shows."""

    people: list[Any]
    applications: list[Any]
    journeys: list[Any]
    claims: list[Any]
    # The reader's keys open identity (details, names) and casework (notes).
    identity: bool
    casework: bool
    # Whether the reader keeps the hosts and pathways.
    manage_hosts: bool
    hosts_exist: bool

    @property
    def empty(self) -> bool:
        documents = any(person.documents for person in self.people)
        return not (documents or self.applications or self.journeys or self.claims)


def section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The travel section's context (None for a reader who sees no cases).
    Sealed values are opened only for readers whose keys hold them; adding
    and changing records is for members of identity."""
    from safepassage.cases import travel_reading as reading

    user: User = request.user  # type: ignore[assignment]
    if not user.can(Perm.VIEW_CASES):
        return None
    identity = may_read_identity(user, case)
    keyring = current_keyring_or_none()
    casework = keyring is not None and keyring.holds("casework")
    labels = reading.person_labels(case, identity=identity)
    today = timezone.localdate()
    shown = Section(
        people=reading.documents_by_person(
            case, labels, today, identity=identity, casework=casework
        ),
        applications=reading.applications(case, labels, casework=casework),
        journeys=reading.journeys(case, identity=identity, casework=casework),
        claims=reading.asylum_claims(case, labels, identity=identity, casework=casework),
        identity=identity,
        casework=casework,
        manage_hosts=user.can(Perm.MANAGE_HOSTS),
        hosts_exist=Pathway.objects.filter(active=True).exists(),
    )
    return {"travel": shown}


# --- Dates that make reminders ---------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Something on a date: ``kind`` is "document_expires", "appointment"
    or "follow_up"; ``record_id`` the travel document, application or
    journey it comes from."""

    kind: str
    on: date
    overdue: bool
    case_id: uuid.UUID
    case_code: str
    record_id: uuid.UUID

    @property
    def label(self) -> str:
        if self.kind == "document_expires":
            return (
                _("A travel document expired") if self.overdue else _("A travel document expires")
            )
        if self.kind == "appointment":
            if self.overdue:
                return _("An appointment passed and the application is not recorded as submitted")
            return _("An appointment at an embassy or office")
        return _("A follow-up after arrival")


def _of_cases(cases: Q, records_first: bool) -> Any:
    """``cases`` as a condition on a travel record's case: through the
    join (each chosen case's records looked up in their case's index), or,
    with ``records_first``, as a check of each record's case (the records
    near their dates read first, from their date's index)."""
    if records_first:
        return Exists(Case.objects.filter(cases, pk=OuterRef("case_id")))
    return through(cases)


def due_dates(
    cases: Q,
    today: date,
    *,
    expiring_within: int = 90,
    ahead: int = 14,
    follow_up_after: int = 14,
    follow_up_for: int = 30,
    records_first: frozenset[str] = frozenset(),
) -> list[Due]:
    """What is due for the cases ``cases`` selects (a condition on Case),
    soonest first, in one query whatever
    their number: issued documents expiring within ``expiring_within``
    days (or expired: overdue), appointments within ``ahead`` days (or
    passed with the application not submitted: overdue), and a follow-up
    ``follow_up_after`` days after each arrival, from ``ahead`` days
    before it until ``follow_up_for`` days after (overdue once passed).
    ``records_first`` names the kinds ("document_expires", "appointment")
    whose records are read from their dates first (_of_cases)."""
    documents = TravelDocument.objects.filter(
        _of_cases(cases, "document_expires" in records_first),
        status=DocumentStatus.ISSUED,
        expires_on__lte=today + timedelta(days=expiring_within),
    ).annotate(due_kind=Value("document_expires"), due_on=F("expires_on"))
    appointments = Application.objects.filter(
        Q(appointment_on__gte=today) | Q(submitted_on=None, decision=Decision.PENDING),
        _of_cases(cases, "appointment" in records_first),
        appointment_on__lte=today + timedelta(days=ahead),
    ).annotate(due_kind=Value("appointment"), due_on=F("appointment_on"))
    arrivals = Journey.objects.filter(
        through(cases),
        arrived_on__lte=today + timedelta(days=ahead - follow_up_after),
        arrived_on__gte=today - timedelta(days=follow_up_after + follow_up_for),
    ).annotate(due_kind=Value("follow_up"), due_on=F("arrived_on"))
    # The three kinds in one query (UNION ALL), each from its own indexes.
    rows = [
        records.order_by().values_list("due_kind", "due_on", "case_id", "case__code", "pk")
        for records in (documents, appointments, arrivals)
    ]
    found: list[Due] = []
    kind: str
    on: date
    for kind, on, case_id, code, pk in cast(Any, rows[0].union(*rows[1:], all=True)):
        if kind == "follow_up":
            on += timedelta(days=follow_up_after)
        found.append(Due(kind, on, on < today, case_id, code, pk))
    found.sort(key=lambda due: (due.on, due.case_code, due.kind))
    return found


# --- Retention ------------------------------------------------------------------------


def journey_details_held(case: Case) -> int:
    """How many legs and arrivals of the case still hold where, how and
    with whom (what purge_journey_details would remove)."""
    legs = JourneyLeg.objects.filter(journey__case=case, details__isnull=False).count()
    return legs + Journey.objects.filter(case=case, arrival__isnull=False).count()


@transaction.atomic
def purge_journey_details(case: Case, by: User | str) -> int:
    """Remove where each leg of the case's journeys went, how and with
    whom, and where they arrived and who met them: the dates, the number
    of legs, the statuses and the host country stay, for the statistics.
    Returns how many legs and arrivals were emptied (0 when nothing was
    left); audited when something was."""
    legs = JourneyLeg.objects.filter(journey__case=case, details__isnull=False)
    with_arrival = Journey.objects.filter(case=case, arrival__isnull=False)
    journeys = set(legs.values_list("journey_id", flat=True))
    journeys |= set(with_arrival.values_list("pk", flat=True))
    purged_arrivals = with_arrival.count()
    purged_legs = legs.update(details=None, version=F("version") + 1)
    Journey.objects.filter(pk__in=journeys).update(
        arrival=None, details_purged_on=timezone.localdate(), version=F("version") + 1
    )
    purged = purged_legs + purged_arrivals
    if purged:
        record(by, "case.journey_details_purged", case, legs=purged_legs, arrivals=purged_arrivals)
    return purged
