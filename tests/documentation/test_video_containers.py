"""A Matroska, WebM or AVI video's container metadata (duration, codecs,
frame size, sampling, when it was made) is read from its header region
only, whatever the file's size, into its record without changing a byte
of it, and shown on its page; a header that does not parse is kept as it
came, marked unreadable."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.documentation import capture, containers, evidence
from safepassage.documentation.models import Evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.video_files import MKV_CREATED, avi, matroska


def _inspect(data: bytes) -> dict:  # type: ignore[type-arg]
    return capture.inspect(data[: files.HEAD_BYTES], len(data), lambda: data)


@pytest.mark.django_db
def test_it_reads_a_webm_videos_duration_codecs_size_and_date_without_changing_it(
    desk: Desk,
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    video = matroska()
    response = client.post(
        f"/documentation/evidence/new/?to={event.code}",
        {"file": SimpleUploadedFile("checkpoint.webm", video), "to": event.code},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    with using_keyring(desk.vault.keyring):
        assert item.kind == "video"
        assert item.capture["container"] == "webm"
        assert item.capture["format"] == "WebM"
        assert item.capture["duration"] == 12.345
        assert item.capture["created"] == MKV_CREATED
        assert item.capture["video_codec"] == "V_VP9"
        assert item.capture["audio_codec"] == "A_OPUS"
        assert (item.capture["width"], item.capture["height"]) == (640, 360)
        assert item.capture["sample_rate"] == 48000
        assert item.capture["tracks"] == [
            {"kind": "video", "codec": "V_VP9", "width": 640, "height": 360},
            {"kind": "audio", "codec": "A_OPUS", "sample_rate": 48000, "channels": 2},
        ]
        _meta, chunks = files.open_file(desk.vault.keyring, item.file)
        assert b"".join(chunks) == video  # never altered
        assert item.sha256 == hashlib.sha256(video).hexdigest()
    page = client.get(response["Location"]).content.decode()
    assert "WebM, 640 × 360" in page
    assert "Duration: 12.345 s; video codec V_VP9; audio codec A_OPUS, 48000 Hz" in page
    # In the reader's format, in UTC (the file states 2017-03-26T22:10:00Z).
    assert "Created, as the container records it: 26 March 2017, 22:10 UTC" in page
    assert "Nothing more was read from this file." not in page
    client.cookies["django_language"] = "ru"
    russian = client.get(response["Location"]).content.decode()
    assert "аудиокодек A_OPUS, 48000 Гц" in russian


def test_it_reads_a_matroska_file_without_audio_or_date() -> None:
    found = _inspect(
        matroska(
            doc_type="matroska",
            seconds=3.5,
            dated=False,
            video=("V_MPEG4/ISO/AVC", 1920, 1080),
            audio=None,
        )
    )
    assert found["kind"] == "video"
    assert found["container"] == "matroska"
    assert found["format"] == "Matroska"
    assert found["duration"] == 3.5
    assert found["video_codec"] == "V_MPEG4/ISO/AVC"
    assert (found["width"], found["height"]) == (1920, 1080)
    assert "audio_codec" not in found
    assert "created" not in found


@pytest.mark.django_db
def test_it_reads_an_avis_main_and_stream_headers(desk: Desk, keys: None) -> None:
    video = avi(frames=250, fps=25, size=(320, 240), compression=b"XVID", created="2017-03-26")
    staged = files.stage_bytes(video, name="checkpoint.avi", content_type="video/x-msvideo")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.kind == "video"
    assert item.capture["container"] == "avi"
    assert item.capture["duration"] == 10.0
    assert item.capture["video_codec"] == "XVID"
    assert (item.capture["width"], item.capture["height"]) == (320, 240)
    assert item.capture["audio_codec"] == "PCM"
    assert item.capture["sample_rate"] == 8000
    assert item.capture["channels"] == 1
    assert item.capture["recorded"] == "2017-03-26"
    _meta, chunks = files.open_file(desk.vault.keyring, item.file)
    assert b"".join(chunks) == video


def test_it_counts_every_frame_of_an_avi_past_1_gb() -> None:
    found = _inspect(avi(frames=25_000, fps=25, all_frames=90_000))  # avih: the first part
    assert found["duration"] == 3600.0


def _endless(start: bytes, consumed: list[int]) -> Iterator[bytes]:
    """A file of any size: ``start``, then zeros for ever, counting what is read."""
    consumed.append(len(start))
    yield start
    piece = bytes(64 * 1024)
    while True:
        consumed.append(len(piece))
        yield piece


@pytest.mark.parametrize("made", [matroska, avi], ids=["matroska", "avi"])
def test_it_reads_only_the_header_region_whatever_the_size(made) -> None:  # type: ignore[no-untyped-def]
    start = made(filler=0)
    consumed: list[int] = []

    def whole() -> bytes:
        raise AssertionError("a video's header region is read from its stream, never whole")

    size = 3 * 1024**3  # larger than any file whose metadata is read whole
    found = capture.inspect(start[:4096], size, whole, stream=lambda: _endless(start, consumed))
    assert found["duration"] > 0
    assert "not_inspected" not in found
    assert sum(consumed) <= containers.HEADER_BYTES + 64 * 1024


@pytest.mark.django_db
def test_it_keeps_a_cut_or_garbled_video_as_it_came_marked_unreadable(
    desk: Desk, keys: None
) -> None:
    samples = {
        "cut.webm": matroska()[:30],
        "noise.mkv": b"\x1aE\xdf\xa3" + bytes(range(255, 0, -1)) * 3,
        "cut.avi": avi()[:40],
        "noise.avi": b"RIFF\xff\xff\xff\xffAVI " + b"LIST\xff\xff\xff\xff" + b"\x07" * 300,
    }
    for name, data in samples.items():
        staged = files.stage_bytes(data, name=name, content_type="video/x-matroska")
        item = evidence.add_evidence(desk.documenter, staged)
        assert item.kind == "video", name
        assert item.capture["unreadable"] is True, name
        _meta, chunks = files.open_file(desk.vault.keyring, item.file)
        assert b"".join(chunks) == data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=700), st.integers(0, 255))
def test_it_never_fails_on_a_damaged_header(garbage: bytes, cut: int, flip: int) -> None:
    for good, container in ((matroska(filler=16), "matroska"), (avi(filler=16), "avi")):
        spoiled = bytearray(good)
        spoiled[cut % len(good)] = flip
        for sample in (good[:cut] + garbage, bytes(spoiled), good[:4] + garbage):
            found = containers.container_of(sample, container)
            assert found.get("unreadable") is True or "tracks" in found or "duration" in found


# (file name, ffmpeg's encoders, container, video codec id, audio codec id)
REAL_FILES = [
    ("clip.webm", ["-c:v", "libvpx-vp9", "-c:a", "libopus"], "webm", "V_VP9", "A_OPUS"),
    ("clip.mkv", ["-c:v", "libx264", "-c:a", "aac"], "matroska", "V_MPEG4/ISO/AVC", "A_AAC"),
    ("clip.avi", ["-c:v", "mpeg4", "-c:a", "libmp3lame"], "avi", "FMP4", "MP3"),
    ("still.avi", ["-c:v", "mjpeg", "-c:a", "pcm_s16le"], "avi", "MJPG", "PCM"),
    # Stereo: ffmpeg's mono AAC config leaves parametric stereo open, and
    # mutagen then gives the sample entry's channel count (2).
    ("clip.mp4", ["-c:v", "libx264", "-c:a", "aac", "-ac", "2"], "mp4", "avc1", "AAC LC"),
    ("clip.mov", ["-c:v", "mpeg4", "-c:a", "pcm_s16le"], "quicktime", "mp4v", "SOWT"),
]


@pytest.mark.parametrize(
    ("name", "encoders", "container", "video_codec", "audio_codec"),
    REAL_FILES,
    ids=[row[0] for row in REAL_FILES],
)
def test_it_reads_what_ffmpeg_writes_as_ffprobe_reads_it(
    tmp_path: Path,
    name: str,
    encoders: list[str],
    container: str,
    video_codec: str,
    audio_codec: str,
) -> None:
    path = tmp_path / name
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-nostdin",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2:sample_rate=44100",
            *encoders,
            "-metadata",
            "creation_time=2017-03-26T22:10:00Z",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout
    )
    data = path.read_bytes()
    found = _inspect(data)
    assert found["container"] == container
    assert found["video_codec"] == video_codec
    assert found["audio_codec"] == audio_codec
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    assert (found["width"], found["height"]) == (video["width"], video["height"])
    assert found["sample_rate"] == int(audio["sample_rate"])
    assert found["channels"] == audio["channels"]
    assert found["duration"] == pytest.approx(float(probe["format"]["duration"]), abs=0.05)
    if container != "avi":  # ffmpeg dates a Matroska file (DateUTC), not an AVI
        assert found["created"] == "2017-03-26T22:10:00Z"
