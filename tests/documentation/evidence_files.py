"""Files for the evidence tests, made here: a photo with EXIF (a place, a
phone, a time), a web capture (WACZ) of an official's statement, a
recorded tone (WAV) and a video's container (MP4)."""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
import wave
import zipfile

from mutagen.mp4 import MP4
from PIL import ExifTags, Image

ARGUN = (43.2917, 45.8722)  # where the photo says it was taken


def photo_with_exif(size: tuple[int, int] = (96, 64)) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    for x in range(0, size[0], 8):  # some detail for the blur to remove
        for y in range(size[1]):
            image.putpixel((x, y), (255, 255, 255))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SentinelPhone"
    exif[ExifTags.Base.Model] = "Model 7"
    exif[ExifTags.Base.DateTime] = "2017:03:26 22:10:00"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (43.0, 17.0, 30.12),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (45.0, 52.0, 19.92),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def wacz(*, tamper: bool = False) -> bytes:
    """A WACZ with one page (an official's denial), its package hashes
    right, or one of them wrong."""
    warc = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/news/denial\r\n"
        b"Content-Length: 5\r\n\r\nhello\r\n\r\n"
    )
    pages = (
        json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
        + "\n"
        + json.dumps(
            {
                "id": "1",
                "url": "https://example.org/news/denial",
                "title": "Spokesman: there are no such people",
                "ts": "2017-04-01T10:00:00Z",
            }
        )
        + "\n"
    ).encode()
    digest = hashlib.sha256(warc).hexdigest()
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": "data.warc",
                "path": "archive/data.warc",
                "hash": f"sha256:{'0' * 64 if tamper else digest}",
                "bytes": len(warc),
            }
        ],
        "wacz_version": "1.1.1",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("archive/data.warc", warc)
        archive.writestr("pages/pages.jsonl", pages)
        archive.writestr("datapackage.json", json.dumps(package))
    return out.getvalue()


def tone_wav(seconds: float = 1.5, rate: int = 8000) -> bytes:
    """A mono 16-bit tone (WAV), standing for a recorded account."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        frames = int(seconds * rate)
        sound.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                for n in range(frames)
            )
        )
    return out.getvalue()


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _track(handler: bytes, entry: bytes, seconds: int, created: int) -> bytes:
    mdhd = _box(
        b"mdhd", bytes(4), struct.pack(">IIIIHH", created, created, 1000, seconds * 1000, 0x55C4, 0)
    )
    hdlr = _box(b"hdlr", bytes(4), bytes(4), handler, bytes(12), b"\x00")
    stsd = _box(b"stsd", bytes(4), struct.pack(">I", 1), entry)
    return _box(b"trak", _box(b"mdia", mdhd, hdlr, _box(b"minf", _box(b"stbl", stsd))))


MP4_CREATED = "2017-03-26T22:10:00Z"
MP4_RECORDED = "2017-03-26"


def video_mp4(seconds: int = 12) -> bytes:
    """An MP4's boxes as a camera writes them (no frames): its movie header
    with a creation time and duration, an H.264 video track and an AAC
    audio track."""
    created = 3573411000  # 2017-03-26T22:10:00Z, in seconds from 1904
    mvhd = _box(
        b"mvhd",
        bytes(4),
        struct.pack(">IIII", created, created, 1000, seconds * 1000),
        struct.pack(">IH", 0x00010000, 0x0100),
        bytes(10),
        struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000),
        bytes(24),
        struct.pack(">I", 3),
    )
    avc1 = _box(b"avc1", bytes(6), struct.pack(">H", 1), bytes(16), struct.pack(">HH", 64, 48))
    # AAC LC at 8 kHz, mono: its ES descriptor as an encoder writes it.
    config = b"\x05\x02\x15\x88"
    decoder = b"\x04\x11\x40\x15" + bytes(3) + struct.pack(">II", 32000, 32000) + config
    esds = _box(b"esds", bytes(4), b"\x03\x19\x00\x01\x00" + decoder + b"\x06\x01\x02")
    mp4a = _box(
        b"mp4a",
        bytes(6),
        struct.pack(">H", 1),
        bytes(8),
        struct.pack(">HHHHI", 1, 16, 0, 0, 8000 << 16),
        esds,
    )
    ftyp = _box(b"ftyp", b"mp42", struct.pack(">I", 0), b"mp42isom")
    tracks = _track(b"vide", avc1, seconds, created), _track(b"soun", mp4a, seconds, created)
    moov = _box(b"moov", mvhd, *tracks)
    out = io.BytesIO(ftyp + moov + _box(b"mdat", bytes(64)))
    tagged = MP4(out)
    tagged.add_tags()
    assert tagged.tags is not None
    tagged.tags["\xa9day"] = [MP4_RECORDED]
    tagged.save(out)
    return out.getvalue()
