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

``--paths`` chooses how the encrypted pages open their values (vault.bulk),
each path's pages interleaved with the rest in the same run:

- ``compiled``: the compiled loop (vault/_bulk.c), where it was built (the
  default there);
- ``python``: the same loop in Python, through PyNaCl's public interface
  (as on a host without a C compiler; the default there);
- ``private``: the Python loop with each value opened through PyNaCl's own
  cffi binding (``nacl._sodium``) into a reused buffer, as the vault did
  before it used the public interface: the comparison that tells whether
  the private binding is worth keeping;
- ``all``: the three.

    .venv/bin/python bench/field_encryption.py --paths all [--instructions]
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
from typing import Any

from common import django_only, machine, setup

ROWS = 1000
PLAIN_PAGES = {"plain": "/bench/plain/", "plain, grouped": "/bench/plain-grouped/"}
ENCRYPTED_PAGES = {
    "encrypted, grouped": "/bench/grouped/",
    "encrypted, one per field": "/bench/sealed/",
}
PATHS = ("compiled", "python", "private")


def _pages(paths: list[str]) -> dict[str, tuple[str, str | None]]:
    """Every page to request, by name: its address and the path it opens
    values on (None for plain pages). With one path, the names are the
    pages' own."""
    pages: dict[str, tuple[str, str | None]] = {
        name: (url, None) for name, url in PLAIN_PAGES.items()
    }
    for name, url in ENCRYPTED_PAGES.items():
        for path in paths:
            pages[name if len(paths) == 1 else f"{name} [{path}]"] = (url, path)
    return pages


def _chosen_paths(choice: str) -> list[str]:
    from safepassage.vault import bulk

    if choice == "all":
        chosen = list(PATHS)
    elif choice == "auto":
        chosen = ["compiled" if bulk.compiled_loop is not None else "python"]
    else:
        chosen = choice.split(",")
    if "compiled" in chosen and bulk.compiled_loop is None:
        raise SystemExit("the compiled loop was not built here: --paths python,private")
    return chosen


class _Paths:
    """Switches the vault between the ways of opening values, in one process."""

    def __init__(self) -> None:
        from safepassage.vault import bulk, crypto

        self.bulk, self.crypto = bulk, crypto
        self.loop, self.public_decrypt = bulk.compiled_loop, crypto.decrypt

    def use(self, path: str | None) -> None:
        if path is None:
            return
        self.bulk.compiled_loop = self.loop if path == "compiled" else None
        self.crypto.decrypt = _private_decrypt if path == "private" else self.public_decrypt


def _private_decrypt(
    key: bytes, sealed: bytes, associated: bytes, offset: int = 0, cipher: object = None
) -> bytes:
    """crypto.decrypt as the vault had it through PyNaCl's own binding:
    libsodium called in place, into a reused buffer, without the public
    function's checks, then libsodium's unpadding."""
    from nacl._sodium import ffi, lib

    from safepassage.vault import crypto
    from safepassage.vault.errors import Tampered

    cipher = cipher or crypto.XCHACHA20POLY1305
    assert isinstance(cipher, crypto.Cipher)
    if not isinstance(sealed, bytes):
        sealed = bytes(sealed)
    size = len(sealed) - offset - cipher.nonce_bytes - cipher.tag_bytes
    if size < 0 or len(key) != crypto.KEY_BYTES:
        raise Tampered("ciphertext too short")
    if _SCRATCH.get("room", 0) < size:
        _SCRATCH.update(
            room=max(size, 16 * 1024),
            out=ffi.new("unsigned char[]", max(size, 16 * 1024)),
            length=ffi.new("unsigned long long *"),
            kept=ffi.new("size_t *"),
            open={
                c.name: getattr(lib, c.decrypt_symbol)
                for c in (crypto.XCHACHA20POLY1305, crypto.AEGIS256)
            },
        )
    out, length, kept = _SCRATCH["out"], _SCRATCH["length"], _SCRATCH["kept"]
    body = offset + cipher.nonce_bytes
    status = _SCRATCH["open"][cipher.name](
        out,
        length,
        ffi.NULL,
        sealed[body:],
        size + cipher.tag_bytes,
        associated,
        len(associated),
        sealed[offset:body],
        key,
    )
    if status != 0:
        raise Tampered("ciphertext failed authentication")
    if lib.sodium_unpad(kept, out, size, crypto.PAD_BLOCK) != 0:
        raise Tampered("ciphertext padding is wrong")
    return ffi.buffer(out, kept[0])[:]


_SCRATCH: dict[str, Any] = {}


def _table(content: bytes) -> bytes:
    found = re.search(rb"<table>.*</table>", content, re.S)
    assert found is not None
    return found.group(0)


def count_instructions(requests: int, paths: str) -> None:
    """Every page ``requests`` times in one process under callgrind, in
    turns, with the counts dumped at each request's start (a call of
    sched_yield marks it), so each request's instructions are counted
    apart, on the same database and keys."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        command += ["--dump-before=sched_yield"]
        command += [sys.executable, __file__, "--requests", str(requests), "--counted"]
        command += ["--paths", paths]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dictionaries each run
        done = subprocess.run(command, check=True, capture_output=True, env=environment, text=True)
        lines = done.stdout.strip().splitlines()
        cipher, order = lines[-2], json.loads(lines[-1])
        # Dump k + 1 holds what ran between the k-th sched_yield and the next:
        # the k-th request.
        counts: dict[str, list[int]] = {name: [] for name in dict.fromkeys(order)}
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
    print(f"values sealed with {cipher}")
    for name, count in per_request.items():
        overhead = "" if name == "plain" else f"  {(count / plain - 1) * 100:+6.1f} % over plain"
        spread = f"(requests {min(counts[name]) / 1e6:.1f}-{max(counts[name]) / 1e6:.1f} M)"
        print(f"  {name + ':':36} {count / 1e6:7.1f} M{overhead}  {spread}")
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
    parser.add_argument(
        "--paths",
        default="auto",
        help="how values are opened: compiled, python, private (comma-separated), all, "
        "or auto (the compiled loop where it was built, else python)",
    )
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)  # callgrind
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args.requests, args.paths)
        return
    env = setup()
    from bench.benchapp.models import GroupedCase, PlainCase, PlainGroupedCase, SealedCase
    from safepassage.vault.keyring import using_keyring

    pages = _pages(_chosen_paths(args.paths))
    paths = _Paths()
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
    for url, path in pages.values():  # warm up, and check that every page shows the same
        paths.use(path)
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"<tr>") == ROWS + 1
        tables.add(_table(response.content))
    assert len(tables) == 1, "the pages differ"
    if args.counted:  # under callgrind: each request starts with a dump
        order = []
        turns = random.Random(3)
        for _ in range(args.requests):
            names = list(pages)
            turns.shuffle(names)
            for name in names:
                url, path = pages[name]
                paths.use(path)
                os.sched_yield()
                client.get(url)
                order.append(name)
        os.sched_yield()
        print(_cipher())
        print(json.dumps(order))
        return
    timings: dict[str, list[float]] = {name: [] for name in pages}
    order = list(pages)
    shuffled = random.Random(3)  # the same orders every run
    for _ in range(args.rounds):
        # A new order each round, so that no page always follows the same
        # one (and inherits, say, its garbage to collect).
        shuffled.shuffle(order)
        for name in order:
            url, path = pages[name]
            paths.use(path)
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
            print(f"  {name + ':':36} {figure * 1000:7.1f} ms{overhead}")
        _summary(figures)


def _cipher() -> str:
    """The AEAD new values are sealed with on this machine (VAULT_CIPHER)."""
    from django.conf import settings

    if not settings.configured:
        django_only()
    from safepassage.vault import fields

    return fields.SYMMETRIC_KINDS[fields.symmetric_kind()].name


def _summary(figures: dict[str, float], indent: str = "  ") -> None:
    """The two overheads against five plain columns (target < 10 %), for
    each path measured."""
    plain = figures["plain"]
    for label, page in (
        ("five encrypted fields", "encrypted, one per field"),
        ("as cases are stored", "encrypted, grouped"),
    ):
        for name, figure in figures.items():
            if name == page or name.startswith(page + " ["):
                overhead = (figure / plain - 1) * 100
                path = name[len(page) :]
                print(f"{indent}overhead, {label}{path}: {overhead:+.1f} %  (target < 10 %)")


if __name__ == "__main__":
    main()
