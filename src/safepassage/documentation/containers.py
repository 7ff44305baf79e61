"""What a Matroska or WebM (``.mkv``, ``.webm``) and an AVI (``.avi``)
video says about itself, read from its header region only: its duration,
its tracks' codecs, the frame size, the audio's sampling, and when it was
made where the container records it.

Mutagen does not read these containers, and a whole demuxer is not needed
to read a few header fields, so two small parsers read them here:

- Matroska is EBML, nested elements each with an id and a size. The
  Segment's Info holds TimecodeScale, Duration and DateUTC (nanoseconds
  since 2001-01-01, UTC); its Tracks hold each TrackEntry's TrackType,
  CodecID and, under Video, PixelWidth and PixelHeight, under Audio,
  SamplingFrequency and Channels. Reading stops at the first Cluster
  (where the frames begin).
- AVI is RIFF: the ``hdrl`` list holds the main header (``avih``: the
  microseconds per frame, the number of frames, the frame size) and one
  ``strl`` list per stream, with its header (``strh``: video or audio, its
  rate and length) and format (``strf``: the video's compression, the
  audio's format tag, channels and rate); a file past 1 GB (OpenDML)
  counts all its frames in ``odml``/``dmlh``; an ``INFO`` list may say
  when it was made (``ICRD``) and a camera may write ``IDIT``. Reading stops at
  ``movi`` (where the frames begin).

Only the first HEADER_BYTES of the file are read, whatever its size, and
every loop stops at a count, so memory and time stay bounded. Nothing is
written. A file whose header does not parse gives ``{"unreadable": True}``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

HEADER_BYTES = 2 * 1024 * 1024  # the header region read of a Matroska or AVI file
MAX_TEXT = 200
MAX_TRACKS = 16
MAX_ELEMENTS = 4096  # elements or chunks looked at in one file
CONTAINERS = frozenset({"matroska", "avi"})
# Matroska's dates count nanoseconds from the start of the third millennium, UTC.
MATROSKA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)

# EBML and Matroska element ids (with their length marker, as written).
EBML = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
INFO = 0x1549A966
TRACKS = 0x1654AE6B
CLUSTER = 0x1F43B675
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
DATE_UTC = 0x4461
TRACK_ENTRY = 0xAE
TRACK_TYPE = 0x83
CODEC_ID = 0x86
VIDEO = 0xE0
AUDIO = 0xE1
PIXEL_WIDTH = 0xB0
PIXEL_HEIGHT = 0xBA
SAMPLING = 0xB5
CHANNELS = 0x9F
DOC_TYPES = {"matroska": "Matroska", "webm": "WebM"}
TRACK_KINDS = {1: "video", 2: "audio", 0x11: "subtitle"}
# AVI audio format tags most often met.
AUDIO_FORMATS = {
    0x0001: "PCM",
    0x0002: "ADPCM",
    0x0006: "A-law",
    0x0007: "µ-law",
    0x0011: "IMA ADPCM",
    0x0050: "MPEG audio",
    0x0055: "MP3",
    0x00FF: "AAC",
    0x2000: "AC-3",
}


class Unreadable(Exception):
    """The header region does not parse as the container it claims to be."""


def header_of(chunks: Iterator[bytes], limit: int = HEADER_BYTES) -> bytes:
    """The first ``limit`` bytes of a file given a piece at a time (the
    rest is never read)."""
    head = bytearray()
    try:
        for piece in chunks:
            head += piece[: limit - len(head)]
            if len(head) >= limit:
                break
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # a generator reading the stored file lets it go now
    return bytes(head)


def container_of(head: bytes, container: str) -> dict[str, Any]:
    """What a Matroska or AVI file's header region says (``head`` is its
    start, at most HEADER_BYTES)."""
    try:
        found = _matroska(head) if container == "matroska" else _avi(head)
    except (Unreadable, struct.error, ValueError, OverflowError, IndexError):
        return {"unreadable": True}
    if not found.get("tracks"):
        found.pop("tracks", None)
        if "duration" not in found:  # a container's name alone: nothing it says was read
            return {"unreadable": True}
    return found


# Matroska ------------------------------------------------------------------


def _vint(data: bytes, offset: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``offset``: (value, length);
    an element size of all ones (unknown) gives -1."""
    if offset >= len(data):
        raise Unreadable("end of data")
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > (4 if keep_marker else 8) or offset + length > len(data):
        raise Unreadable("bad variable-length integer")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return -1, length
    return value, length


def _elements(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(id, payload start, payload end) of each element between ``start``
    and ``end``; a size past the data (a header region cut short, or an
    unknown size) is taken to reach ``end``, and the first element that
    does not parse ends the list."""
    offset = start
    seen = 0
    while offset < end and seen < MAX_ELEMENTS:
        try:
            element, id_length = _vint(data, offset, keep_marker=True)
            size, size_length = _vint(data, offset + id_length, keep_marker=False)
        except Unreadable:
            return  # cut short or damaged here: what was read before stands
        begin = offset + id_length + size_length
        finish = end if size < 0 or begin + size > end else begin + size
        yield element, begin, finish
        offset = finish
        seen += 1


def _uint(data: bytes, start: int, end: int) -> int:
    if not 0 < end - start <= 8:
        raise Unreadable("bad unsigned integer")
    return int.from_bytes(data[start:end], "big")


def _float(data: bytes, start: int, end: int) -> float:
    if end - start == 4:
        return float(struct.unpack(">f", data[start:end])[0])
    if end - start == 8:
        return float(struct.unpack(">d", data[start:end])[0])
    raise Unreadable("bad float")


def _string(data: bytes, start: int, end: int) -> str:
    return data[start:end].split(b"\x00")[0].decode("utf-8", "replace")[:MAX_TEXT]


def _matroska(data: bytes) -> dict[str, Any]:
    found: dict[str, Any] = {}
    elements = _elements(data, 0, len(data))
    element, begin, finish = next(elements, (0, 0, 0))
    if element != EBML:
        raise Unreadable("no EBML header")
    for child, start, end in _elements(data, begin, finish):
        if child == DOC_TYPE:
            doc_type = _string(data, start, end)
            found["format"] = DOC_TYPES.get(doc_type, doc_type)
    for element, begin, finish in elements:
        if element == SEGMENT:
            _segment(data, begin, finish, found)
            break
    return found


def _segment(data: bytes, start: int, end: int, found: dict[str, Any]) -> None:
    for element, begin, finish in _elements(data, start, end):
        if element == INFO:
            _info(data, begin, finish, found)
        elif element == TRACKS:
            _tracks(data, begin, finish, found)
        elif element == CLUSTER:
            return  # the frames begin: the header region is over


def _info(data: bytes, start: int, end: int, found: dict[str, Any]) -> None:
    scale = 1_000_000  # nanoseconds per timecode unit, Matroska's default
    duration: float | None = None
    for element, begin, finish in _elements(data, start, end):
        if element == TIMECODE_SCALE:
            scale = _uint(data, begin, finish) or scale
        elif element == DURATION:
            duration = _float(data, begin, finish)
        elif element == DATE_UTC and finish - begin == 8:
            (nanoseconds,) = struct.unpack(">q", data[begin:finish])
            moment = MATROSKA_EPOCH + timedelta(microseconds=nanoseconds // 1000)
            found["created"] = moment.isoformat().replace("+00:00", "Z")
    if duration is not None and duration > 0:
        found["duration"] = round(duration * scale / 1e9, 3)


def _tracks(data: bytes, start: int, end: int, found: dict[str, Any]) -> None:
    tracks: list[dict[str, Any]] = found.setdefault("tracks", [])
    for element, begin, finish in _elements(data, start, end):
        if element != TRACK_ENTRY or len(tracks) >= MAX_TRACKS:
            continue
        track: dict[str, Any] = {}
        for child, first, last in _elements(data, begin, finish):
            if child == TRACK_TYPE:
                number = _uint(data, first, last)
                track["kind"] = TRACK_KINDS.get(number, str(number))
            elif child == CODEC_ID:
                track["codec"] = _string(data, first, last)
            elif child in (VIDEO, AUDIO):
                _track_details(data, first, last, track)
        if track:
            tracks.append(track)
    _summary(found)


def _track_details(data: bytes, start: int, end: int, track: dict[str, Any]) -> None:
    for element, begin, finish in _elements(data, start, end):
        if element == PIXEL_WIDTH:
            track["width"] = _uint(data, begin, finish)
        elif element == PIXEL_HEIGHT:
            track["height"] = _uint(data, begin, finish)
        elif element == SAMPLING:
            track["sample_rate"] = round(_float(data, begin, finish))
        elif element == CHANNELS:
            track["channels"] = _uint(data, begin, finish)


def _summary(found: dict[str, Any]) -> None:
    """The first video and audio tracks' facts, where the page reads them."""
    tracks = found.get("tracks", [])
    video = next((t for t in tracks if t.get("kind") == "video"), None)
    audio = next((t for t in tracks if t.get("kind") == "audio"), None)
    if video is not None:
        if "codec" in video:
            found["video_codec"] = video["codec"]
        if video.get("width") and video.get("height"):
            found["width"], found["height"] = video["width"], video["height"]
    if audio is not None:
        if "codec" in audio:
            found["audio_codec"] = audio["codec"]
        for name in ("sample_rate", "channels"):
            if audio.get(name):
                found[name] = audio[name]


# AVI -----------------------------------------------------------------------


def _chunks(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(fourcc, payload start, payload end) of each RIFF chunk; a list's
    payload starts with its own type."""
    offset = start
    seen = 0
    while offset + 8 <= end and seen < MAX_ELEMENTS:
        kind, size = struct.unpack_from("<4sI", data, offset)
        begin = offset + 8
        finish = min(begin + size, end)
        yield kind, begin, finish
        offset = begin + size + (size & 1)  # chunks are padded to even sizes
        seen += 1


def _fourcc(raw: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "?" for b in raw).strip()


def _avi(data: bytes) -> dict[str, Any]:
    if data[:4] != b"RIFF" or data[8:12] != b"AVI ":
        raise Unreadable("not an AVI")
    found: dict[str, Any] = {"format": "AVI"}
    for kind, begin, finish in _chunks(data, 12, len(data)):
        if kind != b"LIST" or finish - begin < 4:
            continue
        form = data[begin : begin + 4]
        if form == b"hdrl":
            _hdrl(data, begin + 4, finish, found)
        elif form == b"INFO":
            _avi_info(data, begin + 4, finish, found)
        elif form == b"movi":
            break  # the frames begin: the header region is over
    _summary(found)
    return found


def _hdrl(data: bytes, start: int, end: int, found: dict[str, Any]) -> None:
    tracks: list[dict[str, Any]] = found.setdefault("tracks", [])
    per_frame = frames = 0
    for kind, begin, finish in _chunks(data, start, end):
        if kind == b"avih" and finish - begin >= 40:
            per_frame, _rate, _pad, _flags, counted = struct.unpack_from("<5I", data, begin)
            frames = max(frames, counted)
            width, height = struct.unpack_from("<2I", data, begin + 32)
            if width and height:
                found["width"], found["height"] = width, height
        elif kind == b"LIST" and data[begin : begin + 4] == b"odml":
            # OpenDML (files past 1 GB): avih counts the first part's frames
            # only; dmlh counts them all.
            for inner, first, last in _chunks(data, begin + 4, finish):
                if inner == b"dmlh" and last - first >= 4:
                    frames = max(frames, struct.unpack_from("<I", data, first)[0])
        elif kind == b"LIST" and data[begin : begin + 4] == b"strl" and len(tracks) < MAX_TRACKS:
            track = _strl(data, begin + 4, finish)
            if track:
                tracks.append(track)
        elif kind == b"IDIT":
            found["recorded"] = _string(data, begin, finish).strip()
    if per_frame and frames:
        found["duration"] = round(per_frame * frames / 1e6, 3)


def _strl(data: bytes, start: int, end: int) -> dict[str, Any]:
    track: dict[str, Any] = {}
    for kind, begin, finish in _chunks(data, start, end):
        if kind == b"strh" and finish - begin >= 36:
            track["kind"] = {b"vids": "video", b"auds": "audio", b"txts": "subtitle"}.get(
                data[begin : begin + 4], _fourcc(data[begin : begin + 4])
            )
            handler = _fourcc(data[begin + 4 : begin + 8])
            if handler and track["kind"] == "video":
                track["codec"] = handler
        elif kind == b"strf" and track.get("kind") == "video" and finish - begin >= 20:
            width, height = struct.unpack_from("<ii", data, begin + 4)
            compression = _fourcc(data[begin + 16 : begin + 20])
            if compression:
                track["codec"] = compression
            track["width"], track["height"] = width, abs(height)
        elif kind == b"strf" and track.get("kind") == "audio" and finish - begin >= 8:
            tag, channels, rate = struct.unpack_from("<HHI", data, begin)
            track["codec"] = AUDIO_FORMATS.get(tag, f"0x{tag:04x}")
            track["channels"], track["sample_rate"] = channels, rate
    return track


def _avi_info(data: bytes, start: int, end: int, found: dict[str, Any]) -> None:
    for kind, begin, finish in _chunks(data, start, end):
        if kind == b"ICRD":
            found.setdefault("recorded", _string(data, begin, finish).strip())
