"""Reading audit rows exactly as they are stored, whatever was done to them.

Django's model fields assume well-formed columns: a timestamp SQLite cannot
parse, a NULL, a number where text belongs or details that are not JSON
make them raise deep in the database layer. Verification and the auditor's
page read through here instead: plain SQL, each column checked for its
type and form, and a malformed column named rather than raised, so the
report can say "entry #7 has a malformed time" instead of a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, connection, transaction

from safepassage.audit.chain import TABLE, format_at

# The columns a row is read with, in order.
COLUMNS = (
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
)
_TEXT = ("actor", "action", "target", "outcome", "prev_hash", "entry_hash", "seal")
BATCH = 5000


class Unreadable(Exception):
    """The table itself cannot be read as written (a column's type was
    changed so that the database refuses our query)."""


@dataclass(slots=True)
class Row:
    seq: int
    # The time as the entry's hash covers it ("" when malformed), and parsed.
    at: str
    when: datetime | None
    actor: str
    action: str
    target: str
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str
    seal: str
    # The first column found malformed, or "" when the row is well formed.
    malformed: str = ""
    # What was in a malformed column, for the message: "null", "text"...
    found: str = ""


def _select() -> str:
    columns = list(COLUMNS)
    if connection.vendor == "sqlite":
        # "+at" is an expression, so SQLite's declared-type converter (which
        # raises on a bad timestamp) is not applied: we parse it ourselves.
        columns[1] = "+at"
    return "SELECT " + ", ".join(columns) + f" FROM {TABLE}"  # noqa: S608 - constants


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes"
    if isinstance(value, str):
        return "text"
    return "other"


def parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    # SQLite holds UTC without an offset (USE_TZ); PostgreSQL an aware time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse(raw: Sequence[Any]) -> Row:
    """One row from the columns of COLUMNS, never raising."""
    seq, at, actor, action, target, outcome, details, prev_hash, entry_hash, seal = raw
    row = Row(
        seq=seq if type(seq) is int else 0,
        at="",
        when=None,
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        details={},
        prev_hash=prev_hash,
        entry_hash=entry_hash,
        seal=seal,
    )
    if type(seq) is not int or seq < 1:
        return _malformed(row, "seq", _kind(seq))
    when = parse_time(at)
    if when is None:
        return _malformed(row, "at", _kind(at))
    row.when = when
    row.at = format_at(when)
    for name, value in zip(
        _TEXT, (actor, action, target, outcome, prev_hash, entry_hash, seal), strict=True
    ):
        if type(value) is not str:
            return _malformed(row, name, _kind(value))
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return _malformed(row, "details", "not_json")
    if not isinstance(details, dict):
        return _malformed(row, "details", _kind(details))
    row.details = details
    return row


def _malformed(row: Row, column: str, found: str) -> Row:
    """Mark the row: ``found`` is what the column held (null, bytes, not_json...)."""
    row.malformed = column
    row.found = found
    # Keep only what can be shown safely: the parts that are text.
    for name in _TEXT:
        if type(getattr(row, name)) is not str:
            setattr(row, name, "")
    return row


def _fetch(sql: str, params: Sequence[Any]) -> list[Row]:
    try:
        # A savepoint: on PostgreSQL a refused query must not spoil the
        # transaction the caller is in.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [parse(raw) for raw in cursor.fetchall()]
    except DatabaseError as error:
        raise Unreadable(error.__class__.__name__) from None


def walk(after: int = 0, batch: int = BATCH) -> Iterator[Row]:
    """Every row with a well-formed position greater than ``after``, in
    order, read in batches (a million rows never sit in memory at once)."""
    sql = _select() + " WHERE seq > %s ORDER BY seq LIMIT %s"
    last = after
    while True:
        rows = _fetch(sql, [last, batch])
        yield from rows
        if len(rows) < batch or rows[-1].malformed == "seq":
            return
        last = rows[-1].seq


def rows_at(seqs: Sequence[int]) -> dict[int, Row]:
    """The rows at these positions, by position."""
    if not seqs:
        return {}
    marks = ", ".join(["%s"] * len(seqs))
    found = _fetch(_select() + f" WHERE seq IN ({marks})", list(seqs))
    return {row.seq: row for row in found if row.malformed != "seq"}


def row_at(seq: int) -> Row | None:
    return rows_at([seq]).get(seq)


def rows_where(column: str, value: str) -> list[Row]:
    """Rows whose ``prev_hash`` or ``entry_hash`` is ``value``: looking up
    where an entry went, when diagnosing a break."""
    if column not in ("prev_hash", "entry_hash"):
        raise ValueError(column)
    return _fetch(_select() + f" WHERE {column} = %s ORDER BY seq", [value])


def last_row() -> Row | None:
    found = _fetch(_select() + " WHERE seq > 0 ORDER BY seq DESC LIMIT 1", [])
    return found[0] if found else None


def misplaced() -> str:
    """What the position of a row without a usable one holds ("null",
    "text", "number"...), or "" when every row has one. A walk by position
    cannot see such rows. Index look-ups only, at any size."""
    if connection.vendor == "sqlite":
        # NULLs sort first, text and bytes after every number.
        queries = [
            f"SELECT seq FROM {TABLE} ORDER BY seq LIMIT 1",  # noqa: S608
            f"SELECT seq FROM {TABLE} ORDER BY seq DESC LIMIT 1",  # noqa: S608
        ]
    else:
        queries = [
            f"SELECT seq FROM {TABLE} WHERE seq IS NULL LIMIT 1",  # noqa: S608
            f"SELECT seq FROM {TABLE} WHERE seq < 1 LIMIT 1",  # noqa: S608
        ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for query in queries:
                cursor.execute(query)
                found = cursor.fetchone()
                if found is not None and (type(found[0]) is not int or found[0] < 1):
                    return _kind(found[0])
    except DatabaseError as error:
        raise Unreadable(error.__class__.__name__) from None
    return ""
