"""The issue's figure: a 2 GB original kept with memory under 100 MB, by
`safepassage evidence add` (the same action as the upload page: read a
piece at a time, hashed and encrypted on the way), its custody then
verified by decrypting it a piece at a time.

The input is a sparse file with random stretches along it, written and
hashed a piece at a time (never held in memory); the test's own file
store is removed afterwards, ciphertext and all. It reads and writes
about 6 GB, so it runs once, in the SQLite pass (marked ``large``: the
PostgreSQL pass leaves it out, as it does Spark's tests); the smaller
test beside it (test_evidence_memory.py) runs on both databases."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.documentation import custody
from safepassage.documentation.models import Evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD
from tests.documentation.conftest import Desk, record_detention

SIZE = 2 * 1024 * 1024 * 1024
LIMIT = 100 * 1024 * 1024
STRETCH = 64 * 1024  # random bytes every ...
EVERY = 64 * 1024 * 1024  # ... this many bytes


def sparse_file(path: Path, size: int) -> str:
    """A file of ``size`` bytes, holes but for a random stretch every EVERY
    bytes, written in order and hashed as it is written; its SHA-256."""
    digest = hashlib.sha256()
    zeros = memoryview(bytes(4 * 1024 * 1024))
    with path.open("wb") as handle:
        for offset in range(0, size, EVERY):
            block = min(EVERY, size - offset)
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


@pytest.fixture
def own_store(settings: Any) -> Iterator[Path]:
    """A file store of the test's own, removed whole afterwards (pytest
    keeps its temporary folders: gigabytes must not stay in them)."""
    folder = Path(tempfile.mkdtemp(prefix="safepassage-2gb-"))
    settings.FILES_DIR = folder / "files"
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.large
@pytest.mark.django_db
def test_a_2_gb_original_is_kept_with_memory_under_100_mb(
    desk: Desk, own_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    path = own_store / "interrogation.mp4"
    expected = sparse_file(path, SIZE)
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
        path.unlink()
        tracemalloc.reset_peak()
        item = Evidence.objects.get()
        with using_keyring(desk.vault.keyring):
            assert custody.verify_item(item) is None
            assert item.sha256 == expected
        _size, peak_checking = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert item.size == SIZE
    assert out.getvalue().split() == [item.code, expected]
    stored = files.store_path(item.file.digest)
    assert stored.is_relative_to(own_store)
    assert stored.stat().st_size > SIZE  # the ciphertext
    assert peak_adding < LIMIT, f"adding peaked at {peak_adding / 2**20:.0f} MiB"
    assert peak_checking < LIMIT, f"checking peaked at {peak_checking / 2**20:.0f} MiB"
    assert list(files.staging_dir().iterdir()) == []
