"""Encrypted file streams. Every stored file is in one of two formats, and
its content address is the SHA-256 of the whole ciphertext:

- v2, where the CPU has AES instructions: the 8 bytes MAGIC_V2, a random
  23-byte nonce prefix, then 64 KiB chunks each encrypted with AEGIS-256
  (32 bytes longer once encrypted), numbered in their nonces, the last one
  marked (crypto.ChunkEncryptor), with STREAM_CONTEXT_V2 as associated data;
- v1: a secretstream header, then 64 KiB messages (each 17 bytes longer
  once encrypted) with STREAM_CONTEXT as associated data, the FINAL tag on
  the last one.

New files are written in v2 unless VAULT_CIPHER asks for XChaCha20-Poly1305
or the CPU lacks AES instructions; both are always read. A v1 header is 24
random bytes, so one starts with MAGIC_V2 by chance once in 2**64 files.

Either way one stream is encrypted on one core, and what can run beside it
does, on a helper thread, in batches of messages held in reused buffers:
the SHA-256 (and, for v1, whose cipher is the slower part, the write), or
the reading and decryption ahead of the consumer. Plaintext is only ever in
memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings

from safepassage.vault import crypto
from safepassage.vault.errors import Tampered

CHUNK = 64 * 1024  # plaintext bytes per message
STREAM_CONTEXT = b"safepassage.file.v1"
STREAM_CONTEXT_V2 = b"safepassage.file.v2"
MAGIC_V2 = b"SP-FILE2"
BATCH = 16  # messages read, written and handed between threads at once (1 MiB)
RING = 3  # batch buffers in use at once in a large stream


class Encryptor(Protocol):
    header: bytes
    finished: bool

    def push_into(
        self, chunk: crypto.Buffer, out: crypto.Buffer, *, final: bool = False
    ) -> int: ...


class Decryptor(Protocol):
    finished: bool

    def pull_into(self, chunk: crypto.Buffer, out: crypto.Buffer) -> int: ...


@dataclass(frozen=True)
class Format:
    name: str
    magic: bytes  # what a file of this format starts with
    header_bytes: int  # the whole header, the magic included
    overhead: int  # bytes each message gains
    encryptor: Callable[[bytes], Encryptor]
    decryptor: Callable[[bytes, bytes], Decryptor]  # (key, header after the magic)
    # Whether the encrypting thread writes the ciphertext itself (the cipher
    # is fast) or leaves the write to the helper with the hash (it is not).
    writes_on_caller: bool

    @property
    def sealed_chunk(self) -> int:  # one whole message on disk
        return CHUNK + self.overhead


V1 = Format(
    "v1",
    b"",
    crypto.STREAM_HEADER_BYTES,
    crypto.STREAM_OVERHEAD,
    lambda key: crypto.StreamEncryptor(key, STREAM_CONTEXT),
    lambda key, header: crypto.StreamDecryptor(key, header, STREAM_CONTEXT),
    writes_on_caller=False,
)
V2 = Format(
    "v2",
    MAGIC_V2,
    len(MAGIC_V2) + crypto.CHUNK_PREFIX_BYTES,
    crypto.CHUNK_OVERHEAD,
    lambda key: crypto.ChunkEncryptor(key, STREAM_CONTEXT_V2, CHUNK),
    lambda key, header: crypto.ChunkDecryptor(key, header, STREAM_CONTEXT_V2, CHUNK),
    writes_on_caller=True,
)
SEALED_CHUNK = max(V1.sealed_chunk, V2.sealed_chunk)  # room for a message of either


def current_format() -> Format:
    """The format new files are written in (see VAULT_CIPHER)."""
    choice = getattr(settings, "VAULT_CIPHER", "auto")
    if choice == "xchacha20poly1305" or (choice == "auto" and not crypto.HARDWARE_AES):
        return V1
    return V2


class StreamWriter:
    """Encrypts a stream of any size into a file, in fixed-size messages.

    Messages are encrypted into a reused batch buffer, and the plaintext is
    not copied on the way (a whole message passed in as ``bytes`` is
    encrypted where it lies; only partial ones are gathered first). Once a
    stream outgrows one batch, a helper thread hashes each full batch
    (SHA-256 of the ciphertext, the content address) while the calling
    thread writes it and encrypts the next (v2); for v1 the helper writes
    too. libsodium, hashlib and file writes release the GIL, so two cores
    work at once. A smaller stream is hashed and written at close, with no
    thread. ``format`` is current_format() unless given. ``handle`` is a
    binary file open for writing; the writer closes it."""

    def __init__(self, handle: IO[bytes], key: bytes, format: Format | None = None) -> None:
        self.handle = handle
        self.format = format or current_format()
        self.encryptor = self.format.encryptor(key)
        self.hasher = hashlib.sha256()
        self.size = 0
        self._pending = bytearray(CHUNK)  # a message not yet whole: _pending[:_filled]
        self._filled = 0
        self._held: memoryview | None = None  # a whole message, in the caller's bytes
        self._batch: bytearray | None = bytearray(BATCH * SEALED_CHUNK)
        header = self.format.magic + self.encryptor.header
        self._batch[: len(header)] = header
        self._used = len(header)  # ciphertext in _batch[:_used]
        self._helper: _BatchWriter | None = None

    def _push(self, message: crypto.Buffer, *, final: bool = False) -> None:
        batch = self._batch
        if batch is None:
            if self._helper is None:
                raise ValueError("the stream was already finished")
            batch = self._batch = self._helper.free_batch()
            self._used = 0
        out = memoryview(batch)[self._used :]
        self._used += self.encryptor.push_into(message, out, final=final)
        if final or len(out) < 2 * SEALED_CHUNK:
            ciphertext = memoryview(batch)[: self._used]
            if self._helper is None and final:
                _hash_and_write(self.hasher, self.handle, ciphertext)
            else:
                writes = not self.format.writes_on_caller
                if self._helper is None:
                    self._helper = _BatchWriter(self, self.hasher, self.handle, writes=writes)
                if not writes:
                    # Written here; the helper hashes it and then starts
                    # its write-back (which would cost this thread time).
                    self._helper.check()
                    self.handle.write(ciphertext)
                    self.handle.flush()
                    end: int | None = self.handle.tell()
                else:
                    end = None
                self._helper.hand_over(batch, self._used, end)
            self._batch = None

    def write(self, data: crypto.Buffer) -> None:
        view = memoryview(data).cast("B")
        if not view:
            return
        self.size += len(view)
        # Every message is pushed only once a byte after it is known: the
        # last message carries the FINAL tag.
        if self._held is not None:
            self._push(self._held)
            self._held = None
        elif self._filled:
            take = min(CHUNK - self._filled, len(view))
            self._pending[self._filled : self._filled + take] = view[:take]
            self._filled += take
            view = view[take:]
            if not view:
                return
            self._push(self._pending)
            self._filled = 0
        while len(view) > CHUNK:
            self._push(view[:CHUNK])
            view = view[CHUNK:]
        if len(view) == CHUNK and isinstance(data, bytes):
            self._held = view  # bytes cannot change under us: no copy
        else:
            self._pending[: len(view)] = view
            self._filled = len(view)

    def _finish(self) -> str:
        """Push the last message (FINAL), wait until every batch is written,
        return the digest. close() without the fsync."""
        last = self._held if self._held is not None else memoryview(self._pending)[: self._filled]
        self._held = None
        self._push(last, final=True)
        self._filled = 0
        if self._helper is not None:
            self._helper.stop()
        return self.hasher.hexdigest()

    def close(self) -> str:
        """Finish the stream, make it durable (fsync) and return the SHA-256
        of the ciphertext file."""
        digest = self._finish()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        return digest

    def abandon(self) -> None:
        self._held = None
        self._batch = None
        if self._helper is not None:
            self._helper.stop(check=False)
        self.handle.close()


def _hash_and_write(hasher: Any, handle: IO[bytes], ciphertext: memoryview) -> None:
    """Hash and write ciphertext, in one pass over a batch still in cache."""
    hasher.update(ciphertext)
    _write(handle, ciphertext)


def _write(handle: IO[bytes], ciphertext: memoryview) -> None:
    """Write ciphertext and start writing it to the disk now."""
    handle.write(ciphertext)
    handle.flush()
    _write_back(handle, None, len(ciphertext))


def _write_back(handle: IO[bytes], end: int | None, length: int) -> None:
    """Start writing the ``length`` bytes before ``end`` (the end of the
    file if None) to the disk now (the final fsync then waits for less):
    the kernel writes the batch back while the next is encrypted. Not every
    file or system can (an in-memory file, no posix_fadvise): then the
    fsync does it all."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        end = handle.tell() if end is None else end
        os.posix_fadvise(handle.fileno(), end - length, length, os.POSIX_FADV_DONTNEED)


class _BatchWriter:
    """The writer's helper thread: hashes (and, if ``writes``, writes) full
    batches in order and hands their buffers back. After a failure it only
    hands buffers back, so the encrypting thread never waits forever; the
    failure is raised there. The thread holds no reference to the
    StreamWriter, so a writer dropped without close() or abandon() is
    collected and the thread ends."""

    def __init__(
        self, owner: StreamWriter, hasher: Any, handle: IO[bytes], *, writes: bool
    ) -> None:
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(RING - 1):
            self._free.put(bytearray(BATCH * SEALED_CHUNK))
        self._full: queue.SimpleQueue[tuple[bytearray, int, int | None] | None] = (
            queue.SimpleQueue()
        )
        self._failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run,
            args=(self._full, self._free, hasher, handle, writes, self._failure),
            name="sp-file-writer",
            daemon=True,
        )
        self._thread.start()
        self._stopper = weakref.finalize(owner, self._full.put, None)

    @staticmethod
    def _run(
        full: queue.SimpleQueue[tuple[bytearray, int, int | None] | None],
        free: queue.SimpleQueue[bytearray],
        hasher: Any,
        handle: IO[bytes],
        writes: bool,
        failure: list[BaseException],
    ) -> None:
        while (item := full.get()) is not None:
            batch, length, end = item
            if not failure:
                try:
                    if writes:
                        _hash_and_write(hasher, handle, memoryview(batch)[:length])
                    else:  # written already by the encrypting thread, up to end
                        hasher.update(memoryview(batch)[:length])
                        _write_back(handle, end, length)
                except BaseException as error:  # raised again on the encrypting thread
                    failure.append(error)
            free.put(batch)

    def check(self) -> None:
        if self._failure:
            raise self._failure[0]

    def hand_over(self, batch: bytearray, length: int, end: int | None) -> None:
        self.check()
        self._full.put((batch, length, end))

    def free_batch(self) -> bytearray:
        self.check()
        return self._free.get()

    def stop(self, *, check: bool = True) -> None:
        self._stopper()
        self._thread.join()
        if check:
            self.check()


def _read_full(handle: IO[bytes], view: memoryview) -> int:
    """Fill ``view`` from ``handle``; fewer bytes only at the end of the file."""
    total = 0
    while total < len(view):
        count = handle.readinto(view[total:])  # type: ignore[attr-defined]
        if not count:
            break
        total += count
    return total


def _decrypt_batch(
    handle: IO[bytes], decryptor: Decryptor, sealed: memoryview, plain: memoryview
) -> list[bytes]:
    """The plaintext of the next messages (up to BATCH), read in one piece;
    an empty list at the end of the file. ``sealed`` holds BATCH messages."""
    length = _read_full(handle, sealed)
    step = len(sealed) // BATCH
    pieces = []
    for start in range(0, length, step):
        size = decryptor.pull_into(sealed[start : min(start + step, length)], plain)
        pieces.append(plain[:size].tobytes())
    return pieces


def _open_header(handle: IO[bytes], key: bytes) -> tuple[Format, Decryptor]:
    """Read a stream's header: its format, and a decryptor for what follows."""
    header = handle.read(V1.header_bytes)
    if header.startswith(MAGIC_V2):
        rest = V2.header_bytes - len(header)
        header += handle.read(rest) if rest > 0 else b""
        if len(header) != V2.header_bytes:
            raise Tampered("stream header is invalid")
        return V2, V2.decryptor(key, header[len(MAGIC_V2) :])
    return V1, V1.decryptor(key, header)


def decrypt_stream(handle: IO[bytes], key: bytes) -> Iterator[bytes]:
    """Yield the plaintext, a message at a time; raise Tampered on any
    change or truncation.

    Messages are read a batch at a time into a reused buffer and decrypted
    into another; the plaintext leaves as ``bytes`` (the one copy), since the
    consumer may keep it. Past the first batch, a helper thread reads and
    decrypts ahead while the consumer takes the last batch."""
    format, decryptor = _open_header(handle, key)
    sealed = memoryview(bytearray(BATCH * format.sealed_chunk))
    plain = memoryview(bytearray(CHUNK))
    pieces = _decrypt_batch(handle, decryptor, sealed, plain)
    yield from pieces
    if len(pieces) == BATCH:
        yield from _decrypt_ahead(handle, decryptor, sealed, plain)
    if not decryptor.finished:
        raise Tampered("the file was truncated")


def _decrypt_ahead(
    handle: IO[bytes], decryptor: Decryptor, sealed: memoryview, plain: memoryview
) -> Iterator[bytes]:
    """The rest of a large stream, decrypted on a helper thread. The thread is
    stopped and joined before this returns, however the consumer leaves (an
    error, a closed download), so the caller may close the file."""
    ready: queue.Queue[list[bytes] | BaseException] = queue.Queue(maxsize=RING - 1)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                pieces = _decrypt_batch(handle, decryptor, sealed, plain)
                ready.put(pieces)
                if not pieces:
                    return
        except BaseException as error:  # raised again on the consumer's thread
            ready.put(error)

    thread = threading.Thread(target=run, name="sp-file-reader", daemon=True)
    thread.start()
    try:
        while pieces := ready.get():
            if isinstance(pieces, BaseException):
                raise pieces
            yield from pieces
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)  # the helper may wait for room to put a batch
        thread.join()
