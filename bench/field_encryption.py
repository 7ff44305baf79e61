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
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from common import machine, setup

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
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
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(args.rounds):
        for name, url in PAGES.items():
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    plain = medians["plain"]
    print(f"machine: {machine()}")
    print(f"list page of {ROWS} cases, 5 encrypted fields each, median of {args.rounds} requests")
    for name, median in medians.items():
        overhead = "" if name == "plain" else f"  {(median / plain - 1) * 100:+6.1f} % over plain"
        print(f"  {name + ':':26} {median * 1000:7.1f} ms{overhead}")
    grouped_overhead = (medians["encrypted, grouped"] / plain - 1) * 100
    print(f"overhead as cases are stored: {grouped_overhead:+.1f} %  (target < 10 %)")


if __name__ == "__main__":
    main()
