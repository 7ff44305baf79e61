"""Checkpoints: how far the chain was verified, so the next check starts there.

A checkpoint says "from the first entry up to entry N the chain was intact,
and N's hash was H". It is MAC'd with the audit key (nobody without the key
can write one that moves past entries they changed) and kept in a table the
append-only triggers protect. A check that starts from a checkpoint does not
look at entries before it again: tampering there is found by the full check,
which walks everything and is to be run on a schedule (docs/operations.md).
A checkpoint is also an anchor: entries removed from the end past it show.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safepassage.audit.chain import format_at, mac
from safepassage.audit.models import Checkpoint
from safepassage.audit.rows import parse_time

_DOMAIN = b"safepassage.audit.checkpoint\x00"
TABLE = Checkpoint._meta.db_table


@dataclass(frozen=True)
class Mark:
    """A checkpoint as read, and whether safepassage wrote it as it stands."""

    seq: int
    entry_hash: str
    at: datetime | None
    full: bool
    genuine: bool


def _mac(seq: int, entry_hash: str, at: datetime, full: bool) -> str:
    return mac(_DOMAIN + f"{seq}:{entry_hash}:{format_at(at)}:{int(full)}".encode())


def _mark(raw: tuple[object, ...]) -> Mark:
    """A row read without Django's converters: whatever was written into the
    table, a malformed checkpoint reads as not genuine rather than raising."""
    seq, entry_hash, at, full, stored = raw
    when = parse_time(at)
    if not (
        type(seq) is int
        and type(entry_hash) is str
        and type(stored) is str
        and when is not None
        and full in (0, 1)  # True and False compare equal to these
    ):
        return Mark(seq if type(seq) is int else 0, "", when, False, False)
    expected = _mac(seq, entry_hash, when, bool(full))
    return Mark(seq, entry_hash, when, bool(full), hmac.compare_digest(expected, stored))


def _read(where: str, params: list[Any], order: str, limit: int) -> list[tuple[object, ...]]:
    at = "+at" if connection.vendor == "sqlite" else "at"
    sql = (
        f"SELECT id, seq, entry_hash, {at}, full_check, mac FROM {TABLE} "  # noqa: S608 - constants
        f"{where} ORDER BY {order} LIMIT %s"
    )
    try:
        # A savepoint: a refused query must not spoil the caller's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return list(cursor.fetchall())
    except DatabaseError:
        # The table was changed so that it cannot be read: a checkpoint
        # that cannot be trusted.
        return [(0, 0, "", None, 0, "")]


def save(seq: int, entry_hash: str, *, full: bool) -> None:
    at = timezone.now()
    Checkpoint.objects.create(
        seq=seq, entry_hash=entry_hash, at=at, full_check=full, mac=_mac(seq, entry_hash, at, full)
    )


def newest(limit: int) -> list[Mark]:
    """The checkpoints furthest along the chain first."""
    return [_mark(raw[1:]) for raw in _read("", [], "seq DESC, id DESC", limit)]


def every(batch: int = 5000) -> Iterator[Mark]:
    """Every checkpoint (for the full check), in batches."""
    last_id: object = 0
    while True:
        found = _read("WHERE id > %s", [last_id], "id", batch)
        yield from (_mark(raw[1:]) for raw in found)
        if len(found) < batch or type(found[-1][0]) is not int:
            return
        last_id = found[-1][0]


def last_full() -> Mark | None:
    """The newest full check that passed (by a genuine checkpoint)."""
    for raw in _read("WHERE full_check = %s", [True], "at DESC, id DESC", 20):
        mark = _mark(raw[1:])
        if mark.genuine:
            return mark
    return None
