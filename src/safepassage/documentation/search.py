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
is a subquery on the event's id, so an event comes once without DISTINCT:
a list of the few matches when a name or a unit leads to them through an
index, a correlated EXISTS when a broad term would list most rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from safepassage.accounts.models import User
from safepassage.documentation import vocabularies
from safepassage.documentation.access import hidden_events, visible_events
from safepassage.documentation.models import (
    Act,
    Event,
    Information,
    Involvement,
    Person,
    Term,
)
from safepassage.documentation.models.base import PLACE_PATH
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


def _some(rows: QuerySet, column: str, outer: str, selective: bool) -> Q:
    """``outer`` names one of ``rows`` (by ``column``): a list of the
    matches when they are few (a name, a unit: found through an index),
    a correlated EXISTS when they are many (a broad term), so the database
    checks each listed row rather than building a list of most of them."""
    if selective:
        return Q(**{f"{outer}__in": rows.values(column)})
    return Q(Exists(rows.filter(**{column: OuterRef(outer)})))


def _involvements(data: dict[str, Any], people: People, role: str) -> Q | None:
    """What one involvement in the act must be (None: any)."""
    wanted, selective = Q(), False
    if data.get("perpetrator_type"):
        wanted &= Q(perpetrator_type__in=_below(data["perpetrator_type"]))
    unit = (data.get("unit") or "").strip()
    if unit:
        wanted &= Q(unit_index=blind_index(Involvement, "unit_index", unit))
        selective = True
    if people.searched and role == NameRole.PERPETRATOR:
        wanted &= Q(perpetrator_id__in=people.ids)
        selective = True
    if not wanted:
        return None
    return _some(Involvement.objects.filter(wanted), "act_id", "pk", selective)


def act_conditions(data: dict[str, Any], people: People) -> Q | None:
    """What one act must be (None: any act, or none)."""
    role = data.get("name_role") or NameRole.VICTIM_OR_PERPETRATOR
    wanted = Q()
    if data.get("act_type"):
        wanted &= Q(act_type__in=_below(data["act_type"]))
    if data.get("verification"):
        wanted &= Q(verification=data["verification"])
    involvements = _involvements(data, people, role)
    if involvements is not None:
        wanted &= involvements
    if people.searched and role == NameRole.VICTIM:
        wanted &= Q(victim_id__in=people.ids)
    if people.searched and role == NameRole.VICTIM_OR_PERPETRATOR:
        perpetrators = Involvement.objects.filter(perpetrator_id__in=people.ids)
        wanted &= Q(victim_id__in=people.ids) | Q(pk__in=perpetrators.values("act_id"))
    return wanted if wanted else None


def _selective(data: dict[str, Any], people: People) -> bool:
    """Whether the act filters go through an index to few acts."""
    return people.searched or bool((data.get("unit") or "").strip())


def information_conditions(data: dict[str, Any], people: People) -> Q | None:
    """What one source's account must be (None: any account, or none)."""
    wanted = Q()
    if data.get("connection"):
        wanted &= Q(connection__in=_below(data["connection"]))
    if data.get("reliability"):
        wanted &= Q(reliability__in=_below(data["reliability"]))
    if people.searched and data.get("name_role") == NameRole.SOURCE:
        wanted &= Q(source_id__in=people.ids)
    return wanted if wanted else None


def _accounts(data: dict[str, Any], people: People, outer: str) -> Q | None:
    """The events (named by ``outer``) with an account as the filters ask."""
    accounts = information_conditions(data, people)
    if accounts is None:
        return None
    rows = Information.objects.filter(accounts)
    selective = people.searched and data.get("name_role") == NameRole.SOURCE
    return _some(rows, "event_id", outer, bool(selective))


def filtered_events(user: User, data: dict[str, Any], people: People | None = None) -> QuerySet:
    """The events ``user`` may see that match the filters, newest first
    (events of unknown date last; ``newest_first`` reads them in that
    order from an index). A place matches the event's area or an act's; a
    period matches the events whose span of possible days meets it (an
    unknown date meets no period)."""
    people = people or People()
    events = visible_events(user)
    acts = act_conditions(data, people)
    if acts is not None:
        rows = Act.objects.filter(acts)
        events = events.filter(_some(rows, "event_id", "pk", _selective(data, people)))
    accounts = _accounts(data, people, "pk")
    if accounts is not None:
        events = events.filter(accounts)
    if data.get("place"):
        events = events.filter(_in_area(_below(data["place"])))
    events = _in_period(events, data.get("period_from"), data.get("period_to"))
    return events.order_by(F("period_from").desc(nulls_last=True), "code")


# A place with at most this many events and acts (together) is listed
# first: the database starts from that list, read from two indexes, and
# sorts what matches. Past it, each event is checked in date order, which
# reaches a page sooner when most events match. Checking every event in
# order read them all when another filter left few of the place's events
# (bench/README.md).
LISTED_UP_TO = 20_000


def _counted_to(rows: QuerySet, column: str, limit: int) -> int:
    """How many ``rows`` there are, counted in an index no further than
    one past ``limit``."""
    return int(rows.order_by().values(column)[: limit + 1].count())


def _in_area(areas: set[int]) -> Q:
    """The events in one of ``areas``, or with an act in one of them."""
    events = Event.objects.filter(place_area__in=areas)
    acts = Act.objects.filter(place_area__in=areas)
    # Counted on the columns of the indexes they are found by (the place,
    # then the place and the event): neither count reads a row.
    left = LISTED_UP_TO - _counted_to(events, "place_area", LISTED_UP_TO)
    if left >= 0 and _counted_to(acts, "event_id", left) <= left:
        listed = events.order_by().values("pk").union(acts.order_by().values("event_id"))
        return Q(pk__in=listed)
    return Q(place_area__in=areas) | _some(acts, "event_id", "pk", False)


def _in_period(rows: QuerySet, start: dt.date | None, end: dt.date | None) -> QuerySet:
    if start:
        rows = rows.filter(period_to__gte=start)
    if end:
        rows = rows.filter(period_from__lte=end)
    return rows


# --- The timeline --------------------------------------------------------------------


class InOrder:
    """Querysets one after the other, as one list pages are sliced from:
    each part keeps its own order (and its index). Nothing is counted
    unless a slice begins past the end of a part that gave it no row (a
    page of acts of unknown date): counting every act cost the timeline
    as much as the rest of its page (bench/README.md)."""

    def __init__(self, *parts: QuerySet) -> None:
        self.parts = parts

    def __getitem__(self, index: slice) -> list[Any]:
        start, stop = index.start or 0, index.stop
        if stop is None:
            raise ValueError("InOrder is sliced with an end")
        found: list[Any] = []
        for part in self.parts:
            if stop <= 0:
                break
            rows = list(part[start:stop])
            found += rows
            if len(rows) == stop - start:
                break
            # This part ends within the slice (or before it): its size.
            size = start + len(rows) if rows or start == 0 else part.count()
            start, stop = max(start - size, 0), stop - size
        return found


def newest_first(events: QuerySet) -> InOrder:
    """The ids of ``events`` newest first, those of unknown date last, by
    code within a day: two parts, each read in the order of the index
    ``event_newest_first`` (a date's descending order puts an unknown date
    first on PostgreSQL, and no index of either database keeps "unknown
    last"). The index holds what a reader's visibility asks, so a page
    deep in the list is found in the index alone, not by sorting every
    event (bench/README.md)."""
    ids = events.order_by().values_list("pk", flat=True)
    return InOrder(
        ids.filter(period_from__isnull=False).order_by("-period_from", "code"),
        # All of unknown date, so by code; ordered as the index is, so
        # that the index is read from its unknown dates on.
        ids.filter(period_from__isnull=True).order_by("-period_from", "code"),
    )


def timeline_acts(user: User, data: dict[str, Any], people: People | None = None) -> QuerySet:
    """The acts ``user`` may see that the filters ask for: an act filter
    keeps only the acts that match it (not the other acts of their
    events); a period, the acts whose own span meets it; a place, the acts
    in that area or in an event in it; a source filter, the acts of events
    with such an account."""
    people = people or People()
    acts: QuerySet = Act.objects.exclude(event__in=hidden_events(user))
    conditions = act_conditions(data, people)
    if conditions is not None:
        acts = acts.filter(conditions)
    accounts = _accounts(data, people, "event_id")
    if accounts is not None:
        acts = acts.filter(accounts)
    if data.get("place"):
        areas = _below(data["place"])
        acts = acts.filter(Q(place_area__in=areas) | Q(event__place_area__in=areas))
    return _in_period(acts, data.get("period_from"), data.get("period_to"))


def timeline(user: User, data: dict[str, Any], people: People | None = None) -> InOrder:
    """The timeline's acts in the order of the first day each may have
    happened on (then the last, then the code), those of unknown date
    last: two parts, each read in the order of its index."""
    acts = timeline_acts(user, data, people)
    return InOrder(
        acts.filter(period_from__isnull=False)
        .order_by("period_from", "period_to", "code")
        .values_list("pk", flat=True),
        acts.filter(period_from__isnull=True).order_by("code").values_list("pk", flat=True),
    )


def timeline_page(ids: list[Any]) -> list[Act]:
    """A page of the timeline's acts (by id, in that order), with what the
    page shows of each and nothing more: read apart from the sorting, so
    the rows skipped to reach a page are never joined. Only the columns
    shown are read; each term, event and victim is made once for the page
    (not once for each act: making them was most of the page's own work,
    bench/README.md), and each act's perpetrator types are left in
    ``act.perpetrator_types``."""
    # In no order (the page's is the ids'): an act's own order joins its event.
    acts = list(Act.objects.filter(pk__in=ids).order_by().only(*TIMELINE_ACT_COLUMNS))
    parts: dict[Any, list[int]] = {}
    # Ordered by the act's id, not by the act (whose order joins the acts
    # and their events again).
    involvements = Involvement.objects.filter(act__in=[act.pk for act in acts])
    for act_id, kind in involvements.order_by("act_id", "created_at").values_list(
        "act_id", "perpetrator_type_id"
    ):
        parts.setdefault(act_id, []).append(kind)
    wanted = {act.act_type_id for act in acts} | {k for kinds in parts.values() for k in kinds}
    terms = Term.objects.order_by().in_bulk(wanted)
    # Places with the areas above them, each made once.
    places = with_parents({act.place_area_id for act in acts} - {None})
    events = Event.objects.only("code", "title", "confidentiality").in_bulk(
        {act.event_id for act in acts}
    )
    victims = Person.objects.only("code", "name").in_bulk({act.victim_id for act in acts})
    for act in acts:
        act.act_type = terms[act.act_type_id]
        act.place_area = places.get(act.place_area_id) if act.place_area_id else None
        act.event = events[act.event_id]
        act.victim = victims[act.victim_id]
        act.perpetrator_types = [terms[kind] for kind in parts.get(act.pk, [])]  # type: ignore[attr-defined]
    found = {act.pk: act for act in acts}
    return [found[pk] for pk in ids if pk in found]


# What the timeline shows of an act (its dates, type, victim, place,
# how far established, and which event it belongs to).
TIMELINE_ACT_COLUMNS = (
    "code",
    "event_id",
    "victim_id",
    "act_type_id",
    "verification",
    "start_on",
    "start_precision",
    "end_on",
    "end_precision",
    "period_from",
    "period_to",
    "place_area_id",
    "place_precision",
    "place_detail",
)


PARENT = Term._meta.get_field("parent")


def with_parents(ids: set[Any]) -> dict[Any, Term]:
    """These places by id, each with the areas above it (in one query: the
    places vocabulary has four levels), every term made once for the page."""
    found: dict[Any, Term] = {}
    for read in Term.objects.filter(pk__in=ids).select_related(PLACE_PATH.split("__", 1)[1]):
        below: Term | None = None
        term: Term | None = read
        while term is not None:
            known = found.setdefault(term.pk, term)
            if below is not None:
                below.parent = known
            if known is not term:
                break
            # Above what was joined (deeper than the places go), left to
            # be read if ever shown.
            joined = term.parent_id is not None and PARENT.is_cached(term)
            below, term = term, (term.parent if joined else None)
    return found


def without_acts(user: User, data: dict[str, Any], people: People | None = None) -> QuerySet:
    """The events that match and have no act yet (none when an act filter
    is given: it asks for acts), unordered: they are few, and a database
    finds them fastest in the order it keeps them."""
    people = people or People()
    if act_conditions(data, people) is not None:
        return Event.objects.none()
    events = filtered_events(user, data, people).order_by()
    return events.filter(has_acts=False)
