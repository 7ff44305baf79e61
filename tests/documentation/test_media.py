"""An audio or video original's container metadata (duration, codecs,
when it was made) is read into its record without changing a byte of it,
and shown on its page; a container that does not parse is kept as it
came, marked unreadable."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safepassage.documentation import evidence
from safepassage.documentation.models import Evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.evidence_files import MP4_CREATED, MP4_RECORDED, tone_wav, video_mp4


def _kept(desk: Desk, item: Evidence) -> bytes:
    _meta, chunks = files.open_file(desk.vault.keyring, item.file)
    return b"".join(chunks)


@pytest.mark.django_db
def test_it_reads_a_videos_duration_codecs_and_creation_time_without_changing_it(
    desk: Desk,
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    video = video_mp4(seconds=12)
    response = client.post(
        f"/documentation/evidence/new/?to={event.code}",
        {"file": SimpleUploadedFile("checkpoint.mp4", video), "to": event.code},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    with using_keyring(desk.vault.keyring):
        assert item.kind == "video"
        assert item.capture["container"] == "mp4"
        assert item.capture["duration"] == 12.0
        assert item.capture["created"] == MP4_CREATED
        assert item.capture["recorded"] == MP4_RECORDED
        assert item.capture["video_codec"] == "avc1"
        assert item.capture["audio_codec"] == "AAC LC"
        assert item.capture["tracks"] == [
            {"kind": "video", "codec": "avc1", "width": 64, "height": 48},
            {"kind": "audio", "codec": "mp4a"},
        ]
        assert (item.capture["width"], item.capture["height"]) == (64, 48)
        assert _kept(desk, item) == video  # never altered
        assert item.sha256 == hashlib.sha256(video).hexdigest()
    page = client.get(response["Location"]).content.decode()
    assert "MP4, 64 × 48" in page
    assert "Duration: 12.0 s; video codec avc1; audio codec AAC LC" in page
    # In the reader's format, in UTC (the file states 2017-03-26T22:10:00Z).
    assert "Created, as the container records it: 26 March 2017, 22:10 UTC" in page


@pytest.mark.django_db
def test_it_reads_a_recordings_duration_and_sampling(desk: Desk, keys: None) -> None:
    tone = tone_wav(seconds=1.5, rate=8000)
    staged = files.stage_bytes(tone, name="account.wav", content_type="audio/wav")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.kind == "audio"
    assert item.capture["container"] == "wav"
    assert item.capture["duration"] == 1.5
    assert item.capture["sample_rate"] == 8000
    assert item.capture["channels"] == 1
    assert "created" not in item.capture  # a WAV records no such time
    assert _kept(desk, item) == tone


@pytest.mark.django_db
def test_it_keeps_a_broken_container_as_it_came_marked_unreadable(desk: Desk, keys: None) -> None:
    broken = video_mp4()[:40] + b"\xff" * 200  # an MP4's start, then noise
    staged = files.stage_bytes(broken, name="cut.mp4", content_type="video/mp4")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.kind == "video"
    assert item.capture["unreadable"] is True
    assert _kept(desk, item) == broken
