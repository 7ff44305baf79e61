"""The suite runs on the database it was asked to run on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_engine_is_the_one_named_by_database_url() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_the_engine_is_configured_as_in_production() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"
            # Pages read pages of rows: no parallel plans (docs/decisions.md).
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"


def test_an_administrators_own_postgresql_options_come_after_ours(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPASSAGE_", "DJANGO_", "DATABASE_"))
    }
    env["SAFEPASSAGE_DATA_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = "postgres://u:p@localhost/db?options=-c%20statement_timeout%3D5000"
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from safepassage import settings; print(settings.DATABASES['default']['OPTIONS'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "-c max_parallel_workers_per_gather=0 -c statement_timeout=5000" in shown
