"""Rate limits that track no one: counts per minute or hour, for all
senders together, or per receipt. Only the last two windows are kept.

Each event is one statement (an upsert returning the new count), so the
limit costs one round trip on the hot path of the public form. Inside the
caller's transaction it adds no savepoint: if it fails, the whole request
fails and nothing of it is kept."""

from __future__ import annotations

import functools
import time

from django.db import connection, transaction

from safepassage.intake.models import RateWindow


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


@functools.cache
def _upsert(vendor: str) -> str:
    quote = connection.ops.quote_name
    table, name, window, count = (
        quote(part) for part in (RateWindow._meta.db_table, "name", "window", "count")
    )
    return (
        f"INSERT INTO {table} ({name}, {window}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({name}, {window}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )


def hit(name: str, *, seconds: int = 60) -> int:
    """Count one event in the current window; return the count so far."""
    window = _window(seconds)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_upsert(connection.vendor), [name, window])
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
