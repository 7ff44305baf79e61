"""A file's plaintext as a seekable stream, for a library that reads a
file by seeking about in it (c2pa-python checking a video's manifest),
where the plaintext only comes as a stream from the start: an encrypted
file is decrypted a piece at a time, and never written out decrypted.

``Rewinding`` holds one piece in memory whatever the file's size. Reading
on, or seeking forward, decrypts and passes over what lies between; seeking
back starts the source again from the beginning (``passes`` counts how
often). A library that reads a file mostly forward, as C2PA's does (a
file's boxes or segments, then the ranges its hash covers), costs a few
passes over it, and memory stays flat.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any


class Rewinding(io.RawIOBase):
    def __init__(self, source: Callable[[], Iterator[bytes]], size: int) -> None:
        super().__init__()
        self._source = source
        self._size = size
        self._pieces: Iterator[bytes] | None = None
        self._piece = b""
        self._piece_at = 0  # where the piece in memory begins in the file
        self._at = 0  # where the next read begins
        self.passes = 0  # how often the source was read from its start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("cannot seek before the start of the file")
        self._at = base + offset
        return self._at

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._at < self._size and self._reach(self._at):
            start = self._at - self._piece_at
            count = min(len(view) - done, len(self._piece) - start)
            view[done : done + count] = self._piece[start : start + count]
            done += count
            self._at += count
        return done

    def _reach(self, offset: int) -> bool:
        """Whether the piece holding ``offset`` is now in memory."""
        if self._piece_at <= offset < self._piece_at + len(self._piece):
            return True
        if self._pieces is None or offset < self._piece_at:
            self._stop()
            self._pieces = self._source()
            self._piece, self._piece_at = b"", 0
            self.passes += 1
        while offset >= self._piece_at + len(self._piece):
            self._piece_at += len(self._piece)
            piece = next(self._pieces, None)
            if piece is None:
                self._piece = b""
                return False
            self._piece = bytes(piece)
        return True

    def _stop(self) -> None:
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()  # a generator reading a file closes it
        self._pieces = None

    def close(self) -> None:
        self._stop()
        self._piece = b""
        super().close()
