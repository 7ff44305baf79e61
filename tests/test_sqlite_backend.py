"""safepassage.sqlite: Django's SQLite backend, reading UUID keys faster,
must read exactly what uuid.UUID reads and refuse what it refuses."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from safepassage.sqlite.base import uuid_from_column
from safepassage.vault.keyring import using_keyring
from tests.base import Vault
from tests.specimens.models import Specimen


def _same(text: str) -> None:
    try:
        expected: uuid.UUID | type[Exception] = uuid.UUID(text)
    except (ValueError, TypeError) as exc:
        expected = type(exc)
    try:
        got: uuid.UUID | type[Exception] = uuid_from_column(text)
    except (ValueError, TypeError) as exc:
        got = type(exc)
    assert got == expected
    if isinstance(got, uuid.UUID):
        assert type(got) is uuid.UUID
        assert (got.hex, got.is_safe, str(got), hash(got)) == (
            expected.hex,  # type: ignore[union-attr]
            uuid.SafeUUID.unknown,
            str(expected),
            hash(expected),
        )


@given(st.uuids())
def test_it_reads_every_uuid_as_stored(value: uuid.UUID) -> None:
    _same(value.hex)
    _same(value.hex.upper())


@given(
    st.text(alphabet="0123456789abcdefABCDEFxg_-+ {}:٣", min_size=30, max_size=40)
    | st.text(max_size=40)
)
def test_anything_else_reads_as_uuid_reads_it(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text", ["0x" + "a" * 30, "-" + "1" * 31, "+" + "1" * 31, "1_" * 16, "٣" * 32, "g" * 32, ""]
)
def test_odd_values_read_as_uuid_reads_them(text: str) -> None:
    _same(text)


@pytest.mark.django_db
def test_rows_come_back_with_their_keys(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="x")
    (loaded,) = Specimen.objects.all()
    assert type(loaded.pk) is uuid.UUID
    assert loaded.pk == row.pk
    if connection.vendor == "sqlite":
        assert (
            connection.ops.convert_uuidfield_value.__func__.__module__ == "safepassage.sqlite.base"
        )


def test_a_closing_connection_leaves_statistics_for_the_query_planner(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """Tables queried through an index that was never analysed are analysed
    as the connection closes (PRAGMA optimize)."""
    from safepassage.sqlite.base import DatabaseWrapper

    settings = {**connection.settings_dict, "NAME": str(tmp_path / "plans.sqlite3")}
    if connection.vendor != "sqlite":
        settings = {
            **settings,
            "ENGINE": "safepassage.sqlite",
            "OPTIONS": {},
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        }
    wrapper = DatabaseWrapper(settings, alias="plans")
    with django_db_blocker.unblock():  # a database of its own, not the tests'
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE act (id INTEGER PRIMARY KEY, kind INTEGER, event INTEGER)")
            cursor.execute("CREATE INDEX act_kind ON act (kind, event)")
            cursor.executemany(
                "INSERT INTO act (kind, event) VALUES (%s, %s)", [(n % 7, n) for n in range(500)]
            )
            cursor.execute("SELECT event FROM act WHERE kind = %s", [3])
            cursor.fetchall()
        wrapper.close()
    with sqlite3.connect(tmp_path / "plans.sqlite3") as db:
        stats = db.execute("SELECT tbl, idx FROM sqlite_stat1").fetchall()
    assert ("act", "act_kind") in stats
