"""Intake under load: a real server (gunicorn on loopback), wrk posting the
public form with 10 KB of text for a minute, sealed, then the same form with
encryption switched off, in the same run. Afterwards every accepted request
is counted in the database and opened with the intake keys.

"Encryption switched off" (/bench/plain-request/) is the same view with the
same steps (form, checks, proof of work, receipt and its lookup hash, the
count in its lane before anything else, a row with the same columns and
indexes, the receipt page), without the receipt key (Argon2id), the
sealing to the intake key and the person's copy. A third minute
(/bench/plain-row/) stores the checked answers as one JSON row and nothing
else: a lower bound, printed for comparison.

Targets on 2 cores: at least 300 sealed requests per second, p99 under
150 ms, sealed/plain ratio at least 0.8, none lost.

Besides the rates, it prints the CPU time the server (gunicorn's master and
workers) and wrk spent per request, read from /proc: on a machine that other
work shares, these move much less than the rates do.

Needs wrk (Debian: apt-get install wrk).

    .venv/bin/python bench/intake_load.py [--seconds 60] [--workers 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, django_only, machine

STORY = (
    "They came to my flat at night, took my phone and asked for the names of my friends. "
    "I hid with relatives but my uncle found out and threatened to tell my father. "
) * 60  # about 10 KB


def form_body() -> str:
    return urllib.parse.urlencode(
        {
            "lang": "en",
            "name": "Rustam",
            "happened": STORY[:10_000],
            "help": "We need to leave the region with my sister.",
            "situation": "hiding",
            "contact_method": "signal",
            "contact_handle": "+7 928 000 11 22",
            "area": "chechnya",
            "household": "1",
        }
    )


def cpu_seconds(root: int) -> float:
    """User and system time of a process and its children, so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == root or int(fields[1]) == root:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wrk(url: str, seconds: int, connections: int, script: Path, server: int) -> dict[str, float]:
    server_before = cpu_seconds(server)
    own_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds(server) - server_before
    wrk_cpu = sum(getattr(own_after, f) - getattr(own_before, f) for f in ("ru_utime", "ru_stime"))

    def unit(value: str, suffix: str) -> float:
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[suffix]
        return float(value) * scale

    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not (p50 and p99 and total):
        raise SystemExit(f"could not read wrk's output:\n{out}")
    requests = int(total.group(1))
    failed = int(bad.group(1)) if bad else 0
    return {
        "requests": requests,
        "accepted": requests - failed,
        "failed": failed,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "per_second": (requests - failed) / seconds,
        "p50": unit(*p50.groups()),
        "p99": unit(*p99.groups()),
        "server_ms": 1000 * server_cpu / max(1, requests),
        "wrk_ms": 1000 * wrk_cpu / max(1, requests),
    }


PHASES = {
    "sealed": "/request/",
    "plain": "/bench/plain-request/",
    "row": "/bench/plain-row/",
}


def serve(data: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SAFEPASSAGE_DATA_DIR": data,
            "SAFEPASSAGE_INTAKE_MAX_PER_MINUTE": "100000",
            "SAFEPASSAGE_INTAKE_FLOOD_PER_MINUTE": "100000",
            "SAFEPASSAGE_LOG_LEVEL": "WARNING",
        }
    )
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "safepassage.cli", "serve"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    data = django_only()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.benchapp.models import PlainRequest, PlainSubmission
    from safepassage.intake.models import Submission
    from safepassage.vault import keys
    from safepassage.vault.keyring import using_keyring

    database = Path(settings.DATABASES["default"]["NAME"])
    port = 18000 + os.getpid() % 1000
    results: dict[str, dict[str, float]] = {}
    stored: dict[str, int] = {}
    opened = 0
    try:
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "post.lua"
            body = form_body().replace("\\", "\\\\").replace('"', '\\"')
            script.write_text(
                'wrk.method = "POST"\n'
                f'wrk.body = "{body}"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            )
            # Each phase starts from an empty database, so none is slowed by
            # the gigabyte or so the one before it wrote.
            for name, path in PHASES.items():
                connection.close()
                for suffix in ("", "-wal", "-shm"):
                    database.with_name(database.name + suffix).unlink(missing_ok=True)
                call_command("migrate", run_syncdb=True, verbosity=0)
                _shares, keyring = keys.hold_ceremony(custodians=3, threshold=2)
                server = serve(data, port, args.workers)
                try:
                    url = f"http://127.0.0.1:{port}{path}"
                    results[name] = wrk(url, args.seconds, args.connections, script, server.pid)
                finally:
                    server.terminate()
                    server.wait(timeout=30)
                if name == "sealed":
                    stored[name] = Submission.objects.count()
                    with using_keyring(keyring):
                        for submission in Submission.objects.all().iterator(chunk_size=500):
                            if submission.payload.happened == STORY[:10_000].strip():
                                opened += 1
                elif name == "plain":
                    stored[name] = PlainSubmission.objects.count()
                else:
                    stored[name] = PlainRequest.objects.count()
    finally:
        connection.close()
        shutil.rmtree(data, ignore_errors=True)  # a minute of requests: about a gigabyte
    sealed, plain, row = results["sealed"], results["plain"], results["row"]
    print(
        f"machine: {machine()}; gunicorn {args.workers} workers, SQLite, wrk -c{args.connections}"
        f", {args.seconds} s each, each on an empty database"
    )
    print(
        f"sealed: {sealed['per_second']:6.0f} req/s, p50 {sealed['p50']:.1f} ms, "
        f"p99 {sealed['p99']:.1f} ms, accepted {sealed['accepted']}, refused {sealed['failed']}, "
        f"socket errors {sealed['socket_errors']}"
    )
    print(
        f"plain:  {plain['per_second']:6.0f} req/s, p50 {plain['p50']:.1f} ms, "
        f"p99 {plain['p99']:.1f} ms, accepted {plain['accepted']} "
        "(the same form and steps, encryption switched off)"
    )
    print(
        f"row:    {row['per_second']:6.0f} req/s, p50 {row['p50']:.1f} ms, "
        f"p99 {row['p99']:.1f} ms, accepted {row['accepted']} "
        "(lower bound: the form checked, its answers stored as one JSON row)"
    )
    print(
        f"ratio sealed/plain: {sealed['per_second'] / plain['per_second']:.2f} (target >= 0.8); "
        f"sealed/row: {sealed['per_second'] / row['per_second']:.2f}"
    )
    print(
        "CPU per request, server: "
        + ", ".join(f"{name} {results[name]['server_ms']:.2f} ms" for name in PHASES)
        + "; wrk: "
        + ", ".join(f"{results[name]['wrk_ms']:.2f}" for name in PHASES)
        + f" ms; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"accepted {sealed['accepted']}, stored {stored['sealed']}, opened with the intake keys "
        f"{opened}, lost {max(0, sealed['accepted'] - opened)}; plain stored {stored['plain']}, "
        f"row stored {stored['row']}"
    )


if __name__ == "__main__":
    main()
