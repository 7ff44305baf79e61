"""Staging files whose process died mid-upload (a killed worker, a crash)
are swept on a schedule while the server runs, not only at start-up: at
most every five minutes for all processes together, each file once it has
been left untouched for fifteen minutes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from safepassage.vault import files

NOW = 1_900_000_000.0


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"ciphertext whose key is gone")
    os.utime(path, (NOW - seconds, NOW - seconds))
    return path


@pytest.fixture
def staging(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = files.staging_dir()
    (folder.parent / files.SWEEP_MARKER).unlink(missing_ok=True)
    monkeypatch.setattr(files, "_next_look", 0.0)  # as in a process just started
    yield folder
    for path in folder.glob("*.part"):
        path.unlink()


def _any_request(at: float) -> None:
    with time_machine.travel(at, tick=False):
        assert Client().get("/request/safety/").status_code == 200


def test_it_sweeps_orphans_while_serving(staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orphan = _aged(staging / "dead.part", 16 * 60)
    live = _aged(staging / "live.part", 60)
    _any_request(NOW)
    assert not orphan.exists()
    assert live.exists()  # touched a minute ago: an upload still streaming in
    # The live one is left by its process too; within five minutes no process
    # looks again (another process finds the marker and leaves it to the next).
    _aged(live, 20 * 60)
    monkeypatch.setattr(files, "_next_look", 0.0)
    _any_request(NOW + 4 * 60)
    assert live.exists()
    # That process looks again five minutes later, and sweeps.
    _any_request(NOW + 8 * 60)
    assert live.exists()
    _any_request(NOW + 9 * 60 + 1)
    assert not live.exists()


def test_a_slow_upload_keeps_its_file_young(staging: Path) -> None:
    handler = files.EncryptingUploadHandler()
    with time_machine.travel(NOW - 20 * 60, tick=False):
        handler.new_file("attachments", "slow.jpg", "image/jpeg", None)
    path = handler.path
    for minutes in (18, 16, 14):  # a chunk now and then, over six minutes
        with time_machine.travel(NOW - minutes * 60, tick=False):
            handler.receive_data_chunk(b"x" * 1000, 0)
    assert files.sweep_staging() == 0
    assert path.exists()
    handler.upload_interrupted()
    assert not path.exists()
