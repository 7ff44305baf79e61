"""Field encryption overhead: a list page of 1,000 cases showing five
encrypted fields (name, alias, contact, place, story), against the same page
with plain fields, in one run. Target: overhead under 10%.

Four pages, requested in turn, all through the whole stack (middleware,
session, the vault's keyring from the session cookie, template rendering)
for the same signed-in user:

- plain: five plain text columns (the peer the target is judged against);
- plain, grouped: the same values in the shape cases.Case stores them
  (name, alias, contact and place together in one JSON column; the story
  apart), without encryption;
- encrypted, grouped: that shape encrypted, one ciphertext per row and
  compartment (identity, casework), as cases.Case stores a person;
- encrypted, one per field: five ciphertexts a row, for comparison.

Every page must show the same table, byte for byte.

    .venv/bin/python bench/field_encryption.py [--rounds 40]

On a shared or virtual machine the same page can take 20 % longer from one
run to the next, more than the overhead being measured. ``--instructions``
counts instead (valgrind's callgrind, which counts the same whatever else
the machine does): one run, after the warm-up every page ``--requests``
times in turns, each request counted apart (callgrind dumps its counts
whenever sched_yield is called, which marks each request's start).

    .venv/bin/python bench/field_encryption.py --instructions [--requests 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import django_only, machine, setup

ROWS = 1000
PAGES = {
    "plain": "/bench/plain/",
    "plain, grouped": "/bench/plain-grouped/",
    "encrypted, grouped": "/bench/grouped/",
    "encrypted, one per field": "/bench/sealed/",
}


def _table(content: bytes) -> bytes:
    found = re.search(rb"<table>.*</table>", content, re.S)
    assert found is not None
    return found.group(0)


def count_instructions(requests: int) -> None:
    """Every page ``requests`` times in one process under callgrind, in
    turns, with the counts dumped at each request's start (a call of
    sched_yield marks it), so each request's instructions are counted
    apart, on the same database and keys."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        command += ["--dump-before=sched_yield"]
        command += [sys.executable, __file__, "--requests", str(requests), "--counted"]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dictionaries each run
        done = subprocess.run(command, check=True, capture_output=True, env=environment, text=True)
        order = json.loads(done.stdout.strip().splitlines()[-1])
        # Dump k + 1 holds what ran between the k-th sched_yield and the next:
        # the k-th request.
        counts: dict[str, list[int]] = {name: [] for name in PAGES}
        for number, name in enumerate(order, start=2):
            counts[name].append(_totals(Path(f"{out}.{number}")))
        if Path(f"{out}.{len(order) + 2}").exists():
            raise RuntimeError("something else called sched_yield: the dumps are not requests")
    # The median: a request that happens to run the collector's full pass
    # (a quarter more instructions) is rare, and falls on any page.
    per_request = {name: statistics.median(found) for name, found in counts.items()}
    plain = per_request["plain"]
    print(f"machine: {machine()}")
    print(f"list page of {ROWS} cases, instructions per request (callgrind, {requests} requests")
    print("of each page in one run, counted apart)")
    print(f"values sealed with {_cipher()}")
    for name, count in per_request.items():
        overhead = "" if name == "plain" else f"  {(count / plain - 1) * 100:+6.1f} % over plain"
        spread = f"(requests {min(counts[name]) / 1e6:.1f}-{max(counts[name]) / 1e6:.1f} M)"
        print(f"  {name + ':':26} {count / 1e6:7.1f} M{overhead}  {spread}")
    _summary(per_request, indent="")


def _totals(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"callgrind wrote no totals in {dump.name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--instructions", action="store_true", help="count with callgrind")
    parser.add_argument("--requests", type=int, default=10, help="with --instructions")
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)  # callgrind
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args.requests)
        return
    env = setup()
    from bench.benchapp.models import GroupedCase, PlainCase, PlainGroupedCase, SealedCase
    from safepassage.vault.keyring import using_keyring

    rows = [
        dict(
            code=f"C-{n:05d}",
            name=f"Магомед Умаров {n}",
            alias=f"M.U. {n}",
            contact=f"signal:+7928{n:07d}",
            location="Grozny, Staropromyslovsky district",
            summary="Detained at a checkpoint, held for twelve days, released after paying. " * 2,
        )
        for n in range(ROWS)
    ]

    def grouped(row: dict[str, str]) -> dict[str, object]:
        person = {key: row[key] for key in ("name", "alias", "contact", "location")}
        return {"code": row["code"], "identity": person, "summary": row["summary"]}

    PlainCase.objects.bulk_create(PlainCase(**row) for row in rows)
    PlainGroupedCase.objects.bulk_create(PlainGroupedCase(**grouped(row)) for row in rows)
    with using_keyring(env["keyring"]):
        SealedCase.objects.bulk_create(SealedCase(**row) for row in rows)
        GroupedCase.objects.bulk_create(GroupedCase(**grouped(row)) for row in rows)
    client = env["client"]
    tables = set()
    for url in PAGES.values():  # warm up, and check that every page shows the same
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"<tr>") == ROWS + 1
        tables.add(_table(response.content))
    assert len(tables) == 1, "the pages differ"
    if args.counted:  # under callgrind: each request starts with a dump
        order = []
        turns = random.Random(3)
        for _ in range(args.requests):
            names = list(PAGES)
            turns.shuffle(names)
            for name in names:
                os.sched_yield()
                client.get(PAGES[name])
                order.append(name)
        os.sched_yield()
        print(json.dumps(order))
        return
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    order = list(PAGES.items())
    shuffled = random.Random(3)  # the same orders every run
    for _ in range(args.rounds):
        # A new order each round, so that no page always follows the same
        # one (and inherits, say, its garbage to collect).
        shuffled.shuffle(order)
        for name, url in order:
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
    print(f"machine: {machine()}")
    print(f"list page of {ROWS} cases, 5 encrypted fields each, {args.rounds} requests a page")
    print(f"values sealed with {_cipher()}")
    # The fastest request of each is the one least disturbed by the rest of
    # the machine (interference only ever adds time); the median is shown too.
    for label, pick in (("fastest", min), ("median", statistics.median)):
        figures = {name: pick(samples) for name, samples in timings.items()}
        plain = figures["plain"]
        print(f" {label}:")
        for name, figure in figures.items():
            overhead = (
                "" if name == "plain" else f"  {(figure / plain - 1) * 100:+6.1f} % over plain"
            )
            print(f"  {name + ':':26} {figure * 1000:7.1f} ms{overhead}")
        _summary(figures)


def _cipher() -> str:
    """The AEAD new values are sealed with on this machine (VAULT_CIPHER)."""
    from django.conf import settings

    if not settings.configured:
        django_only()
    from safepassage.vault import fields

    return fields.SYMMETRIC_KINDS[fields.symmetric_kind()].name


def _summary(figures: dict[str, float], indent: str = "  ") -> None:
    """The two overheads against five plain columns (target < 10 %)."""
    plain = figures["plain"]
    for label, page in (
        ("five encrypted fields", "encrypted, one per field"),
        ("as cases are stored", "encrypted, grouped"),
    ):
        overhead = (figures[page] / plain - 1) * 100
        print(f"{indent}overhead, {label}: {overhead:+.1f} %  (target < 10 %)")


if __name__ == "__main__":
    main()
