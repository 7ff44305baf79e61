"""File streaming: encryption and decryption throughput against a plain copy
of the same file, in the same run. Target: at least half of plain-copy speed.

The plain copy reads and writes in the same 64 KiB pieces with the same
final fsync that storing an upload does; figures without fsync are printed
too (page cache only).

Every action writes a new file, as an upload does (its staging file is
created, never overwritten); the previous round's file is removed before the
clock starts. Overwriting would make each round wait for the kernel to drop
or write back the last one, whichever action it was. The three actions take
turns round by round, so a busy moment of the machine falls on all of them.
Both file formats are timed: v2 (AEGIS-256 chunks, what new files are
written in where the CPU has AES instructions) and v1 (secretstream, the
format without them). The last line times the primitives an encrypted copy
adds, in memory.

    .venv/bin/python bench/file_stream.py [--megabytes 256] [--rounds 5]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import django_only, machine

django_only()

from safepassage.vault import crypto, streams  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FORMATS = (streams.V2, streams.V1)


def plain_copy(source: Path, target: Path, sync: bool) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer, streams.CHUNK)
        if sync:
            writer.flush()
            os.fsync(writer.fileno())


def encrypt(source: Path, target: Path, key: bytes, sync: bool, fmt: streams.Format) -> None:
    with source.open("rb") as reader:
        writer = streams.StreamWriter(target.open("wb"), key, fmt)
        while piece := reader.read(streams.CHUNK):
            writer.write(piece)
        if sync:
            writer.close()
        else:
            writer._finish()  # close() without its fsync
            writer.handle.close()


def decrypt(source: Path, target: Path, key: bytes, sync: bool) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        for piece in streams.decrypt_stream(reader, key):
            writer.write(piece)
        if sync:
            writer.flush()
            os.fsync(writer.fileno())


def timed(
    actions: dict[str, Callable[[], None]],
    rounds: int,
    before: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Median seconds of each action, the actions taking turns; ``before``
    runs ahead of each action, off the clock."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            if before is not None:
                before(name)
            start = time.perf_counter()
            action()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def primitives(key: bytes, size: int, rounds: int) -> dict[str, float]:
    """MB/s of each format's encryption and of SHA-256, on data in memory."""
    data = memoryview(os.urandom(size))
    out = bytearray(streams.SEALED_CHUNK)

    def push(fmt: streams.Format) -> None:
        encryptor = fmt.encryptor(key)
        for start in range(0, size, streams.CHUNK):
            final = start + streams.CHUNK >= size
            encryptor.push_into(data[start : start + streams.CHUNK], out, final=final)

    times = timed(
        {
            "AEGIS-256 chunks (v2)": lambda: push(streams.V2),
            "secretstream (v1)": lambda: push(streams.V1),
            "SHA-256": lambda: hashlib.sha256(data).digest(),
        },
        rounds,
    )
    return {name: size / 1e6 / seconds for name, seconds in times.items()}


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
            handle.flush()
            os.fsync(handle.fileno())  # not written back in the middle of a round
        sealed = {fmt.name: work / f"sealed-{fmt.name}.bin" for fmt in FORMATS}
        for fmt in FORMATS:
            encrypt(source, sealed[fmt.name], key, True, fmt)
        load = os.getloadavg()[0]
        print(f"machine: {machine()}, load average {load:.1f} (other programs on these cores")
        print("slow the encrypted copies first: each uses two threads, the plain copy one)")
        pieces = f"{streams.CHUNK // 1024} KiB pieces"
        print(f"{args.megabytes} MiB file, {pieces}, median of {args.rounds}, new files")
        print(f"new files are written in {streams.current_format().name} on this machine")
        for sync in (True, False):
            label = "with fsync" if sync else "page cache"
            actions: dict[str, Callable[[], None]] = {
                "copy": lambda s=sync: plain_copy(source, work / "copy.bin", s)
            }
            for fmt in FORMATS:
                actions[f"encrypt-{fmt.name}"] = lambda s=sync, f=fmt: encrypt(
                    source, work / f"encrypt-{f.name}.bin", key, s, f
                )
                actions[f"decrypt-{fmt.name}"] = lambda s=sync, f=fmt: decrypt(
                    sealed[f.name], work / f"decrypt-{f.name}.bin", key, s
                )
            times = timed(
                actions,
                args.rounds,
                before=lambda name: (work / f"{name}.bin").unlink(missing_ok=True),
            )
            copy = times["copy"]
            mb = size / 1e6
            print(f"  {label}: plain copy {mb / copy:7.0f} MB/s")
            for fmt in FORMATS:
                enc, dec = times[f"encrypt-{fmt.name}"], times[f"decrypt-{fmt.name}"]
                print(
                    f"    {fmt.name}: encrypt {mb / enc:7.0f} MB/s ({copy / enc:4.2f} of copy)"
                    f" | decrypt {mb / dec:7.0f} MB/s ({copy / dec:4.2f} of copy)"
                    "   (target >= 0.5)"
                )
        for fmt in FORMATS:
            assert (work / f"decrypt-{fmt.name}.bin").read_bytes() == source.read_bytes()
    speeds = primitives(key, min(size, 64 * 1024 * 1024), args.rounds)
    print(
        "  in memory, one core: "
        + ", ".join(f"{name} {speed:5.0f} MB/s" for name, speed in speeds.items())
    )


if __name__ == "__main__":
    main()
