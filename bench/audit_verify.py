"""The auditor's page at a million audit entries: how long a page view spends
verifying the chain, incrementally from the last checkpoint (as the page
does now) against the whole chain (as it did before, and as the full check
still does), in the same run.

    .venv/bin/python bench/audit_verify.py [--entries 1000000] [--views 9]

The entries are written as record() writes them (the same canonical form,
hash and seal), in bulk, after a real signed-in auditor and a key ceremony.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from common import machine, setup

BATCH = 10_000
ACTIONS = [
    ("auth.login", "user:{u}"),
    ("analysis.pair_shown", "linkagerun:3f2a9c1e-0000-4000-8000-00000000000{r}"),
    ("intake.viewed", "submission:77aa0000-0000-4000-8000-0000000{n:05d}"),
    ("case.viewed", "case:1b2c0000-0000-4000-8000-0000000{n:05d}"),
    ("access.denied", "team:{r}"),
]


def fill(entries: int) -> float:
    """Append ``entries`` entries after the chain's head, in bulk; seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from safepassage.audit.chain import GENESIS, canonical, mac, seal_of
    from safepassage.audit.models import AuditEntry

    started = time.perf_counter()
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, prev = last if last else (0, GENESIS)
    moment = timezone.now() - timedelta(days=365)
    sql = (
        "INSERT INTO audit_auditentry (seq, at, actor, action, target, outcome, details, "
        "prev_hash, entry_hash, seal) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    done = 0
    while done < entries:
        rows = []
        for _ in range(min(BATCH, entries - done)):
            seq += 1
            done += 1
            moment += timedelta(milliseconds=30)
            action, target = ACTIONS[seq % len(ACTIONS)]
            target = target.format(u=seq % 40, r=seq % 7, n=seq % 99_999)
            details = {"number": seq, "factor": "totp"}
            entry_hash = mac(
                canonical(
                    seq=seq,
                    at=moment,
                    actor=f"user:{seq % 40 + 1}",
                    action=action,
                    target=target,
                    outcome="ok",
                    details=details,
                    prev_hash=prev,
                )
            )
            rows.append(
                (
                    seq,
                    moment.replace(tzinfo=None).isoformat(" "),
                    f"user:{seq % 40 + 1}",
                    action,
                    target,
                    "ok",
                    f'{{"number": {seq}, "factor": "totp"}}',
                    prev,
                    entry_hash,
                    seal_of(seq, entry_hash),
                )
            )
            prev = entry_hash
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--views", type=int, default=9)
    args = parser.parse_args()
    env = setup()
    from safepassage.accounts.models import RoleGrant
    from safepassage.accounts.roles import Role
    from safepassage.audit.chain import record
    from safepassage.audit.models import AuditEntry
    from safepassage.audit.verify import verify

    RoleGrant.objects.create(user=env["user"], role=Role.AUDITOR)
    client = env["client"]
    filled = fill(args.entries)
    total = AuditEntry.objects.count()

    # The whole chain, as every page view did before checkpoints (and as the
    # full check does); it leaves the first checkpoint.
    start = time.perf_counter()
    whole = verify(full=True)
    full_seconds = time.perf_counter() - start
    assert whole.ok, whole.problem

    # A page view after a few more entries: only the new ones are walked.
    quick: list[float] = []
    for n in range(args.views):
        for k in range(5):
            record(env["user"], "test.entry", number=n * 5 + k)
        start = time.perf_counter()
        result = verify()
        quick.append(time.perf_counter() - start)
        assert result.ok, result.problem
        assert result.since, result
    client.get("/audit/")  # the first request imports every app's views
    pages: list[float] = []
    for _ in range(args.views):
        start = time.perf_counter()
        response = client.get("/audit/")
        pages.append(time.perf_counter() - start)
        assert response.status_code == 200
        assert b"The chain is intact" in response.content

    def ms(figures: list[float]) -> str:
        return (
            f"median {statistics.median(figures) * 1000:7.1f} ms, "
            f"worst {max(figures) * 1000:7.1f} ms"
        )

    print(f"machine: {machine()}")
    print(f"{total:,} audit entries (bulk-written in {filled:.0f} s), SQLite")
    print(f"  page-view verify, from the checkpoint (5 new entries): {ms(quick)}")
    print(f"  page-view verify, whole chain (as before):             {full_seconds:7.1f} s")
    print(f"  whole auditor's page (check, 50 entries, names):       {ms(pages)}")
    print(f"  full check: {full_seconds / total * 1e6:.1f} µs an entry")


if __name__ == "__main__":
    main()
