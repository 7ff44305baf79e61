"""How many beds of each safe house are taken, day by day, and whether a
placement would put a house over its capacity.

``occupancy(day_from, day_to)`` reads every house and the stays that
touch the period in one query (a LEFT JOIN: a house with no stay is
there too) and counts in memory, so a page or the dashboard pays one
query whatever the number of houses and days. A stay takes a bed per
person from its first day up to, not including, the day it ends
(``models.safehouses.occupied_until``); cancelled and purged stays take
none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import FilteredRelation, Max, Q
from django.utils import timezone

from safepassage.cases.models import SafeHouse, Stay
from safepassage.cases.models.safehouses import occupied_until

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Run:
    """Consecutive days with the same number of beds taken."""

    first: date
    last: date
    beds: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.beds > self.capacity

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class HouseOccupancy:
    """One house over a period: ``beds[i]`` is taken on ``day_from + i`` days."""

    house_id: uuid.UUID
    label: str
    capacity: int
    active: bool
    day_from: date
    beds: list[int] = field(default_factory=list)

    def on(self, day: date) -> int:
        index = (day - self.day_from).days
        return self.beds[index] if 0 <= index < len(self.beds) else 0

    @property
    def peak(self) -> int:
        return max(self.beds, default=0)

    @property
    def over_days(self) -> list[date]:
        """The days of the period with more people than beds."""
        return [
            self.day_from + timedelta(days=i)
            for i, taken in enumerate(self.beds)
            if taken > self.capacity
        ]

    def runs(self) -> list[Run]:
        found: list[Run] = []
        for i, taken in enumerate(self.beds):
            day = self.day_from + timedelta(days=i)
            if found and found[-1].beds == taken:
                found[-1] = Run(found[-1].first, day, taken, self.capacity)
            else:
                found.append(Run(day, day, taken, self.capacity))
        return found


def occupancy(
    day_from: date,
    day_to: date,
    *,
    houses: Iterable[uuid.UUID] | None = None,
    excluding: uuid.UUID | None = None,
    today: date | None = None,
) -> dict[uuid.UUID, HouseOccupancy]:
    """Beds taken in each house on each day from ``day_from`` to ``day_to``
    (both included), by house id; only the ``houses`` named if given,
    leaving out the stay ``excluding``. One query."""
    if day_to < day_from:
        raise ValueError("the period ends before it begins")
    today = today or timezone.localdate()
    touching = (
        Q(stays__cancelled=False)
        & (
            Q(stays__arrived_on__isnull=False, stays__arrived_on__lte=day_to)
            | Q(stays__arrived_on__isnull=True, stays__planned_arrival__lte=day_to)
        )
        & (Q(stays__left_on__isnull=True) | Q(stays__left_on__gt=day_from))
    )
    if excluding is not None:
        touching &= ~Q(stays__pk=excluding)
    query = SafeHouse.objects.annotate(touching=FilteredRelation("stays", condition=touching))
    if houses is not None:
        query = query.filter(pk__in=list(houses))
    rows = query.order_by().values_list(
        "pk",
        "label",
        "capacity",
        "active",
        "touching__beds",
        "touching__arrived_on",
        "touching__planned_arrival",
        "touching__left_on",
        "touching__planned_departure",
    )
    days = (day_to - day_from).days + 1
    changes: dict[uuid.UUID, list[int]] = {}
    found: dict[uuid.UUID, HouseOccupancy] = {}
    for pk, label, capacity, active, beds, arrived, planned, left, planned_departure in rows:
        if pk not in found:
            found[pk] = HouseOccupancy(pk, label, capacity, active, day_from)
            changes[pk] = [0] * (days + 1)
        if beds is None:  # a house with no stay in the period
            continue
        start, end = occupied_until(arrived, planned, left, planned_departure, today)
        first = max((start - day_from).days, 0)
        stop = days if end is None else min((end - day_from).days, days)
        if first < stop:
            changes[pk][first] += beds
            changes[pk][stop] -= beds
    for pk, house in found.items():
        taken = 0
        for change in changes[pk][:days]:
            taken += change
            house.beds.append(taken)
    return found


@dataclass(frozen=True)
class Overflow:
    """A house would hold more people than beds on ``days`` days, the first
    ``first``, at most ``peak``."""

    house: SafeHouse
    first: date
    days: int
    peak: int


def overflow(
    house: SafeHouse,
    start: date,
    end: date | None,
    beds: int,
    *,
    excluding: uuid.UUID | None = None,
    only: tuple[date, date | None] | None = None,
) -> Overflow | None:
    """Whether ``beds`` more people from ``start`` to ``end`` (not
    included; None: no end known) would put ``house`` over capacity on
    some day; only the days from ``only[0]`` to ``only[1]`` (not
    included) are checked if given (the days a change adds to a stay).
    After the last day any stay of the house begins or ends, nothing
    changes, so an open end is checked up to that day."""
    latest = Stay.objects.filter(house=house, cancelled=False).aggregate(
        Max("planned_arrival"), Max("arrived_on"), Max("planned_departure"), Max("left_on")
    )
    boundary = max([start, *(day for day in latest.values() if day is not None)])
    last = (end - DAY) if end is not None else boundary
    first = start
    if only is not None:
        first = max(first, only[0])
        if only[1] is not None:
            last = min(last, only[1] - DAY)
    if last < first:
        return None
    counted = occupancy(first, last, houses=[house.pk], excluding=excluding)[house.pk]
    over = [
        first + timedelta(days=i)
        for i, taken in enumerate(counted.beds)
        if taken + beds > house.capacity
    ]
    if not over:
        return None
    return Overflow(house, over[0], len(over), counted.peak + beds)
