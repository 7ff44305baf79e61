"""Files as they leave: always as a download, never as a page.

The type is what the file's first bytes say it is (forms.sniff), not what
the sender called it; the name is the sender's name made safe, with the
extension of that real type, so no file saved from here opens as
something else (a page, a script) on the computer that saved it. Every
download is an attachment, with nosniff and a sandboxing policy, so a
browser never runs what it holds."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import PureWindowsPath

from django.core.exceptions import SuspiciousFileOperation
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

from safepassage.intake.forms import sniff

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}
UNKNOWN = "application/octet-stream"
STEM_LENGTH = 80


def safe_filename(name: str, content_type: str, *, fallback: str, suffix: str = "") -> str:
    """A name safe to save under on any system, with the extension of the
    file's real type (".bin" for a type we do not know)."""
    # The last part of any path, Windows or not, without its extension.
    stem = PureWindowsPath(name.replace("/", "\\")).stem.strip(" .")
    try:
        stem = get_valid_filename(stem)[:STEM_LENGTH].strip(" .")
    except SuspiciousFileOperation:
        stem = ""
    return (stem or fallback) + suffix + EXTENSIONS.get(content_type, ".bin")


def download(
    chunks: Iterator[bytes],
    *,
    size: int,
    name: str,
    fallback: str,
    suffix: str = "",
    inert: bool = False,
) -> StreamingHttpResponse:
    """A streamed download of a decrypted file. The first chunk is read
    before the response starts, to know the file's real type. ``inert``
    files (an original that may hold active content) are sent as bytes of
    no type, whatever they are."""
    first = next(chunks, b"")
    real_type = sniff(first) or UNKNOWN
    response = StreamingHttpResponse(
        itertools.chain([first], chunks),
        content_type=UNKNOWN if inert else real_type,
    )
    response["Content-Disposition"] = content_disposition_header(
        True, safe_filename(name, real_type, fallback=fallback, suffix=suffix)
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
