#!/usr/bin/env python3
"""Run a command against a throw-away PostgreSQL server.

If DATABASE_URL is set, the command runs against that database as it is.
Otherwise this starts a private server (initdb into a temporary folder,
pg_ctl, a Unix socket only, no TCP port), sets DATABASE_URL for the
command, and stops and deletes the server afterwards, whatever happens.

    python scripts/with_postgres.py pytest -q
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def find_bindir() -> Path:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if out:
            candidates.append(Path(out))
    # Debian keeps the server programs off PATH, one folder per major version.
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)  # type: ignore[arg-type]
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    sys.exit(
        "with_postgres: no PostgreSQL server programs (initdb, pg_ctl) found; "
        "run scripts/system-deps.sh or set DATABASE_URL."
    )


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(argv)

    bindir = find_bindir()
    top = Path(tempfile.mkdtemp(prefix="sp-pg-"))
    data, sockets, log = top / "data", top / "sock", top / "server.log"
    sockets.mkdir()
    # PostgreSQL refuses to run as root: hand the folder to the postgres user.
    run_as: str | None = None
    if os.geteuid() == 0:
        run_as = "postgres"
        entry = pwd.getpwnam(run_as)
        for path in (top, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(top, 0o755)

    def pg(*args: str) -> None:
        subprocess.run(list(args), check=True, user=run_as, stdout=subprocess.DEVNULL)

    started = False
    try:
        pg(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -k {sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        started = True
        env = dict(os.environ)
        env["DATABASE_URL"] = f"postgres://postgres@{quote(str(sockets), safe='')}/safepassage"
        print(f"with_postgres: PostgreSQL from {bindir} on a private socket", flush=True)
        return subprocess.call(argv, env=env)
    except subprocess.CalledProcessError as error:
        if log.exists():
            sys.stderr.write(log.read_text(errors="replace"))
        sys.stderr.write(f"with_postgres: {error}\n")
        return 1
    finally:
        if started:
            subprocess.run(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                user=run_as,
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
