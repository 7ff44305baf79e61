"""A WARC web capture (``.warc`` or ``.warc.gz``), checked and its pages
listed, read without changing it.

The archive is read as a stream by warcio (the Webrecorder and Internet
Archive library that writes and reads WARC files): every record must
parse, and each one's ``WARC-Block-Digest`` and ``WARC-Payload-Digest``,
where the record has them, is computed again over its bytes and compared.
A record whose content no longer matches its digest is named (its record
id, its target URI and its offset in the archive), as is a record cut
short or bytes that are not a WARC record. What was captured (each
response, resource and revisit record's target URI, capture time, HTTP
status and content type) is listed, up to MAX_PAGES.

Memory stays flat whatever the archive: records are read a piece at a
time and only their headers are kept. Time is bounded too: at most
MAX_RECORDS records and MAX_CONTENT_BYTES of their content (decompressed)
are read, and an archive larger than CHECK_MAX_BYTES is not read at all
on upload (the page says so).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from warcio.archiveiterator import ArchiveIterator

MAX_TEXT = 200
MAX_PAGES = 500  # captured pages listed in the record
MAX_PROBLEMS = 50
MAX_RECORDS = 100_000  # records read on upload: time stays bounded
CHECK_MAX_BYTES = 1024 * 1024 * 1024  # archives up to this size are checked on upload
# Records' content read on upload, decompressed: a small .warc.gz can hold
# terabytes of zeros, and time stays bounded all the same.
MAX_CONTENT_BYTES = 4 * CHECK_MAX_BYTES
PIECE = 1024 * 1024
MANDATORY = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
CAPTURES = frozenset({"response", "resource", "revisit"})
PROBLEMS = {
    "block_digest": gettext_lazy(
        "record %(record)s (%(url)s, at byte %(offset)s): its content does not match its "
        "WARC-Block-Digest (it was changed)"
    ),
    "payload_digest": gettext_lazy(
        "record %(record)s (%(url)s, at byte %(offset)s): its payload does not match its "
        "WARC-Payload-Digest (it was changed)"
    ),
    "unknown_digest": gettext_lazy(
        "record %(record)s (%(url)s, at byte %(offset)s): its digest uses an unknown algorithm"
    ),
    "truncated": gettext_lazy(
        "record %(record)s (%(url)s, at byte %(offset)s) is cut short: the archive ends inside it"
    ),
    "misaligned": gettext_lazy(
        "record %(record)s (%(url)s, at byte %(offset)s) is not followed by the blank lines "
        "that end a record: its Content-Length is wrong (it was changed)"
    ),
    "malformed": gettext_lazy(
        "the record at byte %(offset)s lacks a field every WARC record has (WARC-Type, "
        "WARC-Record-ID, WARC-Date, Content-Length)"
    ),
    "unreadable": gettext_lazy(
        "after byte %(offset)s the archive does not parse as WARC records (damaged or not a WARC)"
    ),
    "too_much_content": gettext_lazy(
        "only the first %(megabytes)s MB of the archive's records were checked: it holds more"
    ),
    "too_many_records": gettext_lazy(
        "only the first %(count)s records were checked: the archive holds more"
    ),
}


def is_compressed_warc(head: bytes) -> bool:
    """Whether a gzip file's first bytes open a WARC record (``.warc.gz``)."""
    try:
        start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
    except zlib.error:
        return False
    return start.startswith(b"WARC/1.")


class ChunkReader(io.RawIOBase):
    """A file to read from a stream of pieces (an original's plaintext as
    it is decrypted), holding one piece at a time."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._piece = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._piece:
            try:
                self._piece = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._piece))
        buffer[:size] = self._piece[:size]
        self._piece = self._piece[size:]
        return size


def _text(value: Any) -> str:
    return str(value or "")[:MAX_TEXT]


def _page(record: Any) -> dict[str, Any]:
    headers = record.rec_headers
    page: dict[str, Any] = {
        "url": _text(headers.get_header("WARC-Target-URI")),
        "ts": _text(headers.get_header("WARC-Date")),
        "record_type": _text(record.rec_type),
    }
    http = record.http_headers
    if http is not None and record.rec_type != "resource":
        status = http.get_statuscode()
        if status and str(status).isdigit():
            page["status"] = int(status)
        page["type"] = _text(http.get_header("Content-Type"))
    else:
        page["type"] = _text(headers.get_header("Content-Type"))
    return page


def _drain(record: Any, allowance: int) -> tuple[int, int]:
    """Read a record's block to its end (this is when warcio compares its
    digests), or until ``allowance`` bytes were read: (the bytes read, the
    bytes of the record the archive did not hold: 0 for a whole record)."""
    stream = record.raw_stream
    read = 0
    while read < allowance and (piece := stream.read(min(PIECE, allowance - read))):
        read += len(piece)
    return read, int(getattr(stream, "limit", 0) or 0)


def _named(record: Any, offset: int, code: str) -> dict[str, Any]:
    headers = record.rec_headers
    return {
        "code": code,
        "record": _text(headers.get_header("WARC-Record-ID")),
        "url": _text(headers.get_header("WARC-Target-URI")),
        "offset": offset,
    }


def _digest_problems(record: Any, offset: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for problem in record.digest_checker.problems:
        text = str(problem)
        if text.startswith("unknown hash"):
            code = "unknown_digest"
        elif text.startswith("block"):
            code = "block_digest"
        else:
            code = "payload_digest"
        if code not in {p["code"] for p in found}:
            found.append(_named(record, offset, code))
    return found


def _well_formed(record: Any) -> bool:
    """Whether a record has the fields every WARC record must have."""
    headers = record.rec_headers
    length = headers.get_header("Content-Length")
    return all(headers.get_header(name) for name in MANDATORY) and str(length).isdigit()


def _has_digest(record: Any) -> bool:
    headers = record.rec_headers
    return bool(
        headers.get_header("WARC-Block-Digest") or headers.get_header("WARC-Payload-Digest")
    )


class _Problems(list[dict[str, Any]]):
    """The first MAX_PROBLEMS problems, and how many more there were: a
    hostile archive of a million bad records costs no more memory."""

    more = 0

    def append(self, problem: dict[str, Any]) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Any) -> None:
        for problem in problems:
            self.append(problem)


class _Archive(ArchiveIterator):
    """warcio's iterator, except that where a record is not followed by
    the blank lines that end it (its Content-Length is wrong), it notes
    it instead of writing the line that follows, the archive's content,
    to the process's stderr."""

    misaligned = False

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if len(line) == 0:
                return None, empty_size
            stripped = line.rstrip()
            if len(stripped) == 0 or first_line:
                empty_size += len(line)
                if len(stripped) != 0:
                    self.misaligned = True
                    self.err_count += 1
                first_line = False
                continue
            return line, empty_size


def warc_of(chunks: Callable[[], Iterator[bytes]]) -> dict[str, Any]:
    """The check of a WARC archive read from ``chunks`` (its plaintext, a
    piece at a time) and the pages it captured."""
    found: dict[str, Any] = {"format": "warc", "pages": []}
    problems = _Problems()
    records = digested = end = 0
    allowance = MAX_CONTENT_BYTES
    complete = True
    archive = _Archive(ChunkReader(chunks()), check_digests=True)
    try:
        for record in archive:
            if records >= MAX_RECORDS:
                problems.append({"code": "too_many_records", "count": MAX_RECORDS})
                complete = False
                break
            records += 1
            if record.rec_type in CAPTURES and len(found["pages"]) < MAX_PAGES:
                found["pages"].append(_page(record))
            if not _well_formed(record):
                problems.append(_named(record, archive.offset, "malformed"))
            read, missing = _drain(record, allowance)
            allowance -= read
            if missing and not allowance:
                problems.append({"code": "too_much_content", "count": MAX_CONTENT_BYTES})
                complete = False
                break
            offset = archive.get_record_offset()  # reads to the record's end
            end = archive.offset  # where the next record starts
            if missing:
                problems.append(_named(record, offset, "truncated"))
                complete = False
                break
            if _has_digest(record) and record.rec_type != "revisit":
                digested += 1
            problems.extend(_digest_problems(record, offset))
            if archive.misaligned:
                problems.append(_named(record, offset, "misaligned"))
                archive.misaligned = False
    except Exception:  # whatever warcio raises on hostile bytes: the rest is not read
        problems.append({"code": "unreadable", "offset": end})
        complete = False
    finally:
        archive.close()
    if records == 0:
        return {"format": "warc", "unreadable": True}
    found["check"] = {
        "records": records,
        "digests": digested,
        "complete": complete,
        "problems": list(problems),
    }
    if problems.more:
        found["check"]["more_problems"] = problems.more
    found["verified"] = complete and not problems and digested > 0
    return found


def findings(capture: dict[str, Any]) -> list[str]:
    """A WARC check's problems as sentences in the reader's language."""
    sentences = []
    for problem in capture.get("check", {}).get("problems", []):
        template = PROBLEMS.get(str(problem.get("code")))
        if template is None:
            sentences.append(
                gettext("an unknown problem: %(code)s") % {"code": problem.get("code")}
            )
            continue
        values = {
            "record": problem.get("record") or "?",
            "url": problem.get("url") or "—",
            "offset": problem.get("offset", "?"),
            "count": problem.get("count", MAX_RECORDS),
            "megabytes": int(problem.get("count", MAX_CONTENT_BYTES)) // 1024**2,
        }
        sentences.append(str(template) % values)
    return sentences
