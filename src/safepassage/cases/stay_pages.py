"""What the pages of safe houses and stays show, for one reader.

Nothing here opens where a house is unless the reader may know it
(cases.access.may_know_location), nor a name unless they may read the
case's identity (cases.access.may_read_identity): a page cannot show what
it was never given. People are otherwise named by their place in the
household ("Principal", "Household member 2") and cases by their code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases import kept
from safepassage.cases.access import (
    cleared_house_ids,
    may_know_location,
    may_place,
    may_read_identity,
    visible_cases,
    visible_safe_houses,
)
from safepassage.cases.forms_safehouses import ArrivalForm, DepartureForm, PlaceForm
from safepassage.cases.models import Case, Person, Role, SafeHouse, Stay
from safepassage.cases.occupancy import HouseOccupancy, Run, occupancy
from safepassage.cases.safehouses import Location, holds_casework, holds_identity, read_location

# How far ahead the list of houses looks.
AHEAD = 28
# Arrivals and departures shown as upcoming: within these days.
SOON = 14


def person_label(person: Person, names: dict[uuid.UUID, str]) -> str:
    name = names.get(person.pk, "").strip()
    if name:
        return name
    if person.role == Role.PRINCIPAL:
        return _("Principal")
    return _("Household member %(number)s") % {"number": person.position}


def people_names(user: User, cases: list[Case]) -> dict[uuid.UUID, str]:
    """The names of the people of those ``cases`` whose identity ``user``
    may read (one query), by person id."""
    readable = [case.pk for case in cases if may_read_identity(user, case)]
    if not readable:
        return {}
    people = Person.objects.filter(case_id__in=readable).opened("identity")
    return {person.pk: person.identity.name for person in people}


def status(stay: Stay, moved: bool | None = None) -> tuple[str, str]:
    """A stay's state as a key (for styles) and words; ``moved``: whether
    another stay continues it, if the caller knows (else its ``moved_to``)."""
    if stay.house_id is None:
        return "purged", _("where they stayed is no longer kept")
    if stay.cancelled:
        return "cancelled", _("cancelled")
    if stay.arrived_on is None:
        return "planned", _("placed, not yet arrived")
    if stay.left_on is None:
        return "current", _("in the house")
    if moved is None:
        moved = any(True for _moved in stay.moved_to.all())
    if moved:
        return "moved", _("moved to another house")
    return "left", _("left")


@dataclass
class StayRow:
    stay: Stay
    state: str
    state_label: str
    people: list[str]
    notes: str | None = None
    override_reason: str | None = None
    arrival_form: forms.Form | None = None
    departure_form: forms.Form | None = None
    # Whether the reader may change it (record, move, cancel, correct).
    changes: bool = False


def house_choices(*, excluding: uuid.UUID | None = None) -> list[tuple[str, str]]:
    """Open houses to choose from, each with the beds taken today (one query)."""
    today = timezone.localdate()
    taken = occupancy(today, today)
    return [
        (
            str(house.house_id),
            ngettext(
                "%(house)s: %(taken)s of %(beds)s bed taken today",
                "%(house)s: %(taken)s of %(beds)s beds taken today",
                house.capacity,
            )
            % {"house": house.label, "taken": house.on(today), "beds": house.capacity},
        )
        for house in sorted(taken.values(), key=lambda h: h.label.casefold())
        if house.active and house.house_id != excluding
    ]


def case_people_names(user: User, case: Case) -> dict[uuid.UUID, str]:
    """people_names of one case, from its people as the page read them
    (kept.opened_people)."""
    if not may_read_identity(user, case):
        return {}
    return {person.pk: person.identity.name for person in kept.opened_people(case)}


def person_choices(people: list[Person], names: dict[uuid.UUID, str]) -> list[tuple[str, str]]:
    return [(str(person.pk), person_label(person, names)) for person in people]


def place_form(user: User, case: Case, data: Any = None) -> PlaceForm:
    people = kept.people(case)
    names = case_people_names(user, case)
    return PlaceForm(
        data,
        houses=house_choices(),
        people=person_choices(people, names),
        notes=holds_casework(),
        override=user.can(Perm.OVERRIDE_CAPACITY) and holds_casework(),
    )


def section_context(
    user: User,
    case: Case,
    *,
    bound: dict[tuple[str, uuid.UUID], forms.Form] | None = None,
    placing: PlaceForm | None = None,
) -> dict[str, Any]:
    """The stays of a case, newest first, with the forms the reader may use;
    ``bound`` forms (by kind and stay) and ``placing`` show their errors."""
    bound = bound or {}
    changes = may_place(user, case)
    names = case_people_names(user, case)
    stays = case.stays.select_related("house").prefetch_related("people")
    casework = holds_casework()
    if casework:
        stays = stays.opened("notes", "override_reason")
    read = list(stays.order_by("-planned_arrival", "-placed_on"))
    # A move continues a stay of the same case (stays.move): the moves are among these.
    continued = {stay.moved_from_id for stay in read}
    rows = []
    for stay in read:
        state, label = status(stay, moved=stay.pk in continued)
        row = StayRow(
            stay,
            state,
            label,
            [person_label(p, names) for p in sorted(stay.people.all(), key=lambda p: p.position)],
            changes=changes and state in ("planned", "current"),
        )
        if casework:
            row.notes, row.override_reason = stay.notes, stay.override_reason
        if row.changes and state == "planned":
            row.arrival_form = bound.get(("arrival", stay.pk)) or ArrivalForm(
                initial={"version": stay.version}, prefix=f"arrival-{stay.pk}"
            )
        if row.changes and state == "current":
            row.departure_form = bound.get(("departure", stay.pk)) or DepartureForm(
                initial={"version": stay.version},
                prefix=f"departure-{stay.pk}",
                arrived_on=stay.arrived_on,
            )
        rows.append(row)
    can_place = changes and bool(kept.people(case))
    return {
        "case": case,
        "stays": rows,
        "may_place": can_place,
        "place_form": (placing or place_form(user, case)) if can_place else None,
        "needs_people": changes and not can_place,
    }


# --- The list of houses and a house's page ------------------------------------------


@dataclass
class HouseRow:
    house: SafeHouse
    taken_today: int
    peak: int
    over_days: list[dt.date]
    # The region: shown plain, or sealed and the reader may know where the house is.
    region: str = ""


@dataclass
class Movement:
    """An arrival or a departure to come (or overdue)."""

    stay: Stay
    day: dt.date
    overdue: bool
    # The case's code, if the reader may see the case.
    code: str | None


def _movements(user: User, stays: Any, day_of: str, today: dt.date) -> list[Movement]:
    visible = set(visible_cases(user).values_list("pk", flat=True))
    return [
        Movement(
            stay,
            getattr(stay, day_of),
            getattr(stay, day_of) < today,
            stay.case.code if stay.case_id in visible else None,
        )
        for stay in stays.select_related("house", "case").order_by(day_of)
    ]


def houses_context(user: User) -> tuple[dict[str, Any], int]:
    """The list of houses: beds taken today and at most over the next four
    weeks, days over capacity, arrivals and departures soon. Also returns
    how many sealed regions were read (for the audit entry)."""
    today = timezone.localdate()
    counted = occupancy(today, today + dt.timedelta(days=AHEAD - 1))
    houses = list(visible_safe_houses(user))
    cleared = cleared_house_ids(user) if holds_identity() else frozenset()
    rows = []
    regions = 0
    for house in houses:
        taken = counted.get(house.pk) or HouseOccupancy(
            house.pk, house.label, house.capacity, house.active, today, [0] * AHEAD
        )
        row = HouseRow(house, taken.on(today), taken.peak, taken.over_days, house.region_shown)
        if not row.region and house.pk in cleared and house.region_recorded:
            row.region = house.region or ""
            regions += 1
        rows.append(row)
    soon = today + dt.timedelta(days=SOON)
    open_stays = Stay.objects.filter(
        cancelled=False, house__isnull=False, house__in=[h.pk for h in houses]
    )
    arrivals = _movements(
        user,
        open_stays.filter(arrived_on__isnull=True, planned_arrival__lte=soon),
        "planned_arrival",
        today,
    )
    departures = _movements(
        user,
        open_stays.filter(
            arrived_on__isnull=False, left_on__isnull=True, planned_departure__lte=soon
        ),
        "planned_departure",
        today,
    )
    context = {
        "rows": rows,
        "arrivals": arrivals,
        "departures": departures,
        "ahead": AHEAD,
        "soon": SOON,
        "today": today,
        "manage": user.can(Perm.MANAGE_SAFE_HOUSES),
        "over": [row for row in rows if row.over_days],
    }
    return context, regions


@dataclass
class TimelineRow:
    stay: Stay
    state: str
    state_label: str
    start: dt.date
    end: dt.date | None
    code: str | None
    people: list[str] = field(default_factory=list)


def _touches(span: tuple[dt.date, dt.date | None], start: dt.date) -> bool:
    end = span[1]
    return end is None or end > start


@dataclass
class HousePage:
    context: dict[str, Any]
    location_read: bool
    names_read: int
    # The cases whose people the page named, or placed in the house for a
    # reader who may know where it is (viewers.record_identity_shown).
    identities_shown: list[Case] = field(default_factory=list)


def house_context(
    user: User, house: SafeHouse, start: dt.date, end: dt.date, period: forms.Form
) -> HousePage:
    """A house's page: where it is (for those who may know), its notes
    (casework), who is cleared (for those who manage houses), its stays
    and its occupancy from ``start`` to ``end``."""
    today = timezone.localdate()
    location: Location | None = None
    if may_know_location(user, house):
        location = read_location(house)
    notes = house.notes if holds_casework() else None
    touching = (Q(arrived_on__lte=end) | Q(arrived_on__isnull=True, planned_arrival__lte=end)) & (
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    stays = [
        stay
        for stay in house.stays.filter(touching)
        .select_related("case")
        .prefetch_related("people", "moved_to")
        if _touches(stay.span(today), start)
    ]
    visible = set(
        visible_cases(user).filter(pk__in={s.case_id for s in stays}).values_list("pk", flat=True)
    )
    readable = {s.case_id: s.case for s in stays if s.case_id in visible}
    names = people_names(user, list(readable.values()))
    rows = []
    for stay in stays:
        state, label = status(stay)
        first, last = stay.span(today)
        shown = stay.case_id in visible
        people = sorted(stay.people.all(), key=lambda p: p.position)
        rows.append(
            TimelineRow(
                stay,
                state,
                label,
                first,
                last,
                stay.case.code if shown else None,
                [person_label(p, names) for p in people] if shown else [],
            )
        )
    rows.sort(key=lambda row: (row.start, row.code or ""), reverse=True)
    counted = occupancy(start, end, houses=[house.pk])[house.pk]
    runs: list[Run] = counted.runs()
    manage = user.can(Perm.MANAGE_SAFE_HOUSES)
    context = {
        "house": house,
        "location": location,
        "notes": notes,
        "timeline": rows,
        "runs": runs,
        "over_days": counted.over_days,
        "taken_today": counted.on(today) if start <= today <= end else None,
        "period": period,
        "start": start,
        "end": end,
        "manage": manage,
        "cleared_staff": list(house.cleared_staff.all()) if manage else [],
        "cleared_teams": list(house.cleared_teams.all()) if manage else [],
    }
    named = [case for case in readable.values() if may_read_identity(user, case)]
    told = list(readable.values()) if location is not None else named
    return HousePage(context, location is not None, len(named), told)
