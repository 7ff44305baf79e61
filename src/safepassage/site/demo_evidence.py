"""Invented evidence for the demo documentation, so a new user finds the
locker in use: photos drawn here (no real photo: shapes and the word
DEMO), each with EXIF of an invented phone, place and time; a short
recorded tone standing for an audio statement; and a web capture (WACZ)
of an official's denial; and a ProofMode bundle (a photo, its proof
files, their signatures by an invented device's OpenPGP key, made here
with gpg). Each is kept through the evidence locker's
named actions, as a documenter would (hashed, encrypted, its custody log
begun), linked to an event, an act or a statement, with working copies
made from the photos and a custody history of views and downloads with
reasons. The same seed gives the same files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import struct
import wave
import zipfile

from PIL import ExifTags, Image, ImageDraw
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from safepassage.accounts.models import User
from safepassage.documentation import evidence
from safepassage.documentation.models import Act, Event, Evidence, Operation, Statement
from safepassage.documentation.working_copies import Box
from safepassage.vault import files, openpgp

SEED = 2017
# Invented places (decimal degrees) and phones.
PLACES = [(43.3179, 45.6949), (43.2917, 45.8722), (43.3519, 46.1034)]
PHONES = [("DemoPhone", "Model 7"), ("Sample Mobile", "S2"), ("DemoPhone", "Model 5")]
PHOTOS = [
    ("checkpoint.jpg", "A checkpoint at night, the barrier down (demo picture)."),
    ("vehicle.jpg", "A vehicle without plates by a building (demo picture)."),
    ("injuries.jpg", "Bruises on an arm, photographed after release (demo picture)."),
]


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds


def demo_photo(rng: random.Random, number: int) -> bytes:
    """A drawn picture with EXIF: an invented phone, place and time."""
    image = Image.new("RGB", (640, 427), (30 + 20 * number, 40, 60))
    draw = ImageDraw.Draw(image)
    for _shape in range(12):
        left, top = rng.randrange(0, 560), rng.randrange(0, 360)
        colour = (rng.randrange(80, 255), rng.randrange(80, 255), rng.randrange(80, 255))
        draw.rectangle(
            (left, top, left + rng.randrange(20, 80), top + rng.randrange(20, 60)), colour
        )
    draw.text((20, 20), "DEMO", fill=(255, 255, 255))
    latitude, longitude = PLACES[number % len(PLACES)]
    make, model = PHONES[number % len(PHONES)]
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.DateTime] = f"2017:03:{20 + number:02d} 22:{10 + number:02d}:00"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: _dms(latitude),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: _dms(longitude),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def demo_audio(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A short tone (WAV), standing for a recorded account."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        frames = (
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        sound.writeframes(b"".join(frames))
    return out.getvalue()


def demo_web_capture(url: str, title: str, when: str, text: str) -> bytes:
    """A WACZ of one page (an official's words), its package hashes right."""
    body = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
    # Written as a crawler writes it (warcio): each record with its id,
    # date and digests, so the check of every record has them to compute.
    written = io.BytesIO()
    writer = WARCWriter(written, gzip=False)
    writer.write_record(writer.create_warcinfo_record("data.warc", {"software": "demo"}))
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body.encode()),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": when},
    )
    writer.write_record(record)
    warc = written.getvalue()
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    page = {"id": "1", "url": url, "title": title, "ts": when}
    pages = (json.dumps(header) + "\n" + json.dumps(page, ensure_ascii=False) + "\n").encode()
    resources = [("archive/data.warc", warc), ("pages/pages.jsonl", pages)]
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": name.rsplit("/", 1)[1],
                "path": name,
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            for name, data in resources
        ],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in resources:
            archive.writestr(name, data)
        archive.writestr("datapackage.json", json.dumps(package))
    return out.getvalue()


def proof_bundle_files(
    device: openpgp.DemoDevice, name: str, media: bytes, proof: dict[str, str]
) -> dict[str, bytes]:
    """The files of a ProofMode export of ``media``: the file, its proof
    (JSON and CSV, under ProofMode's field names) and their signatures by
    ``device``, and the device's public key."""
    digest = hashlib.sha256(media).hexdigest()
    fields = {"File Hash SHA256": digest, "File Path": f"/storage/emulated/0/DCIM/{name}", **proof}
    as_json = json.dumps(fields, indent=2).encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields))
    writer.writeheader()
    writer.writerow(fields)
    as_csv = out.getvalue().encode()
    return {
        name: media,
        f"{digest}.asc": device.sign(media),
        f"{digest}.proof.json": as_json,
        f"{digest}.proof.json.asc": device.sign(as_json),
        f"{digest}.proof.csv": as_csv,
        f"{digest}.proof.csv.asc": device.sign(as_csv),
        "pubkey.asc": device.public_key(),
        "HowToVerifyProofData.txt": b"gpg --import pubkey.asc; sha256sum; gpg --verify\n",
    }


def zipped(members: dict[str, bytes], *, stored: bool = False) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def demo_proof_bundle(rng: random.Random) -> bytes | None:
    """A ProofMode bundle of a drawn photo, or None without gpg."""
    latitude, longitude = PLACES[0]
    proof = {
        "Proof Generated": "2017-03-24T21:40:12.000Z",
        "File Created": "2017-03-24T21:40:05.000Z",
        "Manufacturer": "DemoPhone",
        "Hardware": "DemoPhone Model 7",
        "DeviceID": "demo-device-0001",
        "Location.Latitude": str(latitude),
        "Location.Longitude": str(longitude),
        "Location.Provider": "gps",
        "Location.Accuracy": "12.0",
    }
    try:
        with openpgp.demo_device("ProofMode demo device <noone@proofmode.example>") as device:
            return zipped(proof_bundle_files(device, "IMG_20170324.jpg", demo_photo(rng, 3), proof))
    except openpgp.OpenPGPUnavailable:
        return None


def _keep(
    by: User, data: bytes, name: str, content_type: str, target: Event | Act | Statement, what: str
) -> Evidence:
    staged = files.stage_bytes(data, name=name, content_type=content_type)
    return evidence.add_evidence(
        by, staged, target=target, description=what, why="received from the demo's witness"
    )


def _look(by: User, item: Evidence, *, download: bool, why: str) -> None:
    _meta, chunks = evidence.open_item(by, item, download=download, why=why)
    for _piece in chunks:
        pass


def load_evidence(by: User, events: list[Event], statement: Statement | None) -> int:
    """Invented evidence beside ``events`` (and ``statement``), with working
    copies and a custody history; how many originals were kept. Needs the
    documentation keys in the current keyring."""
    rng = random.Random(SEED)
    kept = 0
    for number, (name, what) in enumerate(PHOTOS):
        if number >= len(events):
            break
        photo = _keep(by, demo_photo(rng, number), name, "image/jpeg", events[number], what)
        stripped = evidence.make_working_copy(
            by, photo, Operation.LOCATION_STRIPPED, why="to show without place or phone"
        )
        evidence.make_working_copy(
            by, stripped, Operation.BLURRED, box=Box(200, 120, 420, 300), why="a face in the frame"
        )
        _look(by, photo, download=True, why="to compare with the witness's account")
        kept += 1
    if events:
        act = events[0].acts.order_by("created_at").first()
        _keep(
            by,
            demo_audio(),
            "account.wav",
            "audio/wav",
            act or events[0],
            "A recorded account of the detention (demo: a tone).",
        )
        kept += 1
    if statement is not None:
        capture = demo_web_capture(
            "https://news.example.org/2017/04/denial",
            "Spokesman: there are no such people here (demo capture)",
            "2017-04-01T10:00:00Z",
            "There is nobody of that kind here, so there is nobody to detain.",
        )
        _keep(
            by,
            capture,
            "denial.wacz",
            "application/wacz",
            statement,
            "The official's words as published, captured (demo).",
        )
        kept += 1
    bundle = demo_proof_bundle(rng) if events else None
    if bundle is not None:
        _keep(
            by,
            bundle,
            "proofmode-IMG_20170324.zip",
            "application/zip",
            events[-1],
            "A photo shared from a phone running ProofMode, with its signed proof (demo).",
        )
        kept += 1
    return kept
