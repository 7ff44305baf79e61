"""The shape of the demo programme, before anything is written: which
stage each invented case has reached, by which way, and on which days
it moved, over nine months that end today.

Modelled on the figures of the 2017 programme (DESIGN.md): about 170
requests, about a hundred cases, most of them evacuated inside the
country first, and 1.5 to 8 months from the first call to protection.
Every case reaches its stage through the real actions
(site.demo_casework); this module only says where and when.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from safepassage.cases.stages import FLOW, STUCK_AFTER

# The programme runs for nine months up to today.
DAYS = 270
REQUESTS = 170
# Requests of the last fortnight, not yet answered by a case.
WAITING = 22

# Days a case spends in a stage before its next move, at least and at most.
STAY_IN: dict[str, tuple[int, int]] = {
    "received": (0, 3),
    "screening": (3, 12),
    "verified": (1, 4),
    "accepted": (1, 8),
    "in_safe_house": (10, 35),
    "documents": (8, 30),
    "applied": (14, 40),
    "approved": (5, 18),
    "travelling": (1, 3),
    "arrived": (3, 12),
    "asylum_claimed": (20, 70),
    "protected": (10, 40),
}

# Where the cases stand today: (stage, the stage left for a side exit or
# a special way, how many).
TARGETS: list[tuple[str, str, int]] = [
    ("received", "", 4),
    ("screening", "", 7),
    ("screening", "locked", 2),
    ("verified", "", 4),
    ("accepted", "", 5),
    ("in_safe_house", "", 12),
    ("documents", "", 8),
    ("applied", "", 7),
    ("approved", "", 4),
    ("travelling", "", 3),
    ("arrived", "", 4),
    ("asylum_claimed", "", 7),
    ("protected", "", 9),
    ("closed", "", 8),
    ("closed", "transfer", 1),
    ("declined", "screening", 5),
    ("withdrawn", "accepted", 1),
    ("withdrawn", "in_safe_house", 2),
    ("lost_contact", "in_safe_house", 2),
    ("lost_contact", "documents", 1),
    ("detained", "documents", 2),
    ("deceased", "accepted", 1),
]
# Stages whose cases are in a safe house (if they went to one).
HOUSED = ("in_safe_house", "documents", "applied", "approved")


@dataclass
class Plan:
    """One case: the stages it moves through (the first is "received", the
    day it was opened) and the day of each."""

    number: int
    target: str
    way: str
    route: list[str]
    days: list[date]
    members: int
    # Opened after a call to the hotline (its household named), not from a request.
    hotline: bool
    # Which of its moves go through a safe house.
    housed: bool
    urgent: bool
    assigned: bool
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def opened_on(self) -> date:
        return self.days[0]

    def day_of(self, stage: str) -> date:
        return self.days[self.route.index(stage)]

    def reached(self, stage: str) -> bool:
        return stage in self.route


def _route(target: str, way: str, housed: bool) -> list[str]:
    if way == "locked":
        return ["received", "screening"]
    last = way if way and way not in ("transfer", "locked") else target
    if way == "transfer":
        last = "in_safe_house"
    if target == "closed" and way == "":
        last = "closed"
    route = list(FLOW[: FLOW.index(last) + 1])
    if not housed and "in_safe_house" in route and last != "in_safe_house":
        route.remove("in_safe_house")
    if target not in FLOW or way == "transfer":
        route.append(target)
    return route


def _time_in_current(rng: random.Random, stage: str, way: str) -> int:
    """Days the case has been where it is now: some past the stage's
    limit (the overdue cases of the list and the dashboard)."""
    if stage not in STUCK_AFTER or way == "transfer":
        return rng.randint(5, 120)
    limit = STUCK_AFTER[stage].days
    if rng.random() < 0.2:
        return limit + rng.randint(1, 20)
    return rng.randint(0, max(0, int(limit * 0.8)))


def plan(rng: random.Random, today: date) -> list[Plan]:
    """Every case of the programme, oldest first."""
    plans = []
    start = today - timedelta(days=DAYS)
    for target, way, count in TARGETS:
        for _ in range(count):
            housed = rng.random() < 0.6 or target == "in_safe_house" or way == "in_safe_house"
            route = _route(target, way, housed)
            stays = [rng.randint(*STAY_IN[stage]) for stage in route[:-1]]
            current = _time_in_current(rng, route[-1], way)
            total = sum(stays) + current
            if total > DAYS - 5:
                # Squeezed into the nine months, earlier stages shorter.
                scale = (DAYS - 5 - current) / max(1, sum(stays))
                stays = [max(0, int(days * scale)) for days in stays]
            day = max(start, today - timedelta(days=sum(stays) + current))
            days = [day]
            for spent in stays:
                day = min(today, day + timedelta(days=spent))
                days.append(day)
            before_acceptance = "accepted" not in route
            plans.append(
                Plan(
                    number=0,
                    target=target,
                    way=way,
                    route=route,
                    days=days,
                    members=rng.choices([0, 1, 2, 3], weights=[5, 3, 2, 1])[0],
                    hotline=rng.random() < 0.1,
                    housed=housed and "in_safe_house" in route,
                    urgent=rng.random() < (0.35 if before_acceptance else 0.1),
                    assigned=rng.random() < (0.6 if before_acceptance else 0.85),
                )
            )
    plans.sort(key=lambda item: (item.opened_on, item.target))
    for number, item in enumerate(plans, start=1):
        item.number = number
    return plans


def request_days(rng: random.Random, today: date, count: int) -> list[date]:
    """The days of the requests that opened no case: spread over the nine
    months, and a fortnight's worth waiting in the inbox."""
    recent = min(count, WAITING)
    days = [today - timedelta(days=rng.randint(0, 13)) for _ in range(recent)]
    days += [today - timedelta(days=rng.randint(14, DAYS)) for _ in range(count - recent)]
    return sorted(days)


def between(first: date, last: date, part: float) -> date:
    return first + timedelta(days=int((last - first).days * part))
