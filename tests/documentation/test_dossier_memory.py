"""A dossier with a large original (120 MB here) is written and checked
with memory flat: the file is decrypted into the zip a piece at a time,
and ``safepassage verify`` hashes it a piece at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from safepassage.documentation import evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.documentation.conftest import Desk, allow_originals, record_detention
from tests.documentation.dossier_helpers import export, failure

SIZE = 120 * 1024 * 1024
LIMIT = 24 * 1024 * 1024


@pytest.mark.django_db
def test_a_dossier_of_a_large_original_is_written_and_checked_with_memory_flat(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "video.mp4"
    with path.open("wb") as handle:
        handle.truncate(SIZE)
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        event = recorded.event
        allow_originals(desk.documenter, recorded.victim)
        with path.open("rb") as handle:
            staged = files.stage_stream(
                handle, name="video.mp4", content_type="video/mp4", limit=2 * SIZE
            )
        evidence.add_evidence(desk.documenter, staged, target=event)
    path.unlink()
    archive = tmp_path / "dossier.zip"
    tracemalloc.start()
    try:
        export(monkeypatch, desk.documenter.username, archive, event.code, "--originals",
               "--why", "court")  # fmt: skip
        _size, peak_writing = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        assert failure(archive) == ""
        _size, peak_checking = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert archive.stat().st_size > SIZE
    assert peak_writing < LIMIT, f"writing peaked at {peak_writing / 2**20:.0f} MiB"
    assert peak_checking < LIMIT, f"checking peaked at {peak_checking / 2**20:.0f} MiB"
