"""The dashboard's questions read indexes, not whole tables, on SQLite
with its statistics written as `safepassage serve` writes them (a table
of thousands of rows, copied from a few: only the planner reads them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from safepassage.cases import funnel, reminders
from safepassage.cases.models import Case, StageChange
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
    for sources in reminders._overdue_sources(today(), case__in=Case.objects.values("pk")):
        plan = sources.explain()
        assert "task_source" in plan, plan


def test_the_time_in_each_stage_reads_the_periods_moves_only(
    org: Organisation, vault: Vault
) -> None:
    """Not the whole history of every case, for a reader who sees them all."""
    case = team_case(org, "in_safe_house")
    StageChange.objects.create(
        case=case, number=1, on=today(), from_stage="accepted", to_stage="in_safe_house"
    )
    _copied("cases_case", 10, code="'C-' || upper(hex(randomblob(5)))")
    _copied(
        "cases_stagechange",
        12,
        on="date(\"on\", '-' || (abs(random()) % 3000) || ' days')",
        number="rowid + (SELECT max(number) FROM cases_stagechange)",
        # Spread over the cases (a subquery of the row, so drawn for each).
        case_id="(SELECT c.id FROM cases_case c WHERE c.rowid = 1 + "
        "(abs(random()) + 0 * length(cases_stagechange.id)) % (SELECT count(*) FROM cases_case))",
    )
    end = today()
    plan = funnel.moves_out(Case.objects.all(), end - dt.timedelta(days=90), end).explain()
    assert "stage_change_on" in plan, plan
