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

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safepassage.vault import files
from tests.documentation.conftest import Desk
from tests.documentation.large_originals import add_and_check, sparse_file

SIZE = 2 * 1024 * 1024 * 1024
LIMIT = 100 * 1024 * 1024


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
    path = own_store / "interrogation.mp4"
    expected = sparse_file(path, SIZE)
    added = add_and_check(desk, path, monkeypatch, between=path.unlink)
    item = added.item
    assert added.sha256 == expected
    assert item.size == SIZE
    assert added.output.split() == [item.code, expected]
    stored = files.store_path(item.file.digest)
    assert stored.is_relative_to(own_store)
    assert stored.stat().st_size > SIZE  # the ciphertext
    assert added.peak_adding < LIMIT, f"adding peaked at {added.peak_adding / 2**20:.0f} MiB"
    assert added.peak_checking < LIMIT, f"checking at {added.peak_checking / 2**20:.0f} MiB"
    assert list(files.staging_dir().iterdir()) == []
