"""Casework's cards on the dashboard (see accounts/dashboard.py): urgent
cases without an owner, tasks and reminders (mine and my teams'), cases
stuck in a stage, safe-house occupancy today, the funnel by stage and the
time spent in each stage over the chosen period.

Each card is a few queries whatever the number of cases, with its own
permission, and counts only the cases its reader sees
(access.visible_cases). No card shows a name or an address: codes,
stages, days, counts, and houses by their labels. What a task says
(casework) is shown to members of casework, and that read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.dashboard import Card, Period
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import funnel, listing, reminders, stages, tasks
from safepassage.cases.access import case_rule, visible_cases
from safepassage.cases.conditions import through
from safepassage.cases.models import Case, Flag, Risk, Stage, has_code
from safepassage.cases.occupancy import occupancy
from safepassage.cases.paging import count_up_to

# How many cases or tasks a card lists (its count says how many in all).
LISTED = 8


def urgent() -> Q:
    """Urgent: flagged so by hand, or at high or critical risk."""
    return has_code("flags", Flag.URGENT) | Q(risk__gte=Risk.HIGH)


# How far the urgent cases without an owner are counted: past it, the card
# says "more than" (the list behind its link counts them all). Counting
# up to a bound stops early whatever plan the database chooses.
COUNTED_UP_TO = 100


def _counted(listed: list[Any], query: Any) -> int:
    """How many in all, up to COUNTED_UP_TO + 1: the list's length when it
    was not cut short."""
    if len(listed) < LISTED:
        return len(listed)
    return count_up_to(query, COUNTED_UP_TO + 1)


def unowned_urgent(user: User, period: Period) -> dict[str, Any]:
    """Urgent cases still on their way that nobody is assigned to."""
    cases = visible_cases(user).filter(urgent(), stage__in=stages.ACTIVE, assignee=None)
    # Chosen in the index (case_unowned), then only their rows read: a
    # case's row carries its sealed columns.
    order = listing.ORDERS["urgency"]
    chosen = cases.order_by(*order).values("pk")[:LISTED]
    listed = list(Case.objects.filter(pk__in=chosen).select_related("team").order_by(*order))
    count = _counted(listed, cases)
    return {
        "cases": listed,
        "count": min(count, COUNTED_UP_TO),
        "more": count > COUNTED_UP_TO,
    }


@dataclass(frozen=True)
class Stuck:
    case: Case
    days: int
    limit: int


class StuckIn(NamedTuple):
    """Cases stuck in one stage: how many, up to COUNTED_UP_TO, and whether
    there are more."""

    label: str | Promise
    stage: str
    cases: int
    more: bool


def stuck_by_stage(cases: QuerySet[Case], today: date) -> dict[str, list[str]]:
    """For each stage, the codes of its cases stuck longest, up to
    COUNTED_UP_TO + 1, in order. One short walk of the index (stage, since,
    code) per stage, which stops at the bound: counted and listed at once,
    however many cases are on their way."""
    return {
        stage: list(
            cases.filter(stage=stage, stage_since__lt=today - limit)
            .order_by("stage_since", "code")
            .values_list("code", flat=True)[: COUNTED_UP_TO + 1]
        )
        for stage, limit in stages.STUCK_AFTER.items()
    }


def stuck_longest(found: dict[str, list[str]]) -> QuerySet[Case]:
    """The LISTED cases stuck longest over all stages, chosen among each
    stage's longest (stuck_by_stage) in the index; only their rows are
    read (a case's row carries its sealed columns)."""
    candidates = [code for codes in found.values() for code in codes[:LISTED]]
    order = ("stage_since", "code")
    longest = Case.objects.filter(code__in=candidates).order_by(*order).values("pk")[:LISTED]
    return Case.objects.filter(pk__in=longest).select_related("assignee").order_by(*order)


def stuck_cases(user: User, period: Period) -> dict[str, Any]:
    """Cases in their stage longer than stages.STUCK_AFTER, by stage (each
    counted up to COUNTED_UP_TO: past it, "more than"), and those stuck
    longest."""
    today = timezone.localdate()
    found = stuck_by_stage(visible_cases(user), today)
    by_stage = [
        StuckIn(
            Stage(stage).label, stage, min(len(codes), COUNTED_UP_TO), len(codes) > COUNTED_UP_TO
        )
        for stage in stages.FLOW
        if (codes := found.get(stage))
    ]
    return {
        "count": sum(stuck.cases for stuck in by_stage),
        "more": any(stuck.more for stuck in by_stage),
        "by_stage": by_stage,
        "cases": [
            Stuck(
                case,
                (today - case.stage_since).days,
                stages.STUCK_AFTER[case.stage].days,
            )
            for case in stuck_longest(found)
        ],
    }


def my_tasks(user: User, period: Period) -> dict[str, Any]:
    """My open tasks and the reminders of the cases assigned to me, overdue
    or due within reminders.SOON days; how many of my teams' are overdue."""
    today = timezone.localdate()
    soon = today + timedelta(days=reminders.SOON)
    # Through the case (conditions.through): the database starts from the
    # tasks and the dated records, not from every case the reader sees.
    rule = case_rule(user)
    mine = tasks.open_tasks().filter(through(rule), owner=user)
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    readable = tasks.holds_casework()
    due = mine.filter(due_on__lte=soon).order_by("due_on", "created_on", "id")
    lines = tasks.lines(
        tasks.with_their_cases(due.values_list("pk", flat=True)[:LISTED]), readable, today
    )
    due_reminders = [
        reminder
        for reminder in reminders.reminders(rule & Q(assignee=user), today)
        if reminder.on <= soon
    ]
    # My teams' overdue tasks and reminders, counted up to COUNTED_UP_TO
    # (past it, "more than"): a team's backlog is not walked to its end.
    team = rule & Q(team_id__in=user.team_ids)
    late = tasks.open_tasks().filter(through(team), due_on__lt=today)
    team_overdue = count_up_to(late, COUNTED_UP_TO + 1)
    if team_overdue <= COUNTED_UP_TO:
        team_overdue += reminders.overdue_reminder_count(
            team, today, up_to=COUNTED_UP_TO + 1 - team_overdue
        )
    if readable and lines:
        record(user, "case.tasks_viewed", None, view="dashboard", shown=len(lines), narrative=True)
    return {
        "lines": lines,
        "overdue": counts["overdue"] + sum(1 for r in due_reminders if r.overdue),
        "soon": counts["soon"] + sum(1 for r in due_reminders if not r.overdue),
        "more": counts["overdue"] + counts["soon"] - len(lines),
        "reminders": due_reminders[:LISTED],
        "team_overdue": min(team_overdue, COUNTED_UP_TO),
        "team_more": team_overdue > COUNTED_UP_TO,
        "has_team": bool(user.team_ids),
        "readable": readable,
        "soon_days": reminders.SOON,
    }


@dataclass(frozen=True)
class HouseToday:
    label: str
    taken: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.taken > self.capacity

    @property
    def share(self) -> float:
        """How full: beds taken for each bed (a house without beds that
        holds someone counts as fuller than any)."""
        if self.capacity <= 0:
            return float("inf") if self.taken else 0.0
        return self.taken / self.capacity


def occupancy_today(user: User, period: Period) -> dict[str, Any] | None:
    """Beds taken today in all houses, and the LISTED houses most in need
    of a look, by label (one query)."""
    if not user.can(Perm.VIEW_SAFE_HOUSES):
        return None
    today = timezone.localdate()
    houses = [
        HouseToday(house.label, house.on(today), house.capacity)
        for house in occupancy(today, today).values()
        if house.active or house.on(today)
    ]
    # Those most in need of a look first: over capacity, then the fullest.
    houses.sort(key=lambda house: (not house.over, -house.share, house.label.casefold()))
    return {
        "houses": houses[:LISTED],
        "others": len(houses) - LISTED,
        "taken": sum(house.taken for house in houses),
        "beds": sum(house.capacity for house in houses),
        "over": sum(1 for house in houses if house.over),
    }


def stage_funnel(user: User, period: Period) -> dict[str, Any]:
    return {"funnel": funnel.funnel(case_rule(user), period.start, period.end)}


def stage_times(user: User, period: Period) -> dict[str, Any]:
    return {"times": funnel.time_in_stage(case_rule(user), period.start, period.end)}


CARDS = (
    Card(
        "unowned_urgent",
        _("Urgent cases without an owner"),
        Perm.CARD_UNOWNED_URGENT,
        unowned_urgent,
        "cases/dashboard/unowned_urgent.html",
        order=10,
    ),
    Card(
        "tasks",
        _("Tasks and reminders"),
        Perm.CARD_TASKS,
        my_tasks,
        "cases/dashboard/tasks.html",
        order=20,
    ),
    Card(
        "stuck_cases",
        _("Cases stuck in a stage"),
        Perm.CARD_STUCK,
        stuck_cases,
        "cases/dashboard/stuck.html",
        order=30,
    ),
    Card(
        "occupancy",
        _("Safe houses today"),
        Perm.CARD_OCCUPANCY,
        occupancy_today,
        "cases/dashboard/occupancy.html",
        order=40,
    ),
    Card(
        "funnel",
        _("Cases by stage"),
        Perm.CARD_FUNNEL,
        stage_funnel,
        "cases/dashboard/funnel.html",
        order=60,
        uses_period=True,
    ),
    Card(
        "time_in_stage",
        _("Time in each stage"),
        Perm.CARD_TIME_IN_STAGE,
        stage_times,
        "cases/dashboard/time_in_stage.html",
        order=70,
        uses_period=True,
    ),
)
