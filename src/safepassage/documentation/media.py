"""What an audio or video container says about itself, read without
changing it: its duration, its streams' codecs, and when it was made
where the file records it.

Mutagen reads the containers (MP4 and QuickTime, MP3, Ogg, FLAC, WAV):
duration, the audio codec, and the tags that date a recording (MP4's
``©day``, ID3's TDRC, Vorbis comments' DATE). What it leaves out of an
MP4, the movie's own creation time (``mvhd``) and each track's kind,
codec and, for video, frame size (``hdlr``, ``stsd``), is read here from
the few boxes that hold them. Everything is read from a copy in memory: the original is never
written, and a file that does not parse gives ``{"unreadable": True}``.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import mutagen

MAX_TEXT = 200
MAX_TRACKS = 16
# MP4 times count seconds from 1904-01-01, UTC.
MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
# Containers mutagen reads, by the name capture.detect gives them.
CONTAINERS = frozenset({"mp4", "quicktime", "m4a", "mp3", "ogg", "flac", "wav"})
# Tags that say when a recording was made, by container family.
_DATE_TAGS = ("©day", "TDRC", "TDOR", "date", "DATE", "creation_time")
# Boxes an MP4 track's kind and codec sit in.
_TRACK_PATH = (b"mdia", b"minf", b"stbl", b"stsd")


def media_of(data: bytes, container: str) -> dict[str, Any]:
    """Duration (seconds), codecs and creation time of an audio or video
    file held in memory."""
    try:
        parsed = mutagen.File(io.BytesIO(data))
    except (mutagen.MutagenError, struct.error, ValueError, EOFError, IndexError):
        parsed = None
    found: dict[str, Any] = {}
    if parsed is not None:
        found.update(_from_mutagen(parsed))
    if container in {"mp4", "quicktime", "m4a"}:
        found.update(_from_boxes(data))
    if set(found) <= {"format"}:  # a container's name alone: nothing it says was read
        return {"unreadable": True}
    return found


def _from_mutagen(parsed: Any) -> dict[str, Any]:
    info = parsed.info
    found: dict[str, Any] = {"format": type(parsed).__name__}
    length = getattr(info, "length", None)
    if isinstance(length, int | float) and length > 0:
        found["duration"] = round(float(length), 3)
    codec = getattr(info, "codec_description", None) or getattr(info, "codec", None)
    if codec:
        found["audio_codec"] = str(codec)[:MAX_TEXT]
    for name in ("sample_rate", "channels", "bitrate"):
        value = getattr(info, name, None)
        if isinstance(value, int) and value > 0:
            found[name] = value
    tags = parsed.tags
    if tags is not None:
        for key in _DATE_TAGS:
            try:
                value = tags.get(key)
            except (KeyError, ValueError, TypeError):
                value = None
            if value:
                found["recorded"] = _text(value)
                break
    return found


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    text = getattr(value, "text", None)  # an ID3 frame
    if isinstance(text, list) and text:
        value = text[0]
    return str(value)[:MAX_TEXT]


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box between ``start`` and ``end``."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1 and offset + 16 <= end:
            (size,) = struct.unpack_from(">Q", data, offset + 8)
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind, offset + header, offset + size
        offset += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, begin, finish in _boxes(data, start, end):
        if found == kind:
            return begin, finish
    return None


def _from_boxes(data: bytes) -> dict[str, Any]:
    """An MP4's creation time (mvhd) and its tracks' kinds and codecs."""
    moov = _child(data, 0, len(data), b"moov")
    if moov is None:
        return {}
    found: dict[str, Any] = {}
    mvhd = _child(data, *moov, b"mvhd")
    if mvhd is not None and mvhd[1] - mvhd[0] >= 20:
        version = data[mvhd[0]]
        if version == 1 and mvhd[1] - mvhd[0] >= 32:
            (created,) = struct.unpack_from(">Q", data, mvhd[0] + 4)
            scale, duration = struct.unpack_from(">IQ", data, mvhd[0] + 20)
        else:
            created, _modified, scale, duration = struct.unpack_from(">IIII", data, mvhd[0] + 4)
        if created:
            moment = MP4_EPOCH + timedelta(seconds=created)
            found["created"] = moment.isoformat().replace("+00:00", "Z")
        if scale and duration and duration != 0xFFFFFFFF:
            found.setdefault("duration", round(duration / scale, 3))
    tracks: list[dict[str, Any]] = []
    for kind, begin, finish in _boxes(data, *moov):
        if kind != b"trak" or len(tracks) >= MAX_TRACKS:
            continue
        track = _track(data, begin, finish)
        if track:
            tracks.append(track)
    if tracks:
        found["tracks"] = tracks
        video = [t for t in tracks if t.get("kind") == "video"]
        codecs = [t["codec"] for t in video if "codec" in t]
        if codecs:
            found["video_codec"] = codecs[0]
        sized = [t for t in video if t.get("width") and t.get("height")]
        if sized:
            found["width"], found["height"] = sized[0]["width"], sized[0]["height"]
    return found


def _track(data: bytes, start: int, end: int) -> dict[str, Any]:
    track: dict[str, Any] = {}
    mdia = _child(data, start, end, b"mdia")
    if mdia is None:
        return track
    hdlr = _child(data, *mdia, b"hdlr")
    if hdlr is not None and hdlr[1] - hdlr[0] >= 12:
        handler = data[hdlr[0] + 8 : hdlr[0] + 12]
        track["kind"] = {b"vide": "video", b"soun": "audio"}.get(handler, _fourcc(handler))
    span: tuple[int, int] | None = (start, end)
    for name in _TRACK_PATH:
        span = _child(data, *span, name) if span is not None else None
    if span is not None and span[1] - span[0] >= 16:
        track["codec"] = _fourcc(data[span[0] + 12 : span[0] + 16])
    # A video sample entry's coded frame size: after the stsd's version and
    # count, the entry's own header, and 24 bytes of reserved and
    # predefined fields (ISO/IEC 14496-12, VisualSampleEntry).
    if track.get("kind") == "video" and span is not None and span[1] - span[0] >= 44:
        width, height = struct.unpack_from(">HH", data, span[0] + 40)
        if width and height:
            track["width"], track["height"] = width, height
    return track


def _fourcc(raw: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "?" for b in raw)
