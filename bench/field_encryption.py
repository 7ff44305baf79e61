"""Field encryption overhead: a list page of 1,000 cases with five
encrypted fields, against the same page with plain fields, in one run.

Both pages go through the whole stack (middleware, session, the vault's
keyring from the session cookie, template rendering) for the same
signed-in user. Target: overhead under 10%.

    .venv/bin/python bench/field_encryption.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import machine, setup

ROWS = 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    env = setup()
    from bench.benchapp.models import PlainCase, SealedCase
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
    PlainCase.objects.bulk_create(PlainCase(**row) for row in rows)
    with using_keyring(env["keyring"]):
        SealedCase.objects.bulk_create(SealedCase(**row) for row in rows)
    client = env["client"]
    timings: dict[str, list[float]] = {"plain": [], "sealed": []}
    for url in ("/bench/plain/", "/bench/sealed/"):  # warm up
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"<tr>") == ROWS + 1
    for _ in range(args.rounds):
        for kind in ("plain", "sealed"):
            start = time.perf_counter()
            response = client.get(f"/bench/{kind}/")
            timings[kind].append(time.perf_counter() - start)
    plain = statistics.median(timings["plain"])
    sealed = statistics.median(timings["sealed"])
    print(f"machine: {machine()}")
    print(f"list page of {ROWS} cases, 5 text fields each, median of {args.rounds} requests")
    print(f"  plain fields:     {plain * 1000:7.1f} ms")
    print(f"  encrypted fields: {sealed * 1000:7.1f} ms")
    print(f"  overhead:         {(sealed / plain - 1) * 100:6.1f} %  (target < 10 %)")


if __name__ == "__main__":
    main()
