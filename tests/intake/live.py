"""The real server, `safepassage serve`, on a free loopback port and
pointed at the test database, for tests of what only a real server shows:
requests cut off mid-upload, floods from several connections at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

START_SECONDS = 30


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(db["NAME"])
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def staging() -> Path:
    return Path(settings.FILES_DIR) / "staging"


def staged_files() -> list[Path]:
    folder = staging()
    return sorted(folder.glob("*.part")) if folder.exists() else []


@contextmanager
def serving(database: str, **settings_env: str) -> Iterator[str]:
    """`safepassage serve` with SAFEPASSAGE_* settings given as keywords
    (INTAKE_PROOF_BITS="8"); yields its base URL, stops it afterwards."""
    port = free_port()
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update({"DJANGO_SETTINGS_MODULE": "safepassage.settings", "DATABASE_URL": database})
    env.update({f"SAFEPASSAGE_{name}": value for name, value in settings_env.items()})
    command = [sys.executable, "-m", "safepassage.cli", "serve"]
    # Its own process id file: the browser tests' server may be running too.
    pidfile = Path(settings.DATA_DIR) / f"serve-{port}.pid"
    arguments = ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--pidfile", str(pidfile)]
    process = subprocess.Popen([*command, *arguments], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("safepassage serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    """Poll a condition (a callable) until it holds or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():  # type: ignore[operator]
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
