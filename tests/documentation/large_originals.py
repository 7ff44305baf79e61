"""Adding a large original from the command line with its memory traced:
the path the upload page shares (read a piece at a time, hashed and
encrypted on the way), then its custody verified by decrypting it a
piece at a time. For the memory tests of 200 MB and 2 GB."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.documentation import custody
from safepassage.documentation.models import Evidence
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD
from tests.documentation.conftest import Desk, record_detention

STRETCH = 64 * 1024  # random bytes every ...
EVERY = 64 * 1024 * 1024  # ... this many bytes (or fewer in a small file)


def sparse_file(path: Path, size: int) -> str:
    """A file of ``size`` bytes, holes but for a random stretch at the start
    of every block, written in order and hashed as it is written (never
    held in memory); its SHA-256."""
    every = min(EVERY, max(size // 8, 1))
    digest = hashlib.sha256()
    zeros = memoryview(bytes(4 * 1024 * 1024))
    with path.open("wb") as handle:
        for offset in range(0, size, every):
            block = min(every, size - offset)
            stretch = os.urandom(min(STRETCH, block))
            handle.write(stretch)
            digest.update(stretch)
            left = block - len(stretch)
            handle.seek(left, os.SEEK_CUR)
            while left:
                piece = zeros[: min(left, len(zeros))]
                digest.update(piece)
                left -= len(piece)
        handle.truncate(size)
    return digest.hexdigest()


@dataclass
class Added:
    item: Evidence
    # Its SHA-256 as stored (sealed: read with the documenter's keys).
    sha256: str
    output: str
    # The most memory Python held while adding, and while checking.
    peak_adding: int
    peak_checking: int


def add_and_check(
    desk: Desk,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    between: Callable[[], None] = lambda: None,
) -> Added:
    """``path`` added to a new event by `safepassage evidence add`, then
    its custody verified, memory traced through both (``between`` runs
    after adding, untraced: removing the input, say)."""
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    tracemalloc.start()
    try:
        call_command(
            "evidence",
            "add",
            str(path),
            "--to",
            event.code,
            "--as",
            desk.documenter.username,
            stdout=out,
        )
        _size, peak_adding = tracemalloc.get_traced_memory()
        between()
        tracemalloc.reset_peak()
        item = Evidence.objects.get()
        with using_keyring(desk.vault.keyring):
            assert custody.verify_item(item) is None
            sha256 = item.sha256
        _size, peak_checking = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Added(item, sha256, out.getvalue(), peak_adding, peak_checking)
