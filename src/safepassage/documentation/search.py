"""Finding events again: the filters the event list and the timeline share.

Everything filtered on is plaintext (terms, dates, statuses, links) except
two things, and neither is decrypted row by row:

- a perpetrator's unit is matched exactly (case and spaces aside) through
  its blind index (``Involvement.unit_index``);
- a name is matched fuzzily (Магомед and Magomed, a typo) through the
  vault's encrypted directory of people's names (``vault.search``), opened
  in memory for the search; the people it finds narrow the events by
  plaintext links (the victim of an act, a perpetrator, a source).

A term matches itself and every term below it. The act filters (act type,
perpetrator type and unit, how far it is established, a victim's or
perpetrator's name) hold for one and the same act, and the perpetrator's
for one and the same involvement; the source filters (connection to the
facts, reliability, a source's name) for one and the same account. Each
is a subquery on the event's id, so an event comes once without DISTINCT.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When

from safepassage.accounts.models import User
from safepassage.documentation import vocabularies
from safepassage.documentation.access import visible_events
from safepassage.documentation.models import Act, Information, Involvement, Person
from safepassage.vault.fields import blind_index
from safepassage.vault.search import search

# How many people a name search may find, and how alike a name must be.
NAME_MATCHES = 200
NAME_CUTOFF = 75.0


class NameRole:
    """Where a person found by name must appear for an event to match."""

    VICTIM_OR_PERPETRATOR = ""
    VICTIM = "victim"
    PERPETRATOR = "perpetrator"
    SOURCE = "source"


@dataclass
class People:
    """The people whose names resemble the name searched (ids as text,
    with their scores); ``searched`` is False when no name was given."""

    searched: bool = False
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(key) for key in self.scores]


def people_named_like(name: str) -> People:
    """People whose names resemble ``name`` (needs the documentation keys:
    the encrypted directory is opened with them). Whether the reader may
    see each one is left to the events they appear in."""
    name = " ".join(name.split())[:100]
    if not name:
        return People()
    found = search(Person, "name", name, limit=NAME_MATCHES, cutoff=NAME_CUTOFF)
    return People(searched=True, scores=dict(found))


def _below(term: Any) -> set[int]:
    return vocabularies.descendants(term)


def _involvements(data: dict[str, Any], people: People, role: str) -> Q | None:
    """The involvements the perpetrator filters ask for (None: any)."""
    wanted = Q()
    if data.get("perpetrator_type"):
        wanted &= Q(perpetrator_type__in=_below(data["perpetrator_type"]))
    unit = (data.get("unit") or "").strip()
    if unit:
        wanted &= Q(unit_index=blind_index(Involvement, "unit_index", unit))
    if people.searched and role == NameRole.PERPETRATOR:
        wanted &= Q(perpetrator_id__in=people.ids)
    return wanted if wanted else None


def act_conditions(data: dict[str, Any], people: People) -> Q | None:
    """What one act must be for its event to match (None: any act or none)."""
    role = data.get("name_role") or NameRole.VICTIM_OR_PERPETRATOR
    wanted = Q()
    if data.get("act_type"):
        wanted &= Q(act_type__in=_below(data["act_type"]))
    if data.get("verification"):
        wanted &= Q(verification=data["verification"])
    involvements = _involvements(data, people, role)
    if involvements is not None:
        wanted &= Q(pk__in=Involvement.objects.filter(involvements).values("act_id"))
    if people.searched and role == NameRole.VICTIM:
        wanted &= Q(victim_id__in=people.ids)
    if people.searched and role == NameRole.VICTIM_OR_PERPETRATOR:
        perpetrators = Involvement.objects.filter(perpetrator_id__in=people.ids)
        wanted &= Q(victim_id__in=people.ids) | Q(pk__in=perpetrators.values("act_id"))
    return wanted if wanted else None


def information_conditions(data: dict[str, Any], people: People) -> Q | None:
    """What one source's account must be for its event to match."""
    wanted = Q()
    if data.get("connection"):
        wanted &= Q(connection__in=_below(data["connection"]))
    if data.get("reliability"):
        wanted &= Q(reliability__in=_below(data["reliability"]))
    if people.searched and data.get("name_role") == NameRole.SOURCE:
        wanted &= Q(source_id__in=people.ids)
    return wanted if wanted else None


def filtered_events(user: User, data: dict[str, Any], people: People | None = None) -> QuerySet:
    """The events ``user`` may see that match the filters, newest first
    (events of unknown date last). A place matches the event's area or an
    act's; a period matches the events whose span of possible days meets
    it (an unknown date meets no period)."""
    people = people or People()
    events = visible_events(user)
    acts = act_conditions(data, people)
    if acts is not None:
        events = events.filter(pk__in=Act.objects.filter(acts).values("event_id"))
    accounts = information_conditions(data, people)
    if accounts is not None:
        events = events.filter(pk__in=Information.objects.filter(accounts).values("event_id"))
    if data.get("place"):
        areas = _below(data["place"])
        in_area = Act.objects.filter(place_area__in=areas).values("event_id")
        events = events.filter(Q(place_area__in=areas) | Q(pk__in=in_area))
    events = _in_period(events, data.get("period_from"), data.get("period_to"))
    return events.order_by(F("period_from").desc(nulls_last=True), "code")


def _in_period(rows: QuerySet, start: dt.date | None, end: dt.date | None) -> QuerySet:
    if start:
        rows = rows.filter(period_to__gte=start)
    if end:
        rows = rows.filter(period_from__lte=end)
    return rows


# --- The timeline --------------------------------------------------------------------

TIMELINE_COLUMNS = ("pk", "kind", "unknown", "period_from", "period_to", "code")


def _timeline_rows(rows: QuerySet, kind: str) -> QuerySet:
    return rows.annotate(
        kind=Value(kind),
        unknown=Case(
            When(period_from__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).values_list(*TIMELINE_COLUMNS)


def timeline(user: User, data: dict[str, Any], people: People | None = None) -> QuerySet:
    """The acts of the events that match, in the order of the first day
    each may have happened on (then the last), with the events that have
    no act yet among them; those of unknown date last. Each row is
    (id, "act" or "event", unknown?, first day, last day, code): a page
    of rows is then read with ``timeline_page``. An act filter keeps only
    the acts that match it; a period, only the acts whose span meets it."""
    people = people or People()
    events = filtered_events(user, data, people).order_by()
    acts: QuerySet = Act.objects.filter(event__in=events)
    conditions = act_conditions(data, people)
    if conditions is not None:
        acts = acts.filter(conditions)
    acts = _in_period(acts, data.get("period_from"), data.get("period_to"))
    without_acts = events.filter(~Exists(Act.objects.filter(event=OuterRef("pk"))))
    return (
        _timeline_rows(acts.order_by(), "act")
        .union(_timeline_rows(without_acts, "event"), all=True)
        .order_by("unknown", "period_from", "period_to", "code")
    )
