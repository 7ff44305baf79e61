"""Matroska, WebM and AVI files for the container tests, built here byte
by byte as the specifications lay them out (EBML elements; RIFF chunks),
with a few frames' worth of filler where the frames would be."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

MKV_CREATED = "2017-03-26T22:10:00Z"
# The same moment in nanoseconds from 2001-01-01T00:00:00Z, as DateUTC holds it.
_MKV_DATE = (
    (datetime(2017, 3, 26, 22, 10, tzinfo=UTC) - datetime(2001, 1, 1, tzinfo=UTC))
    // timedelta(microseconds=1)
    * 1000
)


def _size(length: int) -> bytes:
    """An EBML size in eight bytes (marker 0x01), as muxers often write it."""
    return bytes([0x01]) + length.to_bytes(7, "big")


def element(ident: int, payload: bytes) -> bytes:
    width = (ident.bit_length() + 7) // 8
    return ident.to_bytes(width, "big") + _size(len(payload)) + payload


def uint(ident: int, value: int) -> bytes:
    return element(ident, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def matroska(
    *,
    doc_type: str = "webm",
    seconds: float = 12.345,
    dated: bool = True,
    video: tuple[str, int, int] = ("V_VP9", 640, 360),
    audio: tuple[str, float, int] | None = ("A_OPUS", 48000.0, 2),
    filler: int = 4096,
) -> bytes:
    """A Matroska (or WebM) file: its EBML header, a Segment of unknown
    size with Info, Tracks and one Cluster of ``filler`` bytes."""
    header = element(0x1A45DFA3, uint(0x4286, 1) + element(0x4282, doc_type.encode()))
    info = uint(0x2AD7B1, 1_000_000) + element(0x4489, struct.pack(">d", seconds * 1000))
    if dated:
        info += element(0x4461, struct.pack(">q", _MKV_DATE))
    info += element(0x4D80, b"handmade") + element(0x5741, b"handmade")
    codec, width, height = video
    tracks = element(
        0xAE,
        uint(0xD7, 1)
        + uint(0x83, 1)
        + element(0x86, codec.encode())
        + element(0xE0, uint(0xB0, width) + uint(0xBA, height)),
    )
    if audio is not None:
        name, rate, channels = audio
        tracks += element(
            0xAE,
            uint(0xD7, 2)
            + uint(0x83, 2)
            + element(0x86, name.encode())
            + element(0xE1, element(0xB5, struct.pack(">d", rate)) + uint(0x9F, channels)),
        )
    cluster = element(
        0x1F43B675, uint(0xE7, 0) + element(0xA3, b"\x81\x00\x00\x80" + b"\x00" * filler)
    )
    segment = element(0x1549A966, info) + element(0x1654AE6B, tracks) + cluster
    unknown_size = bytes([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    return header + bytes.fromhex("18538067") + unknown_size + segment


def chunk(kind: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return kind + struct.pack("<I", len(payload)) + payload + pad


def riff_list(kind: bytes, payload: bytes) -> bytes:
    return chunk(b"LIST", kind + payload)


def avi(
    *,
    frames: int = 250,
    fps: int = 25,
    size: tuple[int, int] = (320, 240),
    compression: bytes = b"MJPG",
    created: str | None = "2017-03-26",
    filler: int = 4096,
    all_frames: int | None = None,
) -> bytes:
    """An AVI: hdrl with avih and a video and an audio stream (strh, strf),
    with ``all_frames`` an OpenDML header counting every part's frames, an
    INFO list saying when it was made, and a movi list of filler."""
    width, height = size
    avih = struct.pack(
        "<14I", 1_000_000 // fps, 0, 0, 0x10, frames, 0, 2, 0, width, height, 0, 0, 0, 0
    )
    vids_strh = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh",
        b"vids",
        compression,
        0,
        0,
        0,
        0,
        1,
        fps,
        0,
        frames,
        0,
        0xFFFFFFFF,
        0,
        0,
        0,
        width,
        height,
    )
    vids_strf = struct.pack("<IiiHH4sIiiII", 40, width, height, 1, 24, compression, 0, 0, 0, 0, 0)
    auds_strh = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh",
        b"auds",
        b"\x00" * 4,
        0,
        0,
        0,
        0,
        1,
        8000,
        0,
        80000,
        0,
        0,
        2,
        0,
        0,
        0,
        0,
    )
    auds_strf = struct.pack("<HHIIHHH", 0x0001, 1, 8000, 16000, 2, 16, 0)
    hdrl = riff_list(
        b"hdrl",
        chunk(b"avih", avih)
        + riff_list(b"strl", chunk(b"strh", vids_strh) + chunk(b"strf", vids_strf))
        + riff_list(b"strl", chunk(b"strh", auds_strh) + chunk(b"strf", auds_strf))
        + (
            riff_list(b"odml", chunk(b"dmlh", struct.pack("<I", all_frames) + bytes(244)))
            if all_frames
            else b""
        ),
    )
    info = riff_list(b"INFO", chunk(b"ICRD", created.encode() + b"\x00")) if created else b""
    movi = riff_list(b"movi", chunk(b"00dc", b"\x00" * filler))
    body = b"AVI " + hdrl + info + movi
    return b"RIFF" + struct.pack("<I", len(body)) + body
