"""Evidence (issue 15): (a) an original's upload, hashed and encrypted as it
streams in, against `sha256sum` of the same file in the same run (target:
at least half its speed, memory under 100 MB; `openssl dgst -sha256`,
which uses the CPU's SHA instructions where coreutils may not, and
Python's hashlib are timed beside it); (b) a dossier of many
originals exported and checked by `safepassage verify`, against
`sha256sum` of the same dossier (reading and hashing every byte once).

(a) runs what `safepassage evidence add` runs (the upload page's action
after the browser's bytes are in): the file read 1 MiB at a time, its
SHA-256 computed and each piece encrypted on the way, the ciphertext
fsynced into the store, the item's capture record, first custody entry
and signed head. The file is random bytes on disk, in the page cache for
every tool (written just before). Actions take turns round by round.
Memory: the peak of Python's allocations (tracemalloc, as the tests
measure it) in a round of its own, and the process's resident set above
what it held before (its high-water mark reset first, from
/proc/self/clear_refs, so it counts the round alone).

(b) stores ``--items`` originals of random bytes totalling ``--total`` MB
through the same action, then times what `safepassage dossier export
--all --originals` does (the export recorded in every item's custody log,
then the zip written a piece at a time) and `safepassage verify` (the
real command, a process of its own).

    .venv/bin/python bench/evidence.py [--megabytes 1024] [--rounds 3]
        [--items 1000] [--total 5000] [--only upload|dossier]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine, setup

CONTEXT = setup("documenter")

from safepassage.documentation import dossier_files, dossiers, evidence  # noqa: E402
from safepassage.documentation.models import Evidence  # noqa: E402
from safepassage.vault import files, streams  # noqa: E402
from safepassage.vault.keyring import using_keyring  # noqa: E402

USER = CONTEXT["user"]
KEYRING = CONTEXT["keyring"]
LIMIT = 64 * 1024 * 1024 * 1024  # as `evidence add`
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"  # read as a video


def _status(field: str) -> int:
    """A memory figure of this process from /proc, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _reset_high_water() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def upload(path: Path) -> Evidence:
    """What `safepassage evidence add` does with ``path``."""
    with using_keyring(KEYRING), path.open("rb") as handle:
        staged = files.stage_stream(handle, name=path.name, content_type="video/mp4", limit=LIMIT)
        return evidence.add_evidence(USER, staged, why="benchmark")


def forget(item: Evidence) -> None:
    """The stored ciphertext removed (disk space), off the clock."""
    files.store_path(item.file.digest).unlink()


def sha256sum(path: Path) -> str:
    done = subprocess.run(
        ["sha256sum", str(path)], check=True, capture_output=True, text=True, timeout=3600
    )
    return done.stdout.split()[0]


def openssl_sha256(path: Path) -> str:
    done = subprocess.run(
        ["openssl", "dgst", "-sha256", "-r", str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return done.stdout.split()[0]


def python_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def random_file(path: Path, megabytes: int) -> None:
    with path.open("wb") as handle:
        handle.write(MP4_HEAD)
        for _ in range(megabytes):
            handle.write(os.urandom(1024 * 1024))
        handle.truncate(megabytes * 1024 * 1024)
        handle.flush()
        os.fsync(handle.fileno())


def measure_upload(work: Path, megabytes: int, rounds: int) -> None:
    path = work / "original.mp4"
    random_file(path, megabytes)
    size = path.stat().st_size
    expected = sha256sum(path)  # and into the page cache
    samples: dict[str, list[float]] = {
        "sha256sum": [],
        "upload": [],
        "openssl dgst": [],
        "hashlib alone": [],
    }
    actions: dict[str, Callable[[], str]] = {
        "sha256sum": lambda: sha256sum(path),
        "openssl dgst": lambda: openssl_sha256(path),
        "hashlib alone": lambda: python_sha256(path),
    }
    for _ in range(rounds):
        for name in samples:
            if name == "upload":
                start = time.perf_counter()
                item = upload(path)
                samples[name].append(time.perf_counter() - start)
                assert item.sha256 == expected
                forget(item)
            else:
                start = time.perf_counter()
                assert actions[name]() == expected
                samples[name].append(time.perf_counter() - start)
    # Memory, in a round of its own.
    before = _status("VmRSS")
    _reset_high_water()
    tracemalloc.start()
    item = upload(path)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    high = _status("VmHWM")
    forget(item)
    path.unlink()
    mb = size / 1e6
    speeds = {name: mb / statistics.median(times) for name, times in samples.items()}
    print(f"(a) upload of a {megabytes:,} MiB file, median of {rounds} rounds, page cache:")
    print(f"  sha256sum          {speeds['sha256sum']:7.0f} MB/s")
    print(f"  openssl dgst       {speeds['openssl dgst']:7.0f} MB/s (OpenSSL's SHA-256)")
    print(f"  hashlib alone      {speeds['hashlib alone']:7.0f} MB/s (Python's SHA-256, same file)")
    ratio = speeds["upload"] / speeds["sha256sum"]
    print(
        f"  upload             {speeds['upload']:7.0f} MB/s ({ratio:4.2f} of sha256sum; target"
        " >= 0.5): hashed, encrypted, fsynced, recorded"
    )
    print(f"    ({speeds['upload'] / speeds['openssl dgst']:4.2f} of openssl dgst)")
    times = ", ".join(f"{t:.1f}" for t in samples["upload"])
    print(f"    upload rounds: {times} s")
    print(
        f"  upload memory: Python's allocations peaked at {peak / 2**20:.1f} MiB; resident set"
        f" {before / 2**20:.0f} MiB before, peak {high / 2**20:.0f} MiB"
        f" (+{(high - before) / 2**20:.0f} MiB; target < 100 MB)"
    )


def _child(command: list[str]) -> tuple[float, int, str]:
    """Seconds, peak resident set (bytes) and output of a command. The peak
    is read from /proc while it runs (its high-water mark only grows): the
    resource usage wait4 gives would count this process's own resident set,
    which the child had until it ran its program."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        status = Path(f"/proc/{process.pid}/status")
        high = 0
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        high = max(high, int(line.split()[1]) * 1024)
            except (OSError, ValueError):
                pass
            time.sleep(0.02)  # a sampling period, not synchronisation
        seconds = time.perf_counter() - start
        output.seek(0)
        text = output.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text}")
    return seconds, high, text


def measure_dossier(work: Path, items: int, total: int) -> None:
    each = total * 1_000_000 // items
    start = time.perf_counter()
    for number in range(items):
        data = MP4_HEAD + os.urandom(each - len(MP4_HEAD))
        with using_keyring(KEYRING):
            staged = files.stage_stream(
                io.BytesIO(data), name=f"video-{number:04}.mp4", content_type="video/mp4",
                limit=LIMIT,
            )  # fmt: skip
            evidence.add_evidence(USER, staged, why="benchmark")
    stored = time.perf_counter() - start
    mb = items * each / 1e6
    print(f"(b) dossier of {items:,} originals of {each / 1e6:.1f} MB ({mb:,.0f} MB in all):")
    rate = mb / stored
    print(f"  storing them (one at a time, as evidence add): {stored:.1f} s ({rate:.0f} MB/s)")
    archive = work / "dossier.zip"
    before = _status("VmRSS")
    _reset_high_water()
    start = time.perf_counter()
    with using_keyring(KEYRING):
        chosen = dossiers.select_all(USER)
        dossier = dossiers.hand_over(
            USER, chosen, mode=dossiers.ORIGINALS, why="benchmark", language="en"
        )
        recorded = time.perf_counter() - start
        layout = dossier_files.lay_out(dossier, KEYRING, by=USER)
        with archive.open("xb") as handle:
            for piece in dossier_files.stream(layout, dossier.made):
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
    exported = time.perf_counter() - start
    high = _status("VmHWM")
    zipped = archive.stat().st_size
    print(
        f"  export: {exported:.1f} s ({zipped / 1e6 / exported:.0f} MB/s of zip; the export"
        f" in {items:,} custody logs {recorded:.1f} s of it); zip {zipped / 1e6:,.0f} MB"
    )
    print(
        f"    resident set {before / 2**20:.0f} MiB before, peak {high / 2**20:.0f} MiB"
        f" (+{(high - before) / 2**20:.0f} MiB)"
    )
    verify = str(Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "safepassage")
    peer, peer_rss, _ = _child(["sha256sum", str(archive)])
    seconds, rss, output = _child([verify, "verify", str(archive)])
    print(
        f"  safepassage verify: {seconds:.1f} s ({zipped / 1e6 / seconds:.0f} MB/s),"
        f" peak resident set {rss / 2**20:.0f} MiB: {output.strip().splitlines()[0]}"
    )
    print(
        f"  sha256sum of the zip (every byte read and hashed once): {peer:.1f} s"
        f" ({zipped / 1e6 / peer:.0f} MB/s, {peer_rss / 2**20:.0f} MiB)"
    )
    archive.unlink()
    for item in Evidence.objects.all():
        forget(item)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=1024, help="(a) the file's size, MiB")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=1000, help="(b) originals in the dossier")
    parser.add_argument("--total", type=int, default=5000, help="(b) their total size, MB")
    parser.add_argument("--only", choices=("upload", "dossier"))
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {machine()}; load average {load}")
    print(f"database: SQLite; files written in {streams.current_format().name}")
    work = Path(tempfile.mkdtemp(prefix="evidence-", dir=ROOT))
    try:
        # The dossier first: it takes every item stored (--all), and the
        # upload's items lose their files once timed.
        if args.only != "upload":
            measure_dossier(work, args.items, args.total)
        if args.only != "dossier":
            measure_upload(work, args.megabytes, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(CONTEXT["data"], ignore_errors=True)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average at the end {load}")


if __name__ == "__main__":
    main()
