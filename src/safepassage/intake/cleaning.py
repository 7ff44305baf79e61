"""Files made safe to open before anyone sees them.

Every photo and PDF that reaches intake (the public form, the person's
follow-up messages, files staff attach to replies) is cleaned on arrival,
in memory only: photos lose everything but their pixels (photos.py), PDFs
everything that acts when they are opened (pdfs.py). Staff and the person
see only the clean copy. The original, as it came, is kept only when the
person agreed (sealed to intake, never to the person, opened by a separate
audited action); otherwise it is dropped once the copy is made. A file
that cannot be cleaned is refused with a message for the person, and what
they typed stays on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from safepassage.intake import downloads, pdfs, photos
from safepassage.intake.forms import check_uploads
from safepassage.vault import files
from safepassage.vault.files import StagedUpload

PDF = "application/pdf"

# What cleaning removed, as codes kept with the attachment, in staff's words.
REMOVED_LABELS = {
    "location": gettext_lazy("place"),
    "time": gettext_lazy("time"),
    "camera": gettext_lazy("camera or phone"),
    "details": gettext_lazy("other hidden details"),
    "extra-images": gettext_lazy("extra pictures inside the file"),
    "script": gettext_lazy("scripts"),
    "external": gettext_lazy("links and actions that reach outside"),
    "attachments": gettext_lazy("files inside the file"),
    "media": gettext_lazy("sound, video or 3D"),
    "form": gettext_lazy("an interactive (XFA) form"),
}


class Unacceptable(Exception):
    """A file that cannot be made safe; the message is for the person."""


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    content_type: str
    removed: tuple[str, ...]


@dataclass(frozen=True)
class CleanFile:
    """An upload once cleaned: the copy everyone sees and, only with the
    person's consent, the original as it came. Both in memory until
    actions attach them (encrypted) to a request or a message."""

    name: str
    content_type: str
    data: bytes
    removed: tuple[str, ...]
    original: bytes | None = None
    original_name: str = ""
    original_type: str = ""


def accept_uploads(
    uploads: list[Any], refusals: list[tuple[str, str]], *, keep_originals: bool
) -> tuple[list[Any], list[str]]:
    """The files of a form, checked (count, size, type) and cleaned: the
    clean files and no errors, or the uploads as they came and the errors."""
    errors = check_uploads(uploads, refusals)
    if errors:
        return uploads, errors
    return clean_uploads(uploads, keep_originals=keep_originals)


def clean_uploads(uploads: list[Any], *, keep_originals: bool) -> tuple[list[Any], list[str]]:
    """Clean uploads that passed forms.check_uploads. Returns the clean
    files and no errors, or the uploads as they came and the errors (then
    nothing is kept). Each upload is read into memory and its encrypted
    staging file removed (files.read_staged); one file at a time is decoded."""
    cleaned: list[CleanFile] = []
    errors: list[str] = []
    for upload in uploads:
        if not isinstance(upload, StagedUpload):
            continue
        name = str(upload.name or "")
        content_type = str(upload.content_type or "")
        data = files.read_staged(upload, settings.UPLOAD_MAX_BYTES)
        try:
            copy = clean(data, content_type, name=name)
        except Unacceptable as refusal:
            errors.append(str(refusal))
            continue
        cleaned.append(
            CleanFile(
                name=downloads.safe_filename(name, copy.content_type, fallback="file"),
                content_type=copy.content_type,
                data=copy.data,
                removed=copy.removed,
                original=data if keep_originals else None,
                original_name=name,
                original_type=content_type,
            )
        )
    if errors:
        return uploads, errors
    return cleaned, []


def clean(data: bytes, content_type: str, *, name: str = "") -> Cleaned:
    """The clean copy of a file of a type forms.sniff recognised."""
    shown = name[:80]
    if content_type in photos.FORMATS:
        max_pixels = settings.INTAKE_PHOTO_MAX_MEGAPIXELS * 1_000_000
        try:
            photo = photos.clean_photo(data, content_type, max_pixels=max_pixels)
        except photos.PhotoRefused as refusal:
            raise Unacceptable(_photo_message(refusal, shown)) from None
        return Cleaned(photo.data, photo.content_type, photo.removed)
    if content_type == PDF:
        try:
            document = pdfs.clean_pdf(data)
        except pdfs.PdfRefused as refusal:
            raise Unacceptable(_pdf_message(refusal, shown)) from None
        return Cleaned(document.data, PDF, document.removed)
    raise Unacceptable(
        _("“%(name)s” is not a photo (JPEG, PNG, WebP, HEIC) or a PDF.") % {"name": shown}
    )


def _photo_message(refusal: photos.PhotoRefused, name: str) -> str:
    if refusal.reason == "too-large":
        limit = settings.INTAKE_PHOTO_MAX_MEGAPIXELS
        return ngettext(
            "“%(name)s” is too large a picture (at most %(limit)d megapixel). "
            "Please send a smaller copy or a screenshot.",
            "“%(name)s” is too large a picture (at most %(limit)d megapixels). "
            "Please send a smaller copy or a screenshot.",
            limit,
        ) % {"name": name, "limit": limit}
    return _(
        "“%(name)s” could not be read as a photo. Please send it again, "
        "or take a screenshot of it and send that."
    ) % {"name": name}


def _pdf_message(refusal: pdfs.PdfRefused, name: str) -> str:
    if refusal.reason == "password":
        return _(
            "“%(name)s” is protected by a password. Please send it without the "
            "password, or send photos of its pages."
        ) % {"name": name}
    if refusal.reason == "unsafe":
        return _(
            "“%(name)s” contains parts that could run when it is opened, and we could "
            "not remove them. Please send photos or screenshots of its pages."
        ) % {"name": name}
    return _(
        "“%(name)s” could not be read as a PDF. Please send it again, or send photos of its pages."
    ) % {"name": name}


def removed_labels(codes: list[str]) -> list[str]:
    """What cleaning removed, in staff's words, in a fixed order."""
    return [str(label) for code, label in REMOVED_LABELS.items() if code in codes]
