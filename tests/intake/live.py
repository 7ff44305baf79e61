"""The real server, `safepassage serve`, on a free loopback port and
pointed at the test database, for tests of what only a real server shows:
requests cut off mid-upload, floods from several connections at once."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.serving import served_database_url as database_url
from tests.serving import serving as served

__all__ = ["database_url", "serving", "staged_files", "staging", "wait_for"]


def staging() -> Path:
    return Path(settings.FILES_DIR) / "staging"


def staged_files() -> list[Path]:
    folder = staging()
    return sorted(folder.glob("*.part")) if folder.exists() else []


@contextmanager
def serving(database: str, **settings_env: str) -> Iterator[str]:
    """`safepassage serve` with SAFEPASSAGE_* settings given as keywords
    (INTAKE_PROOF_BITS="8"); yields its base URL, stops it afterwards. It
    shares the tests' data folder (staging is looked at from here), with a
    process id file of its own: the browser tests' server may be running."""
    environment = {f"SAFEPASSAGE_{name}": value for name, value in settings_env.items()}
    pidfile = Path(settings.DATA_DIR) / f"serve-intake-{os.getpid()}.pid"
    with served(database, environment, pidfile=pidfile) as server:
        yield server.url


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    """Poll a condition (a callable) until it holds or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():  # type: ignore[operator]
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
