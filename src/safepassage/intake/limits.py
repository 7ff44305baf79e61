"""Rate limits that track no one: counts per minute or hour, for all
senders together, or per receipt. Only the last two windows are kept.

Each event is one statement (an upsert returning the new count), so the
limit costs one round trip on the hot path of the public form."""

from __future__ import annotations

import time

from django.db import connection, transaction

from safepassage.intake.models import RateWindow

TABLE = RateWindow._meta.db_table


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def hit(name: str, *, seconds: int = 60) -> int:
    """Count one event in the current window; return the count so far."""
    window = _window(seconds)
    table, name_, window_, count_ = (
        connection.ops.quote_name(part) for part in (TABLE, "name", "window", "count")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name_}, {window_}, {count_}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({name_}, {window_}) DO UPDATE SET {count_} = "
            f"{table}.{count_} + 1 RETURNING {count_}",
            [name, window],
        )
        count = int(cursor.fetchone()[0])
        if count == 1:  # a new window: forget the old ones
            RateWindow.objects.filter(name=name, window__lt=window - 1).delete()
    return count


def take(name: str, limit: int, *, seconds: int = 60) -> bool:
    """Count one event; False when the limit was already reached."""
    return hit(name, seconds=seconds) <= limit


def count(name: str, *, seconds: int = 60) -> int:
    found = RateWindow.objects.filter(name=name, window=_window(seconds)).first()
    return found.count if found is not None else 0
