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
the machine does): the whole run once with no page requested after the
warm-up and once per page with ``--requests`` requests of it; the
difference, divided by the requests, is what one request of that page
costs in instructions.

    .venv/bin/python bench/field_encryption.py --instructions [--requests 10]
"""

from __future__ import annotations

import argparse
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


def _instructions(page: str | None, requests: int) -> int:
    """Instructions callgrind counts for a whole run of this script that
    requests ``page`` ``requests`` times after the warm-up (none for None)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        command += [sys.executable, __file__, "--requests", str(requests if page else 0)]
        command += ["--only", page or "plain"]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dictionaries each run
        subprocess.run(command, check=True, capture_output=True, env=environment)
        for line in out.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


def count_instructions(requests: int) -> None:
    base = _instructions(None, requests)
    per_request = {name: (_instructions(name, requests) - base) / requests for name in PAGES}
    plain = per_request["plain"]
    print(f"machine: {machine()}")
    print(f"list page of {ROWS} cases, instructions per request (callgrind, {requests} requests)")
    print(f"values sealed with {_cipher()}")
    for name, count in per_request.items():
        overhead = "" if name == "plain" else f"  {(count / plain - 1) * 100:+6.1f} % over plain"
        print(f"  {name + ':':26} {count / 1e6:7.1f} M{overhead}")
    _summary(per_request, indent="")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--instructions", action="store_true", help="count with callgrind")
    parser.add_argument("--requests", type=int, default=10, help="with --instructions")
    parser.add_argument("--only", choices=PAGES, help=argparse.SUPPRESS)  # one callgrind run
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
    if args.only:  # counted by callgrind from outside
        for _ in range(args.requests):
            client.get(PAGES[args.only])
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
