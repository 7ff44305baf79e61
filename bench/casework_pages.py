"""The pages caseworkers live in, at the scale of a large programme: the
dashboard with its casework cards, the case list (filtered and sorted),
a case page (with its newest notes and its tasks), a case's notes and
tasks pages, "My tasks" and the fuzzy search by name, each requested many times by a signed-in
coordinator (who sees every case) through Django's test client: server
time, p50 and p95, and the database queries of each request (a count
that grows with the data would be an N+1).

Targets on 2 cores: dashboard, list and case page p95 under 100 ms; the
fuzzy search under 300 ms.

    .venv/bin/python bench/casework_pages.py [--cases 100000] [--notes 1000000] [--tasks 20000]
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/casework_pages.py ...

Without the second line it runs on SQLite in a fresh data folder; under
scripts/with_postgres.py, on a private PostgreSQL server. The data is
written in bulk by bench/casework_data.py.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import machine, setup

TARGET_MS = {"search": 300.0}
DEFAULT_TARGET_MS = 100.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


@dataclass
class Measured:
    page: str
    # Server time of each request, and the CPU time this process spent on
    # it (on a machine others share, the time waiting for a core is in the
    # first only; on PostgreSQL the database server's work is too).
    times: list[float]
    cpu: list[float]
    queries: list[int]

    def line(self) -> str:
        target = TARGET_MS.get(self.page.split(":")[0], DEFAULT_TARGET_MS)
        p95 = percentile(self.times, 0.95)
        queries = f"{min(self.queries)}" + (
            f"-{max(self.queries)}" if max(self.queries) != min(self.queries) else ""
        )
        verdict = "met" if p95 < target else "NOT MET"
        return (
            f"  {self.page:<40} p50 {percentile(self.times, 0.5):6.1f}  p95 {p95:6.1f}"
            f"  cpu p50 {percentile(self.cpu, 0.5):6.1f}  p95 {percentile(self.cpu, 0.95):6.1f}"
            f"  queries {queries:>5}  (p95 < {target:.0f} ms: {verdict})"
        )


def measure(client: Any, page: str, paths: list[str], requests: int) -> Measured:
    """Request the paths in turn (after one warm-up each), timing each
    request and counting its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times, cpu, queries = [], [], []
    for number in range(requests):
        path = paths[number % len(paths)]
        with CaptureQueriesContext(connection) as captured:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        assert response.status_code == 200, (path, response.status_code)
        queries.append(len(captured.captured_queries))
    return Measured(page, times, cpu, queries)


def show_queries(client: Any, paths: list[str]) -> None:
    """The SQL of one request of each path, each with its time in ms, to
    look for what repeats and what is slow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        print(f"{path}: {len(captured.captured_queries)} queries")
        for query in captured.captured_queries:
            sql, ms = query["sql"], float(query["time"]) * 1000
            print(
                f"  {ms:6.1f} {sql[:100]} ... {sql[-200:]}"
                if len(sql) > 320
                else f"  {ms:6.1f} {sql}"
            )


def create_postgres_database() -> None:
    """The database DATABASE_URL names, if it is PostgreSQL's and missing
    (scripts/with_postgres.py starts a server with none)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            db.execute(f'CREATE DATABASE "{name}"')


def typo(name: str, rng: random.Random) -> str:
    """A name as someone might type it: one letter wrong or left out."""
    letters = list(name)
    spot = rng.randrange(1, len(letters) - 1)
    if rng.random() < 0.5:
        del letters[spot]
    else:
        letters[spot] = "a" if letters[spot] != "a" else "e"
    return "".join(letters)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument(
        "--show-queries",
        metavar="PAGE",
        action="append",
        help="print the SQL of one request of PAGE (a prefix; may be given again)",
    )
    args = parser.parse_args()
    create_postgres_database()
    env = setup(keep_database=True)
    from django.db import connection
    from tests.base import make_user

    from bench.casework_data import generate
    from safepassage.accounts.models import Membership, Team
    from safepassage.accounts.roles import Role
    from safepassage.cases.models import Case
    from safepassage.sqlite.base import refresh_statistics
    from safepassage.vault.keyring import using_keyring

    teams = [Team.objects.create(name=name) for name in ("Hotline", "Evacuation", "North")]
    coordinator = env["user"]
    for team in teams:
        Membership.objects.create(user=coordinator, team=team)
    staff = [coordinator] + [
        make_user(f"worker{number}", Role.CASEWORKER, teams=(teams[number % 3],))
        for number in range(6)
    ]
    with using_keyring(env["keyring"]):
        generated = generate(
            cases=args.cases, notes=args.notes, tasks=args.tasks, staff=staff, teams=teams
        )
    # As `safepassage serve` does at its start on SQLite; PostgreSQL's
    # autovacuum would have vacuumed (its visibility map lets an index
    # answer alone) and analysed tables this size by now.
    if not refresh_statistics(connection):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"machine: {machine()}; database: {connection.vendor}")
    print(f"generated in {generated.seconds:.0f} s:")
    for what, count in generated.counts.items():
        print(f"  {count:>10,} {what}")
    rng = random.Random(5)
    client = env["client"]
    codes = generated.full_cases[:20] or list(Case.objects.values_list("code", flat=True)[:20])
    pages = {
        "dashboard": ["/"],
        "case list: active, most urgent first": ["/cases/"],
        "case list: a stage, last changed first": [
            "/cases/?stage=in_safe_house&sort=changed",
            "/cases/?stage=documents&sort=opened&page=3",
        ],
        "case list: high risk, urgent, by code": ["/cases/?risk=4&flag=urgent&sort=code"],
        "case list: overdue, nobody assigned": ["/cases/?overdue=on&assignee=nobody"],
        "case page": [f"/cases/{code}/" for code in codes],
        "a case's notes": [f"/cases/{code}/notes/" for code in codes],
        "a case's tasks": [f"/cases/{code}/tasks/" for code in codes],
        "my tasks": ["/cases/tasks/"],
        "my tasks: my teams'": ["/cases/tasks/?who=team"],
        "search: a name with a typo": [
            f"/cases/?stage=&q={typo(name, rng)}" for name in rng.sample(generated.names, 10)
        ],
    }
    if args.show_queries:
        show_queries(
            client,
            [
                paths[0]
                for page, paths in pages.items()
                if page.startswith(tuple(args.show_queries))
            ],
        )
    results = [measure(client, page, paths, args.requests) for page, paths in pages.items()]
    print(
        f"{args.requests} requests a page, in ms (server time through Django's test client, "
        "and this process's CPU time):"
    )
    for result in results:
        print(result.line())


if __name__ == "__main__":
    main()
