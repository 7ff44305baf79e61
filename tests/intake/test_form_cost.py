"""What one request to the public form costs the server: four statements
in two short transactions (the count, then the insert), no query for the
staff pages' layout, and a database connection kept from one request to the
next. A request refused in a flood pays for no sealing."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.intake.models import Question, Submission, active_questions
from tests.base import Vault
from tests.intake.helpers import request_data

pytestmark = pytest.mark.django_db

SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


@time_machine.travel(29_000_000 * 60 + 1, tick=False)
def test_it_counts_then_seals_and_stores_in_four_statements(vault: Vault) -> None:
    client = Client()
    client.post("/request/", request_data())  # the minute's first also forgets older counts
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/request/", request_data())
    assert response.status_code == 200
    statements = _statements(queries)
    # The test runs inside a transaction, so the request's two show as
    # savepoints: the count (before any sealing, so a flood is cheap to
    # refuse) and the insert. The counter adds no savepoint of its own.
    assert [s.split('"')[0].strip() for s in statements if s.startswith(SAVEPOINTS)] == [
        "SAVEPOINT",
        "RELEASE SAVEPOINT",
        "SAVEPOINT",
        "RELEASE SAVEPOINT",
    ]
    work = [s for s in statements if not s.startswith(SAVEPOINTS)]
    assert len(work) == 4, "\n".join(s[:70] for s in work)
    assert "intake_question" in work[0]  # the form's questions
    assert work[1].startswith('INSERT INTO "intake_ratewindow"')
    assert "vault_compartmentkey" in work[2]  # the key it is sealed to, read each time
    assert work[3].startswith('INSERT INTO "intake_submission"')
    assert Submission.objects.count() == 2


def test_public_pages_ask_nothing_for_the_staff_layout(vault: Vault) -> None:
    with CaptureQueriesContext(connection) as queries:
        for path in ("/request/", "/request/return/", "/request/safety/"):
            assert Client().get(path).status_code == 200
    statements = _statements(queries)
    # The form's questions and the proven requests of the last two minutes
    # (how hard the proof of work is now); the other pages ask nothing.
    assert len(statements) == 2, statements
    assert "intake_question" in statements[0]
    assert "intake_ratewindow" in statements[1]


def test_questions_are_read_in_order_and_only_when_shown(vault: Vault) -> None:
    Question.objects.create(key="second", label_en="b", label_ru="b", label_fr="b", position=20)
    Question.objects.create(key="first_b", label_en="a", label_ru="a", label_fr="a", position=10)
    Question.objects.create(key="first_a", label_en="a", label_ru="a", label_fr="a", position=10)
    Question.objects.create(
        key="hidden", label_en="h", label_ru="h", label_fr="h", position=1, active=False
    )
    shown = active_questions()
    assert [q.key for q in shown] == [q.key for q in Question.objects.filter(active=True)]
    assert [q.key for q in shown] == ["first_a", "first_b", "second"]
    assert shown[0] == Question.objects.get(key="first_a")
    assert shown[0].label("fr") == "a"
    # An edit shows at the next request: nothing is cached.
    Question.objects.filter(key="second").update(active=False)
    assert [q.key for q in active_questions()] == ["first_a", "first_b"]


def test_the_database_connection_is_kept_between_requests() -> None:
    database = settings.DATABASES["default"]
    # A fresh SQLite connection per request costs a WAL checkpoint when it
    # closes: more than the rest of the request.
    assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL: with WAL, no sync at each commit
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
