"""What an attacker with write access to the database does to the log.

They remove the append-only triggers first (as anyone with that access
can), change rows with plain SQL, and put the triggers back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from safepassage.audit import protection

TABLE = protection.TABLE


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
