"""A large original (200 MB here; the benchmark goes further) is hashed,
encrypted and stored with memory flat: the file is read a piece at a
time by `safepassage evidence add`, and its custody verified by
decrypting it a piece at a time."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.documentation import custody
from safepassage.documentation.models import Evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD
from tests.documentation.conftest import Desk, record_detention

SIZE = 200 * 1024 * 1024
LIMIT = 100 * 1024 * 1024


def _large_file(path: Path) -> str:
    """A sparse file of SIZE bytes with random stretches along it; its SHA-256."""
    marks = {offset: os.urandom(4096) for offset in range(0, SIZE - 4096, SIZE // 7)}
    with path.open("wb") as handle:
        handle.truncate(SIZE)
        for offset, data in marks.items():
            handle.seek(offset)
            handle.write(data)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(4 * 1024 * 1024):
            digest.update(piece)
    return digest.hexdigest()


@pytest.mark.django_db
def test_a_200_mb_original_is_kept_with_memory_under_100_mb(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    path = tmp_path / "video.mp4"
    expected = _large_file(path)
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
        tracemalloc.reset_peak()
        item = Evidence.objects.get()
        with using_keyring(desk.vault.keyring):
            assert custody.verify_item(item) is None
            assert item.sha256 == expected
        _size, peak_checking = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert item.size == SIZE
    assert out.getvalue().startswith(item.code)
    assert files.store_path(item.file.digest).stat().st_size > SIZE  # the ciphertext
    assert peak_adding < LIMIT, f"adding peaked at {peak_adding / 2**20:.0f} MiB"
    assert peak_checking < LIMIT, f"checking peaked at {peak_checking / 2**20:.0f} MiB"
    assert list(files.staging_dir().glob("*.part")) == []


@pytest.mark.django_db
def test_a_stream_past_its_limit_leaves_no_staging_file(tmp_path: Path) -> None:
    with pytest.raises(files.TooLarge):
        files.stage_stream(
            io.BytesIO(b"x" * 300_000), name="x", content_type="text/plain", limit=200_000
        )
    assert list(files.staging_dir().glob("*.part")) == []
