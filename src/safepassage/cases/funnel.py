"""How cases go along the way, in figures: the funnel by stage and the
time cases spend in each stage, over a period. Pseudonymous statistics:
stages, days and counts, read from plain columns (Case, StageChange), so
they need no keys and survive the retention purges.

Every move goes through stages.move_case, which writes a StageChange; a
case in a stage past "received" has therefore entered it by a move, and
the history says which stages each case reached.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Func, IntegerField, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import ngettext

from safepassage.cases import stages
from safepassage.cases.conditions import through
from safepassage.cases.models import Case, ChangeKind, Stage, StageChange


@dataclass(frozen=True)
class Step:
    stage: str
    # Cases opened in the period that reached this stage at some time.
    reached: int
    # Those of them in it now.
    now: int
    # reached as a share of the cases opened (0 to 100).
    percent: int

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)


@dataclass(frozen=True)
class Funnel:
    opened: int
    steps: list[Step]
    # Cases opened in the period now in a side exit, by stage.
    exits: list[Step]


def funnel(cases: Q, start: date, end: date) -> Funnel:
    """Of the cases ``cases`` selects (a condition on Case) opened from
    ``start`` to ``end``, how many reached each stage on the way and how
    many are in it now; and how many left the way (two queries)."""
    opened = cases & Q(opened_on__gte=start, opened_on__lte=end)
    now = dict(Case.objects.filter(opened).order_by().values_list("stage").annotate(n=Count("pk")))
    total = sum(now.values())
    reached = dict(
        StageChange.objects.filter(through(opened), kind=ChangeKind.MOVED)
        .order_by()
        .values_list("to_stage")
        .annotate(n=Count("case_id", distinct=True))
    )
    reached[Stage.RECEIVED] = total

    def step(stage: str) -> Step:
        count = reached.get(stage, 0)
        return Step(stage, count, now.get(stage, 0), round(100 * count / total) if total else 0)

    return Funnel(
        opened=total,
        steps=[step(stage) for stage in stages.FLOW],
        exits=[step(stage) for stage in stages.SIDE_EXITS if reached.get(stage)],
    )


@dataclass(frozen=True)
class StageTime:
    """Days spent in a stage by the cases that left it during the period."""

    stage: str
    count: int
    median: float
    shortest: int
    longest: int

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def median_text(self) -> str:
        """The median in days, in the reader's words ("2.5 days")."""
        whole = self.median == int(self.median)
        days = number_format(self.median, decimal_pos=0 if whole else 1)
        return ngettext("%(days)s day", "%(days)s days", math.ceil(self.median)) % {"days": days}


def moves_out(cases: Q, start: date, end: date) -> QuerySet[StageChange]:
    """The moves of the cases ``cases`` selects (a condition on Case) out
    of a stage on the way, from ``start`` to ``end``. Each says the day
    its stage was entered (``since``), so the period's moves are read from
    their index on the day alone; for a reader who sees every case the
    cases are not asked for at all, and otherwise through each move's case
    (conditions.through), not as a list of every case."""
    moves = StageChange.objects.filter(
        kind=ChangeKind.MOVED, on__gte=start, on__lte=end, from_stage__in=stages.ACTIVE
    )
    return moves.filter(through(cases)).order_by()


class DaysBetween(Func):
    """The whole days from one date column to another, counted by the
    database (a date less a date is days on PostgreSQL; SQLite counts them
    on Julian days), so a period's moves come back as a few counts rather
    than as one row, and two dates parsed, each."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _median(counts: dict[int, int]) -> float:
    """The median of values given as {value: how many times}."""
    total = sum(counts.values())
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2


def time_in_stage(cases: Q, start: date, end: date) -> list[StageTime]:
    """For each stage on the way, the days the cases ``cases`` selects
    spent in it, counting each stay in the stage that ended (by a move)
    from ``start`` to ``end``: how many, the median, the shortest and the
    longest. A stay began on the day of the case's move before (or the day
    it was opened): the move's ``since``. One query, counted by stage and
    number of days."""
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    moves = (
        moves_out(cases, start, end)
        .annotate(days=DaysBetween("on", "since"))
        .values_list("from_stage", "days")
        # Counted from the index alone (a row's key is not in it).
        .annotate(n=Count("*"))
    )
    for stage, days, n in moves:
        counts[stage][max(days, 0)] += n
    return [
        StageTime(
            stage,
            sum(counts[stage].values()),
            _median(counts[stage]),
            min(counts[stage]),
            max(counts[stage]),
        )
        for stage in stages.ACTIVE
        if counts.get(stage)
    ]
