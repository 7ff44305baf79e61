"""File streaming: encryption and decryption throughput against a plain copy
of the same file, in the same run. Target: at least half of plain-copy speed.

The plain copy reads and writes in the same 64 KiB pieces with the same
final fsync that storing an upload does; figures without fsync are printed
too (page cache only).

    .venv/bin/python bench/file_stream.py [--megabytes 256]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import django_only, machine

django_only()

from safepassage.vault import crypto, files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def plain_copy(source: Path, target: Path, sync: bool) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer, files.CHUNK)
        if sync:
            writer.flush()
            os.fsync(writer.fileno())


def encrypt(source: Path, target: Path, key: bytes, sync: bool) -> None:
    with source.open("rb") as reader:
        writer = files.StreamWriter(target.open("wb"), key)
        while piece := reader.read(files.CHUNK):
            writer.write(piece)
        if sync:
            writer.close()
        else:
            writer._write(writer.encryptor.push(bytes(writer.buffer), final=True))
            writer._stop()
            writer.handle.close()


def decrypt(source: Path, target: Path, key: bytes, sync: bool) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        for piece in files.decrypt_stream(reader, key):
            writer.write(piece)
        if sync:
            writer.flush()
            os.fsync(writer.fileno())


def timed(action, rounds: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    size = args.megabytes * 1024 * 1024
    key = crypto.random_key()
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:
        work = Path(folder)
        source = work / "plain.bin"
        with source.open("wb") as handle:
            for _ in range(args.megabytes):
                handle.write(os.urandom(1024 * 1024))
        sealed = work / "sealed.bin"
        encrypt(source, sealed, key, sync=True)
        print(f"machine: {machine()}")
        print(
            f"{args.megabytes} MiB file, {files.CHUNK // 1024} KiB pieces, median of {args.rounds}"
        )
        for sync in (True, False):
            label = "with fsync" if sync else "page cache"
            copy = timed(lambda s=sync: plain_copy(source, work / "copy.bin", s), args.rounds)
            enc = timed(lambda s=sync: encrypt(source, work / "enc.bin", key, s), args.rounds)
            dec = timed(lambda s=sync: decrypt(sealed, work / "dec.bin", key, s), args.rounds)
            mb = size / 1e6
            print(
                f"  {label}: plain copy {mb / copy:7.0f} MB/s | encrypt {mb / enc:7.0f} MB/s"
                f" ({copy / enc:4.2f} of copy) | decrypt {mb / dec:7.0f} MB/s"
                f" ({copy / dec:4.2f} of copy)   (target >= 0.5)"
            )
        assert (work / "dec.bin").read_bytes() == source.read_bytes()


if __name__ == "__main__":
    main()
