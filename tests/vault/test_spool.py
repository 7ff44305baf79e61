"""Sealed spools: what the server's front holds of a request or a response
is in memory, or on disk only encrypted, in a file with no name."""

from __future__ import annotations

import os
from pathlib import Path

from safepassage.vault.spool import SealedSpool
from safepassage.vault.streams import CHUNK

SENTINEL = b"AMINAT-KHADIZHAT-ADDRESS-GROZNY-"


def _on_disk(spool: SealedSpool) -> bytes:
    """The bytes of the spool's file as the disk has them."""
    assert spool._file is not None
    with open(f"/proc/self/fd/{spool._file.fileno()}", "rb") as handle:
        return handle.read()


def test_it_keeps_a_small_spool_in_memory(tmp_path: Path) -> None:
    spool = SealedSpool(tmp_path, memory=1024)
    spool.write(b"name=Rustam&")
    spool.write(b"help=leave")
    assert not spool.spilled
    assert spool.size == 22
    with spool.reader() as body:
        assert body.read() == b"name=Rustam&help=leave"
    assert list(tmp_path.iterdir()) == []


def test_it_encrypts_what_goes_past_memory_in_a_file_with_no_name(tmp_path: Path) -> None:
    plain = SENTINEL * (3 * 1024 * 1024 // len(SENTINEL))
    spool = SealedSpool(tmp_path / "spool", memory=64 * 1024)
    for start in range(0, len(plain), 10_000):
        spool.write(plain[start : start + 10_000])
    assert spool.spilled
    assert spool.size == len(plain)
    assert list((tmp_path / "spool").iterdir()) == []  # no name in the folder
    spool._finish()
    stored = _on_disk(spool)
    assert len(stored) > len(plain)
    assert SENTINEL not in stored
    assert (tmp_path / "spool").stat().st_mode & 0o777 == 0o700
    body = spool.reader()
    assert body.readline(100) == plain[:100]
    assert body.read() == plain[100:]
    file = spool._file
    body.close()
    assert file is not None
    assert file.closed
    assert spool._file is None
    assert spool._key == b""


def test_it_reads_back_in_pieces(tmp_path: Path) -> None:
    plain = os.urandom(CHUNK * 3 + 17)
    spool = SealedSpool(tmp_path, memory=CHUNK)
    spool.write(plain)
    pieces = list(spool.chunks())
    assert b"".join(pieces) == plain
    assert all(len(piece) <= CHUNK for piece in pieces)
    spool.close()


def test_a_spool_closed_before_it_was_read_leaves_nothing(tmp_path: Path) -> None:
    spool = SealedSpool(tmp_path, memory=1024)
    spool.write(os.urandom(4 * 1024 * 1024))
    file = spool._file
    spool.close()
    assert file is not None
    assert file.closed
    assert list(tmp_path.iterdir()) == []
