"""Stays: a case's household, or some of its people, in a safe house.

Named actions, each audited with its case as target: placing a case in a
house, recording the arrival and the departure, moving to another house,
correcting the dates, cancelling a placement that did not happen, and
forgetting where a case stayed (``purge_stays``, for retention). Each one
that changes a stay takes the version the form was shown with and is
refused (``Conflict``), saving nothing, if someone changed it since.

Plans are checked, facts are recorded. A placement, a move, or a change
of dates that adds days to a stay is refused if the house would hold
more people than beds on any of those days (``OverCapacity``), unless
someone allowed to override (Perm.OVERRIDE_CAPACITY) gives a reason: the
reason is sealed to casework on the stay and the override has its own
audit entry. An arrival or a departure is what happened and is recorded
as it is; the occupancy page then shows any day over capacity.

``REQUIREMENTS`` is the precondition of the stage "in_safe_house" (a
current stay), which cases.stages collects; ``section`` gives the case
page its stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.access import may_place
from safepassage.cases.models import Case, Person, SafeHouse, Stay
from safepassage.cases.models.safehouses import stay_date_problems
from safepassage.cases.occupancy import Overflow, overflow
from safepassage.cases.safehouses import Refused, conflict
from safepassage.cases.stay_pages import section_context


class OverCapacity(Refused):
    """The house would hold more people than beds."""

    def __init__(self, found: Overflow) -> None:
        super().__init__(over_capacity_message(found))
        self.overflow = found


def over_capacity_message(found: Overflow) -> str:
    beds = ngettext(
        "%(house)s has %(capacity)s bed.", "%(house)s has %(capacity)s beds.", found.house.capacity
    ) % {"house": found.house.label, "capacity": found.house.capacity}
    days = ngettext(
        "With them, %(peak)s people would stay there on %(days)s day, from %(first)s.",
        "With them, %(peak)s people would stay there on %(days)s days, from %(first)s.",
        found.days,
    ) % {
        "peak": found.peak,
        "days": found.days,
        "first": formats.date_format(found.first, "DATE_FORMAT"),
    }
    return f"{beds} {days}"


def current_stay(case: Case) -> Stay | None:
    """The stay the household is in now (arrived, not left), if any."""
    return (
        case.stays.filter(
            cancelled=False, house__isnull=False, arrived_on__isnull=False, left_on__isnull=True
        )
        .select_related("house")
        .first()
    )


def _in_safe_house(case: Case) -> str | None:
    if current_stay(case) is None:
        return _("The case is in no safe house: place it in one and record the arrival.")
    return None


# Target stage -> what is missing for a case to enter it (None: nothing).
REQUIREMENTS: dict[str, Callable[[Case], str | None]] = {"in_safe_house": _in_safe_house}


def _today() -> dt.date:
    return timezone.localdate()


def _check_dates(**dates: dt.date | None) -> None:
    problems = stay_date_problems(
        planned_arrival=dates.get("planned_arrival"),
        arrived_on=dates.get("arrived_on"),
        planned_departure=dates.get("planned_departure"),
        left_on=dates.get("left_on"),
        today=_today(),
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)


def _text(value: str | None) -> str | None:
    return None if value is None else (value.strip() or None)


def _check_capacity(found: Overflow | None, override_reason: str, *, by: User) -> Overflow | None:
    """None if the house has room; the overflow if overridden (with a
    reason, by someone allowed); else OverCapacity."""
    if found is None:
        return None
    if not override_reason.strip() or not by.can(Perm.OVERRIDE_CAPACITY):
        raise OverCapacity(found)
    return found


def _record_override(by: User, stay: Stay, found: Overflow) -> None:
    record(
        by,
        "safehouse.capacity_overridden",
        found.house,
        case=stay.case.code,
        stay=f"stay:{stay.pk}",
        capacity=found.house.capacity,
        peak=found.peak,
        days=found.days,
    )


def _check_open(house: SafeHouse) -> None:
    if not house.active:
        raise Refused(_("%(house)s is closed: choose another house.") % {"house": house.label})


def _overlapping(people: Sequence[Person], start: dt.date, end: dt.date | None) -> list[Person]:
    """Those of ``people`` with another stay over some of these days."""
    busy = []
    others = Stay.objects.filter(people__in=people, cancelled=False, house__isnull=False)
    for stay in others.prefetch_related("people").distinct():
        other_start, other_end = stay.span(_today())
        if (end is None or other_start < end) and (other_end is None or start < other_end):
            busy += [person for person in stay.people.all() if person in people]
    return busy


@dataclass(frozen=True)
class Placement:
    """A case to place: which of its people, where, when. A non-empty
    ``override_reason`` places them even beyond the house's beds."""

    house: SafeHouse
    people: Sequence[Person]
    planned_arrival: dt.date
    planned_departure: dt.date | None = None
    notes: str | None = None
    override_reason: str = ""


def _people_of(case: Case, people: Sequence[Person]) -> list[Person]:
    if not people:
        raise Refused(_("Choose who stays in the house."), "people")
    ids = {person.pk for person in people}
    found = list(Person.objects.filter(case=case, pk__in=ids))
    if len(found) != len(ids):
        raise Refused(_("Choose people of this case."), "people")
    return found


@transaction.atomic
def place_case(case: Case, placement: Placement, *, by: User) -> Stay:
    """Place some or all of a case's household in a house from a planned day."""
    if not may_place(by, case):
        raise deny(by, "stay", case)
    house = SafeHouse.objects.select_for_update().get(pk=placement.house.pk)
    _check_open(house)
    people = _people_of(case, placement.people)
    _check_dates(
        planned_arrival=placement.planned_arrival, planned_departure=placement.planned_departure
    )
    start, end = placement.planned_arrival, placement.planned_departure
    if end is not None and end <= start:
        end = start + dt.timedelta(days=1)
    if _overlapping(people, start, end):
        raise Refused(_("Someone chosen already has a stay on some of these days."), "people")
    found = _check_capacity(
        overflow(house, start, end, len(people)), placement.override_reason, by=by
    )
    stay = Stay(
        case=case,
        house=house,
        beds=len(people),
        planned_arrival=placement.planned_arrival,
        planned_departure=placement.planned_departure,
        placed_by=by,
        over_capacity=found is not None,
    )
    stay.notes = _text(placement.notes)
    if found is not None:
        stay.override_reason = placement.override_reason.strip()
    stay.save(force_insert=True)
    stay.people.set(people)
    record(
        by,
        "case.stay_placed",
        case,
        stay=f"stay:{stay.pk}",
        house=f"safehouse:{house.pk}",
        beds=stay.beds,
        over_capacity=stay.over_capacity,
    )
    if found is not None:
        _record_override(by, stay, found)
    return stay


def _locked(stay: Stay, version: int, *, by: User) -> Stay:
    if not may_place(by, stay.case):
        raise deny(by, "stay", stay.case)
    locked = (
        Stay.objects.select_for_update(of=("self",)).select_related("case", "house").get(pk=stay.pk)
    )
    if locked.version != version:
        raise conflict()
    if locked.house is None:
        raise Refused(_("Where this stay took place is no longer kept: it cannot be changed."))
    return locked


def _saved(stay: Stay, *fields: str) -> None:
    stay.version += 1
    stay.save(update_fields=[*fields, "version"])


@transaction.atomic
def record_arrival(stay: Stay, on: dt.date, *, version: int, by: User) -> Stay:
    """The household arrived in the house on ``on``."""
    locked = _locked(stay, version, by=by)
    if locked.cancelled:
        raise Refused(_("This placement was cancelled."))
    if locked.arrived_on is not None:
        raise Refused(_("The arrival is already recorded."))
    _check_dates(arrived_on=on)
    locked.arrived_on = on
    _saved(locked, "arrived_on")
    record(
        by,
        "case.stay_arrived",
        locked.case,
        stay=f"stay:{locked.pk}",
        house=f"safehouse:{locked.house_id}",
    )
    return locked


@transaction.atomic
def record_departure(stay: Stay, on: dt.date, *, version: int, by: User) -> Stay:
    """The household left the house on ``on``."""
    locked = _locked(stay, version, by=by)
    if not locked.current:
        raise Refused(_("Only a stay under way has a departure: record the arrival first."))
    _check_dates(arrived_on=locked.arrived_on, left_on=on)
    locked.left_on = on
    _saved(locked, "left_on")
    record(
        by,
        "case.stay_left",
        locked.case,
        stay=f"stay:{locked.pk}",
        house=f"safehouse:{locked.house_id}",
    )
    return locked


@transaction.atomic
def cancel_stay(stay: Stay, *, version: int, by: User) -> Stay:
    """A placement that did not happen: it takes no bed any more."""
    locked = _locked(stay, version, by=by)
    if not locked.planned:
        raise Refused(_("Only a placement whose arrival is not recorded can be cancelled."))
    locked.cancelled = True
    _saved(locked, "cancelled")
    record(
        by,
        "case.stay_cancelled",
        locked.case,
        stay=f"stay:{locked.pk}",
        house=f"safehouse:{locked.house_id}",
    )
    return locked


@transaction.atomic
def move_stay(
    stay: Stay,
    house: SafeHouse,
    on: dt.date,
    *,
    version: int,
    by: User,
    override_reason: str = "",
) -> Stay:
    """The household moved from the house it is in to ``house`` on ``on``:
    the stay ends that day and a new one begins in the other house, for
    the same people, keeping the planned departure if it is later."""
    locked = _locked(stay, version, by=by)
    target = SafeHouse.objects.select_for_update().get(pk=house.pk)
    if not locked.current:
        raise Refused(_("Only a stay under way can move: record the arrival first."))
    if target.pk == locked.house_id:
        raise Refused(_("They are in this house already: choose another."), "house")
    _check_open(target)
    _check_dates(arrived_on=locked.arrived_on, left_on=on)
    planned_departure = locked.planned_departure
    if planned_departure is not None and planned_departure <= on:
        planned_departure = None
    found = _check_capacity(
        overflow(target, on, planned_departure, locked.beds), override_reason, by=by
    )
    locked.left_on = on
    _saved(locked, "left_on")
    moved = Stay(
        case=locked.case,
        house=target,
        beds=locked.beds,
        planned_arrival=on,
        arrived_on=on,
        planned_departure=planned_departure,
        moved_from=locked,
        placed_by=by,
        over_capacity=found is not None,
    )
    if found is not None:
        moved.override_reason = override_reason.strip()
    moved.save(force_insert=True)
    moved.people.set(locked.people.all())
    record(
        by,
        "case.stay_moved",
        locked.case,
        stay=f"stay:{moved.pk}",
        moved_from=f"stay:{locked.pk}",
        house=f"safehouse:{target.pk}",
        over_capacity=moved.over_capacity,
    )
    if found is not None:
        _record_override(by, moved, found)
    return moved


@dataclass(frozen=True)
class StayDates:
    """A stay's dates as corrected on its form; ``notes`` None: not
    changed (the person does not hold casework)."""

    planned_arrival: dt.date
    arrived_on: dt.date | None = None
    planned_departure: dt.date | None = None
    left_on: dt.date | None = None
    notes: str | None = None
    override_reason: str = ""


def _added_days(
    old: tuple[dt.date, dt.date | None], new: tuple[dt.date, dt.date | None]
) -> list[tuple[dt.date, dt.date | None]]:
    """The days ``new`` covers that ``old`` did not (each as a start and an
    end not included, None: no end)."""
    added: list[tuple[dt.date, dt.date | None]] = []
    (old_start, old_end), (new_start, new_end) = old, new
    if new_start < old_start:
        end = old_start if new_end is None else min(old_start, new_end)
        added.append((new_start, end))
    if old_end is not None and (new_end is None or new_end > old_end):
        added.append((max(old_end, new_start), new_end))
    return added


@transaction.atomic
def change_stay(stay: Stay, dates: StayDates, *, version: int, by: User) -> Stay:
    """Correct a stay's dates (and notes). Days it adds are checked
    against the house's beds like a placement."""
    locked = _locked(stay, version, by=by)
    if locked.cancelled:
        raise Refused(_("This placement was cancelled."))
    _check_dates(
        planned_arrival=dates.planned_arrival,
        arrived_on=dates.arrived_on,
        planned_departure=dates.planned_departure,
        left_on=dates.left_on,
    )
    today = _today()
    old = locked.span(today)
    locked.planned_arrival = dates.planned_arrival
    locked.arrived_on = dates.arrived_on
    locked.planned_departure = dates.planned_departure
    locked.left_on = dates.left_on
    found = None
    house = SafeHouse.objects.select_for_update(of=("self",)).get(stays=locked)
    new = locked.span(today)
    for first, end in _added_days(old, new):
        checked = overflow(house, *new, locked.beds, excluding=locked.pk, only=(first, end))
        found = found or _check_capacity(checked, dates.override_reason, by=by)
    fields = ["planned_arrival", "arrived_on", "planned_departure", "left_on"]
    if found is not None:
        locked.over_capacity = True
        locked.override_reason = dates.override_reason.strip()
        fields += ["over_capacity", "override_reason"]
    if dates.notes is not None:
        locked.notes = _text(dates.notes)
        fields.append("notes")
    _saved(locked, *fields)
    record(
        by,
        "case.stay_changed",
        locked.case,
        stay=f"stay:{locked.pk}",
        house=f"safehouse:{locked.house_id}",
        notes=dates.notes is not None,
        over_capacity=found is not None,
    )
    if found is not None:
        _record_override(by, locked, found)
    return locked


@dataclass(frozen=True)
class Purged:
    stays: int
    # Stays not over yet (planned or under way), left as they are.
    skipped: int


@transaction.atomic
def purge_stays(case: Case, *, by: User | str) -> Purged:
    """Forget where a case stayed, for retention: on every stay that is
    over (left, or cancelled), the house it was in, who of the household
    stayed, its notes and the reason of any capacity override are removed.
    What remains counts for statistics and names nobody and no place: the
    dates, the number of beds, whether it was cancelled, moved or over
    capacity, and when it was purged. Stays not over are left as they are
    (counted as skipped). Needs no keys."""
    purged = skipped = 0
    for stay in case.stays.select_for_update().filter(purged_on__isnull=True):
        if not stay.ended:
            skipped += 1
            continue
        stay.people.clear()
        stay.house = None
        stay.notes = None
        stay.override_reason = None
        stay.purged_on = _today()
        _saved(stay, "house", "notes", "override_reason", "purged_on")
        purged += 1
    record(by, "case.stays_purged", case, stays=purged, kept=skipped)
    return Purged(purged, skipped)


def section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case page's stays (cases/templates/cases/sections/stays.html):
    None for someone who does not work with safe houses."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_active or not user.can(Perm.VIEW_SAFE_HOUSES):
        return None
    return section_context(user, case)
