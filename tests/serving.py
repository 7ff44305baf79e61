"""The real server for tests: `safepassage serve` on a free loopback port,
pointed at the test database, its output kept in a file to search."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.db import connection


def served_database_url() -> str:
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


@dataclass
class RunningServer:
    url: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    data_dir: Path  # its pid file, file store and spools

    def output(self) -> str:
        """Everything the server has written to stdout and stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> set[int]:
        """The worker processes under the server's master.

        A thread of the master may end between the listing of its threads
        and the reading of its children: it has none left then."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                text = (task / "children").read_text()
            except FileNotFoundError:
                continue
            children.update(int(pid) for pid in text.split())
        return children


@contextmanager
def serving(
    database_url: str,
    settings: dict[str, str],
    workers: int = 2,
    data_dir: Path | None = None,
    pidfile: Path | None = None,
) -> Iterator[RunningServer]:
    """Start `safepassage serve` with ``settings`` added to the environment;
    stop it afterwards. Waits (30 s at most) until /healthz answers.

    With ``data_dir`` the server keeps its pid file and files there (so it
    can run beside another), with the tests' secrets; else in the tests'.
    With ``pidfile`` it shares the tests' data folder with another server
    but writes its process id apart."""
    from django.conf import settings as ours

    port = free_port()
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The daily retention run writes jobs and audit entries of its own:
    # off unless a test asks for it.
    env.setdefault("SAFEPASSAGE_RETENTION_IN_SERVE", "false")
    env.update({"DJANGO_SETTINGS_MODULE": "safepassage.settings", "DATABASE_URL": database_url})
    if data_dir is not None:
        env["SAFEPASSAGE_DATA_DIR"] = str(data_dir)
        env["SAFEPASSAGE_SECRET_KEY"] = ours.SECRET_KEY
        env["SAFEPASSAGE_AUDIT_KEY"] = ours.AUDIT_KEY
    env.update(settings)
    with tempfile.TemporaryDirectory(prefix="safepassage-serve-") as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "safepassage.cli",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    *(["--pidfile", str(pidfile)] if pidfile is not None else []),
                ],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        server = RunningServer(
            url=url,
            host="127.0.0.1",
            port=port,
            process=process,
            log=log,
            data_dir=data_dir or Path(ours.DATA_DIR),
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1) as response:  # noqa: S310
                        if response.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "safepassage serve did not start:\n" + server.output()
                        ) from None
                    time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
