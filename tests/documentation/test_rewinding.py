"""A file's plaintext read as a seekable stream from a source that only
reads from the start: every read at every position gives the file's bytes,
one piece is held at a time, and moving back starts the source again."""

from __future__ import annotations

import io
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.documentation.rewinding import Rewinding

moves = st.lists(
    st.tuples(st.sampled_from([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END]), st.integers(-300, 300)),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=1000),
    piece=st.integers(1, 97),
    steps=moves,
    sizes=st.lists(st.integers(0, 400), min_size=30, max_size=30),
)
def test_it_reads_as_a_file_in_memory_reads(
    data: bytes, piece: int, steps: list[tuple[int, int]], sizes: list[int]
) -> None:
    opened: list[int] = []

    def source() -> Iterator[bytes]:
        opened.append(1)
        for start in range(0, len(data), piece):
            yield data[start : start + piece]

    expected = io.BytesIO(data)
    with Rewinding(source, len(data)) as stream:
        for (whence, offset), size in zip(steps, sizes, strict=False):
            base = {io.SEEK_SET: 0, io.SEEK_CUR: expected.tell(), io.SEEK_END: len(data)}[whence]
            if base + offset < 0:
                continue
            assert stream.seek(offset, whence) == expected.seek(offset, whence)
            assert stream.read(size) == expected.read(size)
            assert stream.tell() == expected.tell()
        assert stream.read() == expected.read()
        assert stream.passes == len(opened)


def test_it_passes_over_the_file_once_when_read_forward_and_closes_its_source() -> None:
    closed: list[bool] = []

    def source() -> Iterator[bytes]:
        try:
            for start in range(0, 10_000, 100):
                yield bytes([start % 251]) * 100
        finally:
            closed.append(True)

    with Rewinding(source, 10_000) as stream:
        stream.seek(5_000)
        assert stream.read(3) == bytes([5_000 % 251]) * 3
        stream.seek(9_000)
        assert len(stream.read()) == 1_000
        assert stream.passes == 1
        stream.seek(0)
        assert stream.read(1) == b"\x00"
        assert stream.passes == 2
        assert closed == [True]  # the first pass's source was closed before the second
    assert closed == [True, True]
