"""The dashboard's questions read indexes, not whole tables, on SQLite
with its statistics written as `safepassage serve` writes them (a table
of thousands of rows, copied from a few: only the planner reads them)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from safepassage.accounts.dashboard import Period
from safepassage.cases import dashboard, funnel, reminders
from safepassage.cases.access import case_rule
from safepassage.cases.conditions import through
from safepassage.cases.models import StageChange
from tests.base import Organisation, Vault
from tests.cases.work_helpers import give_task, team_case, today

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner and its statistics"),
]


def _copied(table: str, times: int, **instead: str) -> None:
    """Double the rows of ``table`` ``times`` times, each copy with a new
    id and the SQL expressions ``instead`` for the columns they name."""
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({table})")
        columns = [row[1] for row in cursor.fetchall()]
        chosen = ", ".join(f'"{name}"' for name in columns)
        instead.setdefault("id", "lower(hex(randomblob(16)))")
        copied = ", ".join(instead.get(name, f'"{name}"') for name in columns)
        for _ in range(times):
            cursor.execute(f"INSERT INTO {table} ({chosen}) SELECT {copied} FROM {table}")  # noqa: S608
        cursor.execute("ANALYZE")


def test_whether_a_reminder_was_done_is_read_from_an_index(org: Organisation, vault: Vault) -> None:
    """Asked once for every travel document, appointment and journey the
    dashboard and the case list count. Most tasks are not made from a
    reminder (no source), and SQLite's statistics over all of them once
    made an index on the source look useless: each question read every
    task (the dashboard took seconds at 20,000 tasks)."""
    case = team_case(org)
    give_task(org.caseworker, case, "Call the embassy")
    _copied("cases_task", 12)
    team = through(reminders.on_the_way(Q(team_id__in=org.caseworker.team_ids)))
    for sources in reminders._overdue_sources(today(), team):
        plan = sources.explain()
        assert "task_source" in plan, plan


def _many_cases(org: Organisation) -> None:
    """Thousands of cases at every stage, each with a history line and a
    task (copied rows: only the planner reads them)."""
    case = team_case(org, "in_safe_house")
    StageChange.objects.create(
        case=case,
        number=1,
        on=today(),
        since=today() - dt.timedelta(days=30),
        from_stage="accepted",
        to_stage="in_safe_house",
    )
    give_task(org.caseworker, case, "Call the embassy")
    _copied(
        "cases_case",
        12,
        code="'C-' || upper(hex(randomblob(5)))",
        stage="CASE abs(random()) % 6 WHEN 0 THEN 'received' WHEN 1 THEN 'screening' "
        "WHEN 2 THEN 'in_safe_house' WHEN 3 THEN 'documents' WHEN 4 THEN 'closed' "
        "ELSE 'declined' END",
        stage_since="date(stage_since, '-' || (abs(random()) % 400) || ' days')",
        # Each case with one of three staff or nobody, in one of two teams.
        assignee_id=f"CASE abs(random()) % 4 WHEN 0 THEN {org.coordinator.pk} "
        f"WHEN 1 THEN {org.caseworker.pk} WHEN 2 THEN {org.outsider.pk} ELSE NULL END",
        team_id=f"CASE abs(random()) % 2 WHEN 0 THEN {org.team.pk} ELSE {org.other_team.pk} END",
    )
    spread = (
        "(SELECT c.id FROM cases_case c WHERE c.rowid = 1 + (abs(random()) + 0 * length({}.id)) "
        "% (SELECT count(*) FROM cases_case))"
    )
    _copied(
        "cases_stagechange",
        12,
        on="date(\"on\", '-' || (abs(random()) % 3000) || ' days')",
        number="rowid + (SELECT max(number) FROM cases_stagechange)",
        # Spread over the cases (a subquery of the row, so drawn for each).
        case_id=spread.format("cases_stagechange"),
    )
    _copied("cases_task", 12, case_id=spread.format("cases_task"))


def test_the_time_in_each_stage_reads_the_periods_moves_only(
    org: Organisation, vault: Vault
) -> None:
    """Not the whole history of every case, for a reader who sees them all,
    and for one who sees a team's: each move says since when its case was
    in the stage it left, so neither a case nor an earlier move is read."""
    _many_cases(org)
    end = today()
    with CaptureQueriesContext(connection) as captured:
        funnel.time_in_stage(Q(), end - dt.timedelta(days=90), end)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    # Counted from the index alone: neither the moves' rows nor the cases'.
    assert "COVERING INDEX stage_change_on" in plan, plan
    assert "cases_case" not in plan, plan
    for reader in (org.coordinator, org.caseworker):
        moves = funnel.moves_out(case_rule(reader), end - dt.timedelta(days=90), end)
        plan = moves.values_list("from_stage", "on", "since").explain()
        assert "stage_change_on" in plan, plan
        assert "SUBQUERY" not in plan, plan
        assert "SCAN cases_case" not in plan, plan


def _reads_every_case(
    sql: str, step: tuple[int, int, str], plan: list[tuple[int, int, str]]
) -> bool:
    """Whether a step of the plan (id, parent, what) reads every case: a
    scan of the table or of one of its indexes, unless it walks an index
    in the order asked for, to stop at the page's end (LIMIT, with no
    sorting after it in the same query; the rows it chose may be sorted
    by the query around it)."""
    _id, parent, line = step
    if not re.match(r"SCAN (cases_case|U\d+)\b", line):
        return False
    walk = "USING INDEX" in line and " LIMIT " in sql
    sorted_after = any(
        "FOR ORDER BY" in other and other_parent == parent for _, other_parent, other in plan
    )
    return not (walk and not sorted_after)


def test_no_casework_card_reads_every_case(org: Organisation, vault: Vault) -> None:
    """A case's row carries its sealed columns: reading every case for a
    card (counting a team's overdue tasks as "case in the team's cases",
    ordering all stuck cases to show eight) cost the dashboard tens of
    milliseconds each at 20,000 cases. Each card's questions start from
    an index; a case is read by its key, or not at all."""
    _many_cases(org)
    period = Period.default()
    for reader in (org.coordinator, org.caseworker):
        for card in dashboard.CARDS:
            with CaptureQueriesContext(connection) as captured:
                card.build(reader, period)
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                    plan = [(row[0], row[1], row[-1]) for row in cursor.fetchall()]
                whole = [step for step in plan if _reads_every_case(query["sql"], step, plan)]
                assert not whole, (card.key, reader.username, query["sql"], plan)


def test_a_page_of_open_tasks_is_walked_in_order_not_sorted(
    org: Organisation, vault: Vault
) -> None:
    """A team's open tasks (and one person's) are listed from an index of
    open tasks in the list's order, stopping at the page's end: with
    "open" as an index column, SQLite took it for a rare value and sorted
    every open task of the team to show fifty."""
    from safepassage.cases import tasks

    _many_cases(org)
    order = ("due_on", "created_on", "id")
    team = through(case_rule(org.coordinator) & Q(team_id__in=org.coordinator.team_ids))
    mine = through(case_rule(org.caseworker))
    for chosen, index in (
        (tasks.open_tasks().filter(team), "task_open"),
        (tasks.open_tasks().filter(mine, owner=org.caseworker), "task_owner_open"),
    ):
        plan = chosen.order_by(*order).values_list("pk", flat=True)[:50].explain()
        assert f"INDEX {index}" in plan, plan
        assert "FOR ORDER BY" not in plan, plan


def test_a_cases_page_finds_the_moves_of_its_stays_from_an_index(
    org: Organisation, vault: Vault
) -> None:
    """Most stays continue none: over all of them SQLite's statistics made
    the index on "moved from" look useless (one value, NULL), and each
    case page read every stay of every case to list its stays' moves."""
    from safepassage.cases.models import Stay
    from tests.cases import safehouse_helpers as houses

    house = houses.make_house(org, "House 7", capacity=40)
    case = houses.team_case(org, "Zelim", "Kheda")
    stay = houses.place(org, case, house, reason="Tonight")
    _copied("cases_stay", 10)
    assert Stay.objects.count() >= 1000
    plan = Stay.objects.filter(moved_from_id__in=[stay.pk]).explain()
    assert "stay_moved_from" in plan, plan
    assert "SCAN cases_stay" not in plan, plan
