"""What an attacker with write access to the database does to the log.

They remove the append-only triggers first (as anyone with that access
can), change rows with plain SQL, and put the triggers back; or they change
the table itself so that it holds what no entry should (a NULL, a number
where text belongs); or they replace the triggers with look-alikes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from safepassage.audit import protection
from safepassage.audit.models import AuditEntry

TABLE = protection.TABLE
COLUMNS = [
    "seq",
    "at",
    "actor",
    "action",
    "target",
    "outcome",
    "details",
    "prev_hash",
    "entry_hash",
    "seal",
]


@contextmanager
def triggers_removed() -> Iterator[None]:
    protection.remove(connection)
    try:
        yield
    finally:
        protection.install(connection)


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def move(seq: int, to: int) -> None:
    sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [to, seq])  # noqa: S608


def shift(first: int, last: int, by: int) -> None:
    """Renumber entries first..last by ``by`` (in an order that never collides)."""
    order = range(last, first - 1, -1) if by > 0 else range(first, last + 1)
    for seq in order:
        move(seq, seq + by)


def forge(seq: int, prev_hash: str, **fields: Any) -> None:
    """An entry written without the audit key (no valid hash, no seal)."""
    values: dict[str, Any] = {
        "actor": "cli",
        "action": "test.entry",
        "target": "",
        "outcome": "ok",
        "details": {"number": 99},
        "entry_hash": hashlib.sha256(f"forged {seq}".encode()).hexdigest(),
    }
    values |= fields
    at = AuditEntry.objects.order_by("-seq").values_list("at", flat=True).first()
    AuditEntry.objects.create(seq=seq, at=at, prev_hash=prev_hash, **values)


def loosen(column: str) -> None:
    """Let ``column`` of the log take values no entry should have (NULL, and
    on PostgreSQL any text), as an attacker who owns the database can. On
    SQLite every column takes anything afterwards. The rows stay as they are.
    Use inside ``triggers_removed()``, which puts the triggers back."""
    if connection.vendor == "postgresql":
        if column == "seq":
            sql(f"ALTER TABLE {TABLE} DROP CONSTRAINT {TABLE}_pkey")
            sql(f"ALTER TABLE {TABLE} ALTER COLUMN seq DROP NOT NULL")
            return
        sql(
            f"ALTER TABLE {TABLE} ALTER COLUMN {column} DROP NOT NULL, "
            f"ALTER COLUMN {column} TYPE text USING {column}::text"
        )
        return
    # SQLite: the same table again, with columns of no type and no constraint.
    sql(f"ALTER TABLE {TABLE} RENAME TO audit_old")
    sql(f"CREATE TABLE {TABLE} ({', '.join(COLUMNS)})")
    sql(f"INSERT INTO {TABLE} SELECT {', '.join(COLUMNS)} FROM audit_old")  # noqa: S608
    sql("DROP TABLE audit_old")
