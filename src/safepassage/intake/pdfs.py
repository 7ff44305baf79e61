"""PDFs with nothing that acts when they are opened.

A PDF is opened by qpdf (pikepdf) and rewritten without what could run or
reach outside when someone opens it: scripts (JavaScript actions, the
document's named scripts), actions that reach the network or the disk
(links, launch, remote go-to, form submission, data import), embedded
files and portfolios, sound, video and 3D, XFA forms (which carry their
own scripts), and without its document details (author, software, dates,
XMP metadata of the document and of every object, thumbnails, private
application data). pikepdf.sanitize does most of it; what it deliberately
leaves (XFA, metadata) is removed here. The rewritten file is read again
and refused if anything active is left: we neutralise, and fail closed.

Limits: the pages themselves are kept as they are, so a photo inside a PDF
keeps whatever its camera wrote, and text on a page can still say
anything. Streams are copied, never decoded (no decompression bomb).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream
from pikepdf.sanitize import Sanitizer


class PdfRefused(Exception):
    """``reason`` is "unreadable", "password" or "unsafe"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanPdf:
    data: bytes
    removed: tuple[str, ...]  # codes: script, external, attachments, media, form, details


_SANITIZER = (
    Sanitizer()
    .remove_javascript()
    .remove_external_access()
    .remove_attachments()
    .remove_collection()
    .remove_multimedia()
    .remove_thumbnails()
    .remove_private_app_data()
    .remove_web_capture()
)

_EXTERNAL = frozenset(
    {Name.URI, Name.Launch, Name.GoToR, Name.GoToE, Name.SubmitForm, Name.ImportData}
)
_MEDIA_ACTIONS = frozenset({Name.Rendition, Name.Movie, Name.Sound, Name.RichMediaExecute})
# Annotations that carry media or a file, and the entry that holds it.
_CARRIERS = {
    Name.Movie: ("/Movie", "media"),
    Name.Sound: ("/Sound", "media"),
    Name.RichMedia: ("/RichMediaContent", "media"),
    Name("/3D"): ("/3DD", "media"),
    Name.FileAttachment: ("/FS", "attachments"),
}


def clean_pdf(data: bytes) -> CleanPdf:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise PdfRefused("unreadable")
            found = active_content(pdf)
            _SANITIZER.apply(pdf)
            _remove_xfa(pdf)
            if _remove_details(pdf):
                found.add("details")
            out = io.BytesIO()
            pdf.save(
                out,
                encryption=False,
                preserve_pdfa=False,
                fix_metadata_version=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
        with pikepdf.open(io.BytesIO(out.getvalue())) as copy:
            if active_content(copy) or _has_details(copy):
                raise PdfRefused("unsafe")
    except PdfRefused:
        raise
    except pikepdf.PasswordError:
        raise PdfRefused("password") from None
    except Exception:
        # Whatever qpdf raises on a broken or hostile file: refused.
        raise PdfRefused("unreadable") from None
    return CleanPdf(out.getvalue(), tuple(sorted(found)))


def active_content(pdf: pikepdf.Pdf) -> set[str]:
    """What in a PDF could act when it is opened, by kind. Every object is
    looked at, with the direct dictionaries and arrays inside it."""
    found: set[str] = set()
    names = pdf.Root.get(Name.Names)
    if isinstance(names, Dictionary):
        if Name.JavaScript in names:
            found.add("script")
        if Name.EmbeddedFiles in names:
            found.add("attachments")
    if Name.Collection in pdf.Root:
        found.add("attachments")
    for obj in pdf.objects:
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, Dictionary | Stream):
                found |= _kinds(item)
                children = [item.get(key) for key in item.keys()]  # noqa: SIM118 - pikepdf
            elif isinstance(item, Array):
                children = list(item)
            else:
                continue
            stack.extend(
                child
                for child in children
                if isinstance(child, Dictionary | Array) and not child.is_indirect
            )
    return found


def _kinds(item: Dictionary | Stream) -> set[str]:
    kinds = set()
    action = item.get(Name.S)
    if action == Name.JavaScript or Name.JS in item:
        kinds.add("script")
    if isinstance(action, Name) and action in _EXTERNAL:
        kinds.add("external")
    if isinstance(action, Name) and action in _MEDIA_ACTIONS:
        kinds.add("media")
    if item.get(Name.Type) == Name.EmbeddedFile or Name.EF in item:
        kinds.add("attachments")
    subtype = item.get(Name.Subtype)
    carrier = _CARRIERS.get(subtype) if isinstance(subtype, Name) else None
    if carrier is not None and carrier[0] in item:
        kinds.add(carrier[1])
    if Name.XFA in item:
        kinds.add("form")
    return kinds


def _remove_xfa(pdf: pikepdf.Pdf) -> None:
    """XFA forms carry their own scripts; the page content (often a
    "please wait" page in a pure XFA form) is what stays."""
    acroform = pdf.Root.get(Name.AcroForm)
    if isinstance(acroform, Dictionary) and Name.XFA in acroform:
        del acroform[Name.XFA]
    if Name.NeedsRendering in pdf.Root:
        del pdf.Root[Name.NeedsRendering]


def _remove_details(pdf: pikepdf.Pdf) -> bool:
    """The document information (author, software, dates) and every XMP
    metadata stream. True if there were any."""
    found = False
    if Name.Info in pdf.trailer:
        info = pdf.trailer.get(Name.Info)
        found = isinstance(info, Dictionary) and len(info.keys()) > 0
        del pdf.trailer[Name.Info]
    for obj in pdf.objects:
        if isinstance(obj, Dictionary | Stream) and Name.Metadata in obj:
            del obj[Name.Metadata]
            found = True
    return found


def _has_details(pdf: pikepdf.Pdf) -> bool:
    if Name.Info in pdf.trailer:
        return True
    return any(isinstance(obj, Dictionary | Stream) and Name.Metadata in obj for obj in pdf.objects)
