"""Whether a reminder was marked done is asked once for every travel
document, appointment and journey the dashboard and the case list count:
the question must read an index, not every task. Most tasks are not made
from a reminder (no source), and SQLite's statistics over all of them
once made an index on the source look useless, so each question read the
whole table (the dashboard took seconds at 20,000 tasks)."""

from __future__ import annotations

import pytest
from django.db import connection

from safepassage.cases import reminders
from safepassage.cases.models import Case
from tests.base import Organisation, Vault
from tests.cases.work_helpers import give_task, team_case, today

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner and its statistics"),
]


def test_whether_a_reminder_was_done_is_read_from_an_index(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    give_task(org.caseworker, case, "Call the embassy")
    # Thousands of tasks, none made from a reminder, as in a real programme
    # (copies of the one given: only the planner reads them).
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA table_info(cases_task)")
        columns = [row[1] for row in cursor.fetchall()]
        chosen = ", ".join(f'"{name}"' for name in columns)
        copied = ", ".join(
            "lower(hex(randomblob(16)))" if name == "id" else f'"{name}"' for name in columns
        )
        for _ in range(12):
            cursor.execute(f"INSERT INTO cases_task ({chosen}) SELECT {copied} FROM cases_task")  # noqa: S608
        cursor.execute("ANALYZE")
    for sources in reminders._overdue_sources(today(), case__in=Case.objects.values("pk")):
        plan = sources.explain()
        assert "task_source" in plan, plan
