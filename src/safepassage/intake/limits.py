"""Short-lived counts that track no one: requests per minute for all
senders together, messages per hour under a name that only the receipt can
make (so a row cannot be linked to its request), spent proofs of work.

Each row carries the moment it may go; whenever a row is made, every row
whose moment has passed goes, whatever its name, so no count outlives its
window (and the window after it, for counts read afterwards).

Each event is one statement (an upsert returning the new count), so a limit
costs one round trip. Inside the caller's transaction it adds no savepoint:
if it fails, the whole transaction fails and nothing of it is kept."""

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
    table, name, window, count, expires = (
        quote(part) for part in (RateWindow._meta.db_table, "name", "window", "count", "expires")
    )
    return (
        f"INSERT INTO {table} ({name}, {window}, {count}, {expires}) "  # noqa: S608
        f"VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT ({name}, {window}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )


def _count_one(name: str, window: int, expires: int) -> int:
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_upsert(connection.vendor), [name, window, expires])
        count = int(cursor.fetchone()[0])
        if count == 1:  # a new row: forget every expired one
            forget_expired()
    return count


def forget_expired() -> int:
    deleted, _kinds = RateWindow.objects.filter(expires__lte=int(time.time())).delete()
    return deleted


def hit(name: str, *, seconds: int = 60, keep_previous: bool = False) -> int:
    """Count one event in the current window; return the count so far. The
    row goes when its window ends, or the window after with keep_previous
    (for counts read over the last two windows)."""
    window = _window(seconds)
    return _count_one(name, window, (window + (2 if keep_previous else 1)) * seconds)


def take(name: str, limit: int, *, seconds: int = 60) -> bool:
    """Count one event; False when the limit was already reached."""
    return hit(name, seconds=seconds) <= limit


def count(name: str, *, seconds: int = 60) -> int:
    found = RateWindow.objects.filter(name=name, window=_window(seconds)).first()
    return found.count if found is not None else 0


def recent(name: str, *, seconds: int = 60) -> int:
    """The larger count of the current and the previous window (kept with
    keep_previous), so a rate does not look low just after a window turns."""
    window = _window(seconds)
    counts = RateWindow.objects.filter(name=name, window__in=(window, window - 1))
    return max(counts.values_list("count", flat=True), default=0)


def spend(name: str, *, until: int) -> bool:
    """Record a one-time token (kept until ``until``, seconds since the
    epoch); False if it was recorded before."""
    return _count_one(name, 0, until) == 1
