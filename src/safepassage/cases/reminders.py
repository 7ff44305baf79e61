"""Tasks computed from dates: a travel document about to expire, an
appointment at an embassy or office, a follow-up after arrival.

They are read from the travel records (``cases.travel.due_dates``) of the
cases still on their way, whenever they are needed, so they follow the
records: a passport renewed, an application recorded as submitted, and
the reminder goes. A reminder can also be marked done (cases.tasks.
finish_reminder), which keeps a done Task row naming where it came from;
a reminder so marked is not shown again, unless its date changes (a new
expiry date is a new reminder).

How far ahead, in days, is set here in code (docs/casework.md, "Tasks and
deadlines"). ``overdue_reminder_cases`` is the same rule as one filter on
cases, for the case list; ``overdue_reminder_count`` counts without
reading every row.

Which cases is a condition on Case (a Q: access.case_rule, "assigned to
me", one case's key), asked of the travel records through their case
(conditions.through): a join that starts from the records near their
dates, not a list of every case the condition selects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safepassage.cases import stages, travel
from safepassage.cases.conditions import through
from safepassage.cases.models import (
    Application,
    Case,
    Decision,
    DocumentStatus,
    Journey,
    ReminderKind,
    Task,
    TravelDocument,
)
from safepassage.cases.paging import count_up_to

# A travel document is brought up this many days before it expires.
EXPIRING_WITHIN = 90
# An appointment is brought up this many days before it.
APPOINTMENT_AHEAD = 14
# A follow-up is due this many days after an arrival ...
FOLLOW_UP_AFTER = 14
# ... and is shown until this many days after it was due.
FOLLOW_UP_FOR = 30
# "Due soon", for the dashboard.
SOON = 7
# Past this many reminders, the ones marked done are looked up by case
# rather than by record (a shorter query).
_BY_RECORD = 500
# Up to this many cases on their way, their travel records are looked up
# case by case; past it, counted against the records near their dates
# (_records_first), each count stopping at _COUNTED_UP_TO.
_FEW_CASES = 2000
_COUNTED_UP_TO = 10_000


@dataclass(frozen=True)
class Reminder:
    """A task computed from a date: ``due`` as travel.due_dates gives it,
    and the date of the record it comes from (``source_on``: the expiry,
    the appointment, the arrival), which names it with its kind and record."""

    due: travel.Due
    source_on: date

    @property
    def kind(self) -> str:
        return self.due.kind

    @property
    def on(self) -> date:
        return self.due.on

    @property
    def overdue(self) -> bool:
        return self.due.overdue

    @property
    def case_id(self) -> uuid.UUID:
        return self.due.case_id

    @property
    def case_code(self) -> str:
        return self.due.case_code

    @property
    def record_id(self) -> uuid.UUID:
        return self.due.record_id

    @property
    def label(self) -> str:
        return self.due.label

    @property
    def key(self) -> tuple[str, uuid.UUID, date]:
        return (self.kind, self.record_id, self.source_on)


def _source_on(due: travel.Due) -> date:
    if due.kind == ReminderKind.FOLLOW_UP:
        return due.on - timedelta(days=FOLLOW_UP_AFTER)
    return due.on


def on_the_way(cases: Q) -> Q:
    """Reminders are for cases still on their way (not closed, not in a side exit)."""
    return Q(stage__in=stages.ACTIVE) & cases


def _records_first(cases: Q, today: date) -> frozenset[str]:
    """Which travel records to read from their dates first, each one's
    case then checked, rather than each chosen case's records looked up.
    The second is right for a caseworker's cases; for a reader with
    thousands (a coordinator's teams) it looks up thousands, when the
    documents and appointments near their dates may be few. SQLite keeps no
    statistics on how rare a range of dates is, so it cannot tell: it is
    counted here, from the indexes alone. The cases are counted only as
    far as the choice needs: past _FEW_CASES, then past the records near
    their dates (8,800 cases counted took 8 ms on PostgreSQL, when a few
    hundred records were near their dates)."""
    on_their_way = Case.objects.filter(on_the_way(cases))
    few = count_up_to(on_their_way, _FEW_CASES + 1)
    if few <= _FEW_CASES:
        return frozenset()
    records = {
        "document_expires": TravelDocument.objects.filter(
            expires_on__lte=today + timedelta(days=EXPIRING_WITHIN)
        ),
        "appointment": Application.objects.filter(
            appointment_on__lte=today + timedelta(days=APPOINTMENT_AHEAD)
        ),
    }
    near = {kind: count_up_to(found, _COUNTED_UP_TO) for kind, found in records.items()}
    largest = max(near.values())
    many = few if largest < few else count_up_to(on_their_way, largest + 1)
    # Records past the count's bound are too many to read first.
    return frozenset(
        kind for kind, count in near.items() if count < _COUNTED_UP_TO and count < many
    )


def reminders(cases: Q, today: date) -> list[Reminder]:
    """The reminders of the cases ``cases`` selects, not marked done,
    soonest first: two queries whatever the number of cases, and one to
    choose how to read them (up to three more when the cases are many)."""
    return _reminders(cases, today, _records_first(cases, today))


def of_case(case: Case, today: date) -> list[Reminder]:
    """The reminders of one case (its page): its own records, looked up
    by the case, with no count to choose how."""
    return _reminders(Q(pk=case.pk), today, frozenset())


def _reminders(cases: Q, today: date, records_first: frozenset[str]) -> list[Reminder]:
    dues = travel.due_dates(
        on_the_way(cases),
        today,
        expiring_within=EXPIRING_WITHIN,
        ahead=APPOINTMENT_AHEAD,
        follow_up_after=FOLLOW_UP_AFTER,
        follow_up_for=FOLLOW_UP_FOR,
        records_first=records_first,
    )
    if not dues:
        return []
    marked = Task.objects.exclude(source_kind="")
    if len(dues) <= _BY_RECORD:
        marked = marked.filter(source_id__in={due.record_id for due in dues})
    else:
        marked = marked.filter(through(on_the_way(cases)))
    done = set(marked.values_list("source_kind", "source_id", "source_on"))
    found = [Reminder(due, _source_on(due)) for due in dues]
    return [reminder for reminder in found if reminder.key not in done]


def find(case: Case, kind: str, record_id: uuid.UUID, source_on: date, today: date) -> Reminder:
    """The reminder of ``case`` so named, as it stands today; LookupError
    if there is none (its record changed, or it was marked done)."""
    for reminder in of_case(case, today):
        if reminder.key == (kind, record_id, source_on):
            return reminder
    raise LookupError("no such reminder")


# --- The same rule as filters ------------------------------------------------------------


def _not_marked(kind: str, on: str) -> Any:
    marked = Task.objects.filter(source_kind=kind, source_id=OuterRef("pk"), source_on=OuterRef(on))
    return ~Exists(marked)


def _overdue_sources(today: date, case: Q) -> tuple[QuerySet[Any], ...]:
    """The travel records whose reminder is overdue and not marked done,
    that ``case`` selects (a condition on the records): as due_dates
    calls them overdue."""
    documents = TravelDocument.objects.filter(
        _not_marked(ReminderKind.DOCUMENT_EXPIRES, "expires_on"),
        status=DocumentStatus.ISSUED,
        expires_on__lt=today,
    ).filter(case)
    appointments = Application.objects.filter(
        _not_marked(ReminderKind.APPOINTMENT, "appointment_on"),
        appointment_on__lt=today,
        submitted_on=None,
        decision=Decision.PENDING,
    ).filter(case)
    follow_ups = Journey.objects.filter(
        _not_marked(ReminderKind.FOLLOW_UP, "arrived_on"),
        arrived_on__lt=today - timedelta(days=FOLLOW_UP_AFTER),
        arrived_on__gte=today - timedelta(days=FOLLOW_UP_AFTER + FOLLOW_UP_FOR),
    ).filter(case)
    return documents, appointments, follow_ups


def overdue_reminder_cases(today: date) -> Q:
    """The filter for cases with an overdue reminder not marked done."""
    query = Q(pk__in=[])
    for sources in _overdue_sources(today, Q(case=OuterRef("pk"))):
        query |= Q(Exists(sources))
    return Q(stage__in=stages.ACTIVE) & query


def overdue_reminder_count(cases: Q, today: date, up_to: int | None = None) -> int:
    """How many reminders of the cases ``cases`` selects are overdue and
    not marked done (up to three counting queries); with ``up_to``,
    counted no further than that (each query stops there)."""
    chosen = through(on_the_way(cases))
    found = 0
    for sources in _overdue_sources(today, chosen):
        if up_to is None:
            found += sources.count()
            continue
        if found >= up_to:
            break
        found += count_up_to(sources, up_to - found)
    return found
