"""A large original (200 MB here; the benchmark goes further) is hashed,
encrypted and stored with memory flat: the file is read a piece at a
time by `safepassage evidence add`, and its custody verified by
decrypting it a piece at a time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from safepassage.vault import files
from tests.documentation.conftest import Desk
from tests.documentation.large_originals import add_and_check, sparse_file

SIZE = 200 * 1024 * 1024
LIMIT = 100 * 1024 * 1024


@pytest.mark.django_db
def test_a_200_mb_original_is_kept_with_memory_under_100_mb(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "video.mp4"
    expected = sparse_file(path, SIZE)
    added = add_and_check(desk, path, monkeypatch)
    item = added.item
    assert added.sha256 == expected
    assert item.size == SIZE
    assert added.output.startswith(item.code)
    assert files.store_path(item.file.digest).stat().st_size > SIZE  # the ciphertext
    assert added.peak_adding < LIMIT, f"adding peaked at {added.peak_adding / 2**20:.0f} MiB"
    assert added.peak_checking < LIMIT, f"checking at {added.peak_checking / 2**20:.0f} MiB"
    assert list(files.staging_dir().glob("*.part")) == []


@pytest.mark.django_db
def test_a_stream_past_its_limit_leaves_no_staging_file(tmp_path: Path) -> None:
    with pytest.raises(files.TooLarge):
        files.stage_stream(
            io.BytesIO(b"x" * 300_000), name="x", content_type="text/plain", limit=200_000
        )
    assert list(files.staging_dir().glob("*.part")) == []
