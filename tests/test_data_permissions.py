"""The data folder is private: a fresh one is created 0700 with every file
in it 0600 (the database and its -wal and -shm files included), and an
existing one readable by other users is made private at start-up, with a
warning. Checked through the real entry point, in a process started with
the usual umask (022)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Shows what is in the data folder while a connection is open and has
# written, so the -wal and -shm files exist.
LIST_WHILE_OPEN = """
import os, stat
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS scratch (x integer)")
    cursor.execute("INSERT INTO scratch VALUES (1)")
for name in sorted(os.listdir(settings.DATA_DIR)):
    mode = os.lstat(os.path.join(settings.DATA_DIR, name)).st_mode
    print("mode", name, oct(stat.S_IMODE(mode)))
"""


def _safepassage(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SAFEPASSAGE_") and key not in ("DATABASE_URL",)
    }
    env.update(SAFEPASSAGE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="safepassage.settings")
    # The usual umask of a shell, whatever this test process has.
    command = ["sh", "-c", 'umask 022 && exec "$0" "$@"', sys.executable, "-m", "safepassage.cli"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_it_creates_a_fresh_data_folder_and_database_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    result = _safepassage(data_dir, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700
    files = sorted(data_dir.iterdir())
    assert {path.name for path in files} >= {"safepassage.sqlite3", "secret_key", "audit_key"}
    assert {path.name: oct(_mode(path)) for path in files} == {path.name: "0o600" for path in files}

    result = _safepassage(data_dir, "manage", "shell", "-c", LIST_WHILE_OPEN)
    assert result.returncode == 0, result.stderr
    modes = dict(
        line.split()[1:] for line in result.stdout.splitlines() if line.startswith("mode ")
    )
    assert {"safepassage.sqlite3-wal", "safepassage.sqlite3-shm"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes
    # Nothing to warn about in a folder made private from the start.
    assert "readable by other users" not in result.stderr


def test_it_makes_an_existing_data_folder_private_with_a_warning(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert _safepassage(data_dir, "migrate", "--verbosity", "0").returncode == 0
    files_dir = data_dir / "files"
    files_dir.mkdir()
    database = data_dir / "safepassage.sqlite3"
    # As an earlier version, or a careless copy, left them.
    data_dir.chmod(0o755)
    files_dir.chmod(0o755)
    database.chmod(0o644)
    (data_dir / "secret_key").chmod(0o640)

    result = _safepassage(data_dir, "check")
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700
    assert _mode(files_dir) == 0o700
    assert _mode(database) == 0o600
    assert _mode(data_dir / "secret_key") == 0o600
    warnings = [line for line in result.stderr.splitlines() if "readable by other users" in line]
    assert len(warnings) == 4, result.stderr
    assert any(str(database) in line for line in warnings)


@pytest.mark.parametrize("name", ["", ":memory:", "file:memorydb?mode=memory&cache=shared"])
def test_it_leaves_in_memory_databases_alone(name: str) -> None:
    from safepassage.sqlite.base import database_path

    assert database_path(name) is None


def test_it_tightens_a_database_kept_outside_the_data_folder(tmp_path: Path) -> None:
    from safepassage.sqlite.base import keep_database_private

    elsewhere = tmp_path / "db" / "safepassage.sqlite3"
    keep_database_private(elsewhere)
    assert _mode(elsewhere) == 0o600
    assert _mode(elsewhere.parent) == 0o700
    Path(f"{elsewhere}-wal").write_bytes(b"")
    Path(f"{elsewhere}-wal").chmod(0o644)
    keep_database_private(elsewhere)
    assert _mode(Path(f"{elsewhere}-wal")) == 0o600


def test_a_data_folder_that_cannot_be_made_stops_start_up_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _safepassage(blocker / "data", "check")
    assert result.returncode == 2
    assert "SAFEPASSAGE_DATA_DIR names" in result.stderr
    assert "Traceback" not in result.stderr
