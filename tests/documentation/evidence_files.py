"""Files for the evidence tests, made here: a photo with EXIF (a place, a
phone, a time), a web capture (WACZ) of an official's statement."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

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
