"""A malformed row is named, never a traceback: by `audit verify`, by the
full check and by the auditor's page.

Each case makes the table hold what no entry should (the attacker owns the
database), then checks all three."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from safepassage.audit.verify import verify
from tests.audit.tamper import TABLE, loosen, sql, triggers_removed
from tests.base import Organisation, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org: Organisation) -> list[AuditEntry]:
    return [record(org.admin, "staff.created", org.caseworker, number=n) for n in range(1, 7)]


def _bad_time() -> None:
    loosen("at")
    sql(f"UPDATE {TABLE} SET at = '2026-13-45 25:61:00' WHERE seq = 4")  # noqa: S608


def _garbage_time() -> None:
    loosen("at")
    sql(f"UPDATE {TABLE} SET at = 'yesterday' WHERE seq = 4")  # noqa: S608


def _null_outcome() -> None:
    loosen("outcome")
    sql(f"UPDATE {TABLE} SET outcome = NULL WHERE seq = 4")  # noqa: S608


def _details_not_json() -> None:
    if connection.vendor == "sqlite":
        # Django's CHECK (JSON_VALID) is the only thing in the way.
        sql("PRAGMA ignore_check_constraints = 1")
    else:
        loosen("details")
    try:
        sql(f"UPDATE {TABLE} SET details = '{{not json' WHERE seq = 4")  # noqa: S608
    finally:
        if connection.vendor == "sqlite":
            sql("PRAGMA ignore_check_constraints = 0")


def _wrong_type() -> None:
    loosen("actor")
    if connection.vendor == "sqlite":
        sql(f"UPDATE {TABLE} SET actor = X'00ff' WHERE seq = 4")  # noqa: S608
    else:
        # A column holds one type on PostgreSQL: bytes in every row.
        sql(f"ALTER TABLE {TABLE} ALTER COLUMN actor TYPE bytea USING convert_to(actor, 'UTF8')")


CASES: dict[str, tuple[Callable[[], None], str]] = {
    "a bad timestamp": (_bad_time, "its time is not a valid date and time"),
    "words for a timestamp": (_garbage_time, "its time is not a valid date and time"),
    "a null": (_null_outcome, "its outcome is missing (NULL)"),
    "details that are not JSON": (_details_not_json, "its details are not JSON"),
    "a wrong type": (_wrong_type, "its actor holds a value of the wrong type"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_column_is_named(
    case: str, chain: list[AuditEntry], org: Organisation, client: Client
) -> None:
    tamper, words = CASES[case]
    with triggers_removed():
        tamper()
    # PostgreSQL changes a column's type for every row: the first is named.
    seq = 1 if case == "a wrong type" and connection.vendor == "postgresql" else 4
    expected = f"entry #{seq} is malformed: {words}"
    for result in (verify(), verify(full=True)):
        assert result.problem is not None
        assert (result.problem.kind, result.problem.seq) == ("malformed", seq)
        assert result.problem.message == expected
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--full", stderr=err)
    assert exit_.value.code == 1
    assert expected in err.getvalue()
    sign_in(client, org.auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The chain is broken." in html
    assert expected in html
    assert "Malformed entry" in html


def test_an_entry_without_a_position_is_named(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        loosen("seq")
        sql(f"UPDATE {TABLE} SET seq = NULL WHERE seq = 4")  # noqa: S608
    result = verify(full=True)
    assert result.problem is not None
    assert result.problem.kind == "malformed"
    assert result.problem.message == "an entry has no position (NULL): it is outside the chain"
    # The gap it leaves is named as well.
    assert ("removed", 4) in [(p.kind, p.seq) for p in result.problems]


def test_a_position_that_is_not_a_number_is_named(chain: list[AuditEntry]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a PostgreSQL bigint column holds only numbers")
    with triggers_removed():
        loosen("seq")
        sql(f"UPDATE {TABLE} SET seq = 'four' WHERE seq = 4")  # noqa: S608
    result = verify(full=True)
    assert result.problem is not None
    assert result.problem.kind == "malformed"
    assert result.problem.message == (
        "an entry's position is not a whole number: it is outside the chain"
    )


def test_a_malformed_checkpoint_reads_as_forged(chain: list[AuditEntry]) -> None:
    assert verify().ok
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER audit_checkpoint_no_update")
        sql("UPDATE audit_checkpoint SET at = 'never'")
    else:
        sql("ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_no_update")
        sql("UPDATE audit_checkpoint SET mac = 'x'")
    result = verify(save_checkpoint=False)
    assert ("checkpoint", 6) in [(p.kind, p.seq) for p in result.problems]
