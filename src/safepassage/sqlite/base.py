"""Django's SQLite backend, reading UUID columns without uuid.UUID's parsing,
and keeping the database files private.

SQLite keeps a UUID as its 32 hexadecimal digits, and Django turns each one
back into a ``uuid.UUID`` as rows are read. ``uuid.UUID(text)`` spends most
of its microsecond on forms our columns never hold (braces, hyphens, the
``urn:uuid:`` prefix). Every encrypted row has a UUID key (vault.fields'
SealedModel), so a list page of a thousand cases pays that a thousand times.
Here a value of exactly 32 letters and digits becomes the same UUID directly;
anything else goes to uuid.UUID as before, and raises its errors.

Before a connection closes, SQLite is asked to refresh the statistics its
query planner reads where they are missing or far out of date (``PRAGMA
optimize``, as SQLite advises for connections that live long; ours live
ten minutes). Without them a list filtered through a subquery can be
planned from its largest side: the event list filtered by a kind of
perpetrator took four times as long (bench/documentation_pages.py).

The database file is created 0600 before SQLite opens it (SQLite gives its
-wal, -shm and -journal files the database file's permissions), and an
existing one readable by others is made private, with a warning.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, operations

from safepassage.env import tighten

SIDE_FILES = ("", "-wal", "-shm", "-journal")

_new = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def uuid_from_column(text: str) -> uuid.UUID:
    """``uuid.UUID(text)``, faster for the 32 hexadecimal digits SQLite holds."""
    if len(text) == 32 and text.isalnum():
        # What uuid.UUID does with such a value, without its string handling:
        # no sign, space or separator can reach int(), so 32 digits in base 16
        # are always within 0 .. 2**128 - 1. Letters beyond f raise ValueError.
        value = _new(uuid.UUID)
        _set(value, "int", int(text, 16))
        _set(value, "is_safe", _UNKNOWN)
        return value
    return uuid.UUID(text)


class DatabaseOperations(operations.DatabaseOperations):
    def convert_uuidfield_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None:
            value = uuid_from_column(value)
        return value


def database_path(name: object) -> Path | None:
    """The file a database NAME names, or None for an in-memory database."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:") or "mode=memory" in text:
        return None
    return Path(text)


def keep_database_private(path: Path) -> None:
    """Create the database file 0600 (its folder 0700) if it is missing, and
    take other users' permissions from it and its side files."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process created it first
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in SIDE_FILES:
        tighten(Path(f"{path}{suffix}"))


# Rows each index's statistics are estimated from: milliseconds on large tables.
ANALYSIS_LIMIT = 1000


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def _close(self) -> None:
        if self.connection is not None and not self.in_atomic_block:
            # Not waiting for a writer, and never in the way of closing:
            # the statistics are refreshed at a later close instead.
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("PRAGMA busy_timeout=0")
                self.connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                self.connection.execute("PRAGMA optimize")
        super()._close()  # type: ignore[misc]

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        path = database_path(conn_params.get("database", ""))
        if path is not None:
            keep_database_private(path)
        return super().get_new_connection(conn_params)
