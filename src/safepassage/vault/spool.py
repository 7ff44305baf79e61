"""Sealed spools: bytes held for the length of one request, in memory up to
a limit and beyond it in a nameless temporary file, encrypted.

The server's front holds a whole request body before the application reads
it, and a whole streamed response before a slow client takes it. A large
one must not fill the memory, and must not reach the disk readable: past
``memory`` bytes a spool writes to a file that has no name in any folder
(O_TMPFILE, or created and unlinked at once), encrypted as a file stream
(streams.StreamWriter) under a random key that only the spool object
holds. Nothing is left once the spool is closed or its process ends, and
the file was never readable without the key.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from safepassage.vault import crypto
from safepassage.vault.streams import CHUNK, StreamWriter, decrypt_stream


class SealedSpool:
    """Write bytes, then read them back once, as a file or in pieces."""

    def __init__(self, directory: Path, *, memory: int) -> None:
        self.directory = directory
        self.memory = memory
        self.size = 0
        self._held = bytearray()
        self._file: IO[bytes] | None = None
        self._writer: StreamWriter | None = None
        self._key = b""
        self._finished = False

    @property
    def spilled(self) -> bool:
        """Whether the bytes went past the memory limit to the sealed file."""
        return self._file is not None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._finished:
            raise ValueError("the spool is already being read")
        if not data:
            return
        self.size += len(data)
        if self._writer is None and len(self._held) + len(data) <= self.memory:
            self._held += data
            return
        writer = self._writer or self._spill()
        writer.write(data)

    def _spill(self) -> StreamWriter:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        # TemporaryFile opens with O_TMPFILE where the system can (no name
        # ever), else creates and unlinks at once.
        self._file = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 - closed in close()
        self._key = crypto.random_key()
        self._writer = writer = StreamWriter(self._file, self._key)
        if self._held:
            writer.write(bytes(self._held))
            self._held = bytearray()
        return writer

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._writer is not None and self._file is not None:
            # Written but not made durable: the file dies with the process.
            self._writer._finish()
            self._file.flush()
            self._file.seek(0)

    def chunks(self) -> Iterator[bytes]:
        """The bytes written, in pieces of at most CHUNK bytes."""
        self._finish()
        if self._file is None:
            held = memoryview(self._held)
            for start in range(0, len(held), CHUNK):
                yield bytes(held[start : start + CHUNK])
            return
        yield from decrypt_stream(self._file, self._key)

    def reader(self) -> IO[bytes]:
        """The bytes written, as a file open for reading (the application's
        view of a request body). Closing it closes the spool."""
        self._finish()
        if self._file is None:
            return _HeldReader(self)
        return io.BufferedReader(_PlainReader(self), buffer_size=CHUNK)

    def close(self) -> None:
        """Forget the key and close the file (which, having no name, is gone)."""
        self._key = b""
        self._held = bytearray()
        writer, self._writer = self._writer, None
        if writer is not None and not self._finished:
            writer.abandon()
        file, self._file = self._file, None
        if file is not None:
            file.close()


class _HeldReader(io.BytesIO):
    """A small spool's bytes, read from memory."""

    def __init__(self, spool: SealedSpool) -> None:
        super().__init__(bytes(spool._held))
        self._spool = spool

    def close(self) -> None:
        self._spool.close()
        super().close()


class _PlainReader(io.RawIOBase):
    """Decrypts a spilled spool as it is read."""

    def __init__(self, spool: SealedSpool) -> None:
        self._spool = spool
        self._pieces = spool.chunks()
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        if not self.closed:
            close_pieces = getattr(self._pieces, "close", None)
            if close_pieces is not None:
                close_pieces()
            self._spool.close()
        super().close()
