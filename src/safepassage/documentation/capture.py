"""What a file says about its capture, read without changing it: the kind
of container (from its first bytes, not its name), a photo's EXIF (when,
with what, where), an audio or video file's duration, codecs and creation
time (documentation.media; Matroska, WebM and AVI headers in
documentation.containers), a web capture's pages (WACZ here, WARC in
documentation.warc), a C2PA manifest where the file has one
(documentation.content_credentials), and a ProofMode
bundle's proof files and signatures (documentation.proofmode).

Nothing here writes: the original is read (from the vault, in memory) and
what is found becomes the item's ``capture`` record, encrypted like the
file (EXIF can hold the place a photo was taken and the phone that took
it). Files larger than INSPECT_MAX_BYTES are recognised by their first
bytes, a video's container header is read from its first megabytes, and
a C2PA manifest is checked as the file is decrypted; the rest of their
metadata is not read on upload, so memory stays flat whatever their size.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext
from PIL import ExifTags, Image, UnidentifiedImageError

from safepassage.documentation import containers, content_credentials, media, proofmode, warc
from safepassage.documentation.models import EvidenceKind
from safepassage.documentation.rewinding import Rewinding

INSPECT_MAX_BYTES = 64 * 1024 * 1024
# A larger photo, video or recording is still checked for a C2PA manifest,
# read as a stream (documentation.rewinding): as large as an upload may be.
C2PA_MAX_BYTES = 2048 * 1024 * 1024
MAX_PAGES = 500  # pages of a web capture listed in the record
MAX_TEXT = 200  # characters kept of any one value

# (signature at offset, offset, kind, container): first match wins.
_MAGIC: list[tuple[bytes, int, str, str]] = [
    (b"\xff\xd8\xff", 0, EvidenceKind.IMAGE, "jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, EvidenceKind.IMAGE, "png"),
    (b"GIF8", 0, EvidenceKind.IMAGE, "gif"),
    (b"II*\x00", 0, EvidenceKind.IMAGE, "tiff"),
    (b"MM\x00*", 0, EvidenceKind.IMAGE, "tiff"),
    (b"WEBP", 8, EvidenceKind.IMAGE, "webp"),
    (b"WAVE", 8, EvidenceKind.AUDIO, "wav"),
    (b"AVI ", 8, EvidenceKind.VIDEO, "avi"),
    (b"ID3", 0, EvidenceKind.AUDIO, "mp3"),
    (b"\xff\xfb", 0, EvidenceKind.AUDIO, "mp3"),
    (b"\xff\xf3", 0, EvidenceKind.AUDIO, "mp3"),
    (b"OggS", 0, EvidenceKind.AUDIO, "ogg"),
    (b"fLaC", 0, EvidenceKind.AUDIO, "flac"),
    (b"\x1aE\xdf\xa3", 0, EvidenceKind.VIDEO, "matroska"),
    (b"%PDF-", 0, EvidenceKind.DOCUMENT, "pdf"),
    (b"WARC/1.", 0, EvidenceKind.WEB_ARCHIVE, "warc"),
]
# ISO base media (MP4, MOV, HEIC, M4A): the brand after "ftyp" at offset 4.
_BRANDS = {
    b"heic": (EvidenceKind.IMAGE, "heic"),
    b"heix": (EvidenceKind.IMAGE, "heic"),
    b"mif1": (EvidenceKind.IMAGE, "heif"),
    b"avif": (EvidenceKind.IMAGE, "avif"),
    b"M4A ": (EvidenceKind.AUDIO, "m4a"),
    b"qt  ": (EvidenceKind.VIDEO, "quicktime"),
}

# Each container as its format is usually named (a name, not a word to translate).
FORMAT_NAMES = {
    "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "tiff": "TIFF", "webp": "WebP",
    "heic": "HEIC", "heif": "HEIF", "avif": "AVIF", "wav": "WAV", "mp3": "MP3",
    "ogg": "Ogg", "flac": "FLAC", "m4a": "M4A", "avi": "AVI", "matroska": "Matroska",
    "webm": "WebM", "quicktime": "QuickTime", "mp4": "MP4", "pdf": "PDF", "zip": "ZIP",
    "gzip": "gzip", "warc": "WARC", "warc.gz": "WARC (gzip)", "wacz": "WACZ",
    "proofmode": "ProofMode",
}  # fmt: skip


def format_name(container: str | None) -> str:
    """A container's usual name ("JPEG", "ProofMode"); "" when unknown."""
    return FORMAT_NAMES.get(container or "", "")


def detect(head: bytes) -> tuple[str, str]:
    """The kind of a file and its container, from its first bytes."""
    for signature, offset, kind, container in _MAGIC:
        if head[offset : offset + len(signature)] == signature:
            return str(kind), container
    if head[4:8] == b"ftyp":
        kind, container = _BRANDS.get(head[8:12], (EvidenceKind.VIDEO, "mp4"))
        return str(kind), container
    if head.startswith(b"PK\x03\x04"):
        return str(EvidenceKind.DOCUMENT), "zip"  # inspect() tells a WACZ apart
    if head.startswith(b"\x1f\x8b"):
        if warc.is_compressed_warc(head):
            return str(EvidenceKind.WEB_ARCHIVE), "warc.gz"
        return str(EvidenceKind.OTHER), "gzip"
    return str(EvidenceKind.OTHER), "unknown"


def _plain(value: Any) -> Any:
    """An EXIF value as JSON: numbers, short text; bytes as their length."""
    if isinstance(value, bytes):
        text = value.rstrip(b"\x00")
        if text and all(32 <= b < 127 for b in text):
            return text.decode("ascii")[:MAX_TEXT]
        return f"({len(value)} bytes)"
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value[:16]]
    if isinstance(value, Fraction) or type(value).__name__ == "IFDRational":
        try:
            return round(float(value), 8)
        except ZeroDivisionError:
            return None
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)[:MAX_TEXT]


def _degrees(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1 if str(ref).upper() in {"S", "W"} else 1
    return round(sign * (d + m / 60 + s / 3600), 7)


def exif_of(data: bytes) -> dict[str, Any]:
    """An image's size, format and EXIF (with its GPS position, when
    there is one), without decoding its pixels."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            found: dict[str, Any] = {
                "format": image.format,
                "width": image.width,
                "height": image.height,
            }
            exif = image.getexif()
            tags: dict[str, Any] = {}
            for tag, value in exif.items():
                tags[ExifTags.TAGS.get(tag, str(tag))] = _plain(value)
            for tag, value in exif.get_ifd(ExifTags.IFD.Exif).items():
                tags[ExifTags.TAGS.get(tag, str(tag))] = _plain(value)
            gps_raw = exif.get_ifd(ExifTags.IFD.GPSInfo)
            gps = {ExifTags.GPSTAGS.get(tag, str(tag)): value for tag, value in gps_raw.items()}
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return {"unreadable": True}
    tags.pop("ExifOffset", None)
    tags.pop("GPSInfo", None)
    if tags:
        found["exif"] = tags
    if gps:
        found["gps"] = {name: _plain(value) for name, value in gps.items()}
        latitude = _degrees(gps.get("GPSLatitude"), gps.get("GPSLatitudeRef"))
        longitude = _degrees(gps.get("GPSLongitude"), gps.get("GPSLongitudeRef"))
        if latitude is not None and longitude is not None:
            found["position"] = [latitude, longitude]
    return found


def web_archive_of(data: bytes) -> dict[str, Any] | None:
    """A WACZ's pages and the check of its package (every file against
    the SHA-256 its datapackage.json gives), or None for another zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    with archive:
        names = set(archive.namelist())
        if "pages/pages.jsonl" not in names:
            return None
        pages: list[dict[str, str]] = []
        with archive.open("pages/pages.jsonl") as handle:
            for line in io.TextIOWrapper(handle, encoding="utf-8", errors="replace"):
                try:
                    page = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not isinstance(page, dict) or "url" not in page:
                    continue  # the header line
                pages.append(
                    {
                        key: str(page[key])[:MAX_TEXT]
                        for key in ("url", "title", "ts")
                        if page.get(key) is not None
                    }
                )
                if len(pages) >= MAX_PAGES:
                    break
        return {
            "format": "wacz",
            "pages": pages,
            "package": _package_check(archive, names),
            "archives": _archives_check(archive, names),
        }


# How many WARC files of one WACZ are read record by record.
MAX_WACZ_ARCHIVES = 20


def _archives_check(archive: zipfile.ZipFile, names: set[str]) -> list[dict[str, Any]]:
    """Each WARC file the WACZ holds (archive/*.warc, *.warc.gz), read
    record by record as a WARC upload is (documentation.warc): every
    digest a record states computed again. The package's hashes show the
    files are the ones it lists; the records' digests show each capture
    is as it was written, which a package rewritten with new hashes
    cannot hide."""
    found = []
    paths = sorted(
        name
        for name in names
        if name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))
    )
    for path in paths[:MAX_WACZ_ARCHIVES]:

        def chunks(path: str = path) -> Iterator[bytes]:
            with archive.open(path) as handle:
                while piece := handle.read(1024 * 1024):
                    yield piece

        checked = warc.warc_of(chunks)
        found.append(
            {
                "path": path[:MAX_TEXT],
                "unreadable": bool(checked.get("unreadable")),
                "verified": bool(checked.get("verified")),
                "check": checked.get("check", {}),
            }
        )
    return found


def package_findings(capture: dict[str, Any]) -> list[str]:
    """A WACZ package check's problems as sentences in the reader's
    language (they are stored as "changed: PATH", "missing: PATH")."""
    sentences = []
    for problem in (capture.get("package") or {}).get("problems", []):
        kind, _, path = str(problem).partition(": ")
        if kind == "changed":
            sentences.append(gettext("%(path)s does not match its hash") % {"path": path})
        elif kind == "missing":
            sentences.append(gettext("%(path)s is listed but missing") % {"path": path})
        elif problem == "no datapackage.json":
            sentences.append(gettext("the archive has no datapackage.json"))
        elif problem == "datapackage.json is not JSON":
            sentences.append(gettext("its datapackage.json cannot be read"))
        else:
            sentences.append(str(problem))
    return sentences


def _package_check(archive: zipfile.ZipFile, names: set[str]) -> dict[str, Any]:
    """Each resource of datapackage.json against its recorded SHA-256."""
    if "datapackage.json" not in names:
        return {"checked": False, "problems": ["no datapackage.json"]}
    try:
        package = json.loads(archive.read("datapackage.json"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"checked": False, "problems": ["datapackage.json is not JSON"]}
    problems: list[str] = []
    resources = package.get("resources", []) if isinstance(package, dict) else []
    for resource in resources:
        path = str(resource.get("path", ""))
        expected = str(resource.get("hash", ""))
        if path not in names:
            problems.append(f"missing: {path}"[:MAX_TEXT])
            continue
        if not expected.startswith("sha256:"):
            continue
        digest = hashlib.sha256()
        with archive.open(path) as handle:
            while piece := handle.read(1024 * 1024):
                digest.update(piece)
        if digest.hexdigest() != expected.removeprefix("sha256:"):
            problems.append(f"changed: {path}"[:MAX_TEXT])
    return {"checked": True, "resources": len(resources), "problems": problems[:50]}


def _zip_of(data: bytes) -> dict[str, Any]:
    """What a zip is: a web capture (WACZ), a ProofMode bundle, or
    neither (nothing more is read)."""
    archive = web_archive_of(data)
    if archive is not None:
        return {**archive, "kind": str(EvidenceKind.WEB_ARCHIVE), "container": "wacz"}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            if proofmode.is_bundle(set(bundle.namelist())):
                return {**proofmode.bundle_of(bundle), "container": "proofmode"}
    except zipfile.BadZipFile:
        pass
    return {}


def inspect(
    head: bytes,
    size: int,
    read: Callable[[], bytes],
    stream: Callable[[], Iterator[bytes]] | None = None,
) -> dict[str, Any]:
    """The capture record of a file: its kind and container, and what its
    metadata says when it is small enough to read (``read`` gives its
    plaintext, in memory, read once; ``stream`` the same a piece at a
    time, for what is read as a stream: a WARC archive, a video's header)."""
    kind, container = detect(head)
    found: dict[str, Any] = {"kind": kind, "container": container, "size": size}
    small = size <= INSPECT_MAX_BYTES
    kept: list[bytes] = []

    def whole() -> bytes:
        if not kept:
            kept.append(read())
        return kept[0]

    if container in {"warc", "warc.gz"}:
        if size > warc.CHECK_MAX_BYTES:
            found["not_inspected"] = "too large to read metadata on upload"
        else:
            found.update(warc.warc_of(stream or (lambda: iter([whole()]))))
    elif container in containers.CONTAINERS:  # only the header region is read, whatever the size
        head_region = containers.header_of(stream() if stream else iter([whole()]))
        found.update(containers.container_of(head_region, container))
        if found.get("format") == "WebM":
            found["container"] = "webm"
    elif kind == EvidenceKind.IMAGE and small:
        found.update(exif_of(whole()))
    elif container == "zip" and small:
        found.update(_zip_of(whole()))
    elif container in media.CONTAINERS and small:
        found.update(media.media_of(whole(), container))
    elif not small and (
        kind == EvidenceKind.IMAGE or container == "zip" or container in media.CONTAINERS
    ):
        found["not_inspected"] = "too large to read metadata on upload"
    credentials = credentials_read(container, size, whole, stream)
    if credentials is not None:
        found["c2pa"] = credentials
    return found


def credentials_read(
    container: str,
    size: int,
    read: Callable[[], bytes],
    stream: Callable[[], Iterator[bytes]] | None,
) -> dict[str, Any] | None:
    """A file's checked C2PA manifest (content_credentials.credentials_of),
    or None: read in memory up to INSPECT_MAX_BYTES, past it as it is
    decrypted (``stream``, one piece in memory; the library seeks about in
    it, which costs a few passes over the file) up to C2PA_MAX_BYTES."""
    if container not in content_credentials.CONTAINERS:
        return None
    if size <= INSPECT_MAX_BYTES:
        return content_credentials.credentials_of(read(), container)
    if stream is None or size > C2PA_MAX_BYTES:
        return None
    with Rewinding(stream, size) as readable:
        return content_credentials.credentials_of(readable, container)
