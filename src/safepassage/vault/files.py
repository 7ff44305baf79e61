"""Encrypted files: encrypted while the upload streams in, stored by the
hash of their ciphertext, decrypted as a stream on download.

No plaintext is ever written: FILE_UPLOAD_HANDLERS names only
EncryptingUploadHandler, which encrypts each chunk before it touches the
disk, with a fresh key held in memory. A view then *claims* the upload for a
compartment (the key is sealed to the compartment's public key and the
ciphertext moves into the store), or the upload is discarded at the end of
the request and its key forgotten.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from safepassage.vault import crypto, keys
from safepassage.vault.errors import Tampered, UploadRefused
from safepassage.vault.keyring import Keyring
from safepassage.vault.models import EncryptedFile
from safepassage.vault.streams import CHUNK, StreamWriter, decrypt_stream

HEAD_BYTES = 4096  # kept in memory only, to recognise the file type
BATCH_READ = 16 * CHUNK  # bytes read at once from a stream being staged
# Only types a browser will not run as a page are served inline-typed.
SAFE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf", "text/plain"}


def files_dir() -> Path:
    return Path(settings.FILES_DIR)


def staging_dir() -> Path:
    path = files_dir() / "staging"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store_path(digest: str) -> Path:
    return files_dir() / digest[:2] / digest


class StagedUpload(UploadedFile):
    """An upload that has been encrypted to a staging file. Its key lives
    only in this object until ``claim`` seals it to a compartment."""

    def __init__(
        self,
        *,
        path: Path,
        name: str,
        content_type: str,
        size: int,
        digest: str,
        key: bytes,
        head: bytes,
        plain_digest: str = "",
    ) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.path = path
        self.digest = digest
        self.key = key
        self.head = head
        # The SHA-256 of the plaintext, computed as it streamed in (what an
        # evidence item is known by; the store knows files by ``digest``).
        self.plain_digest = plain_digest
        self.claimed = False

    def __repr__(self) -> str:
        return f"<StagedUpload {self.size} bytes>"

    def open(self, *args: Any, **kwargs: Any) -> StagedUpload:
        raise UploadRefused("an encrypted upload is read with open_file after it is claimed")

    def discard(self) -> None:
        self.key = b""
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """What Django calls on every upload at the end of a request, and on
        those parsed so far when parsing fails: an upload no view claimed is
        discarded (there is no open file to close)."""
        if not self.claimed:
            self.discard()


def read_staged(upload: StagedUpload, limit: int) -> bytes:
    """The plaintext of a staged upload, in memory only, and the staging
    file gone. For files that are parsed into sealed rows (a victim list),
    not kept as files. Raises UploadRefused above ``limit`` bytes."""
    try:
        if (upload.size or 0) > limit:
            raise UploadRefused("the file is too large to read into memory")
        with upload.path.open("rb") as handle:
            return b"".join(decrypt_stream(handle, upload.key))
    finally:
        upload.discard()


def staged_chunks(upload: StagedUpload) -> Iterator[bytes]:
    """The plaintext of a staged upload, a piece at a time, read from its
    encrypted staging file (to inspect it before it is claimed); the
    upload stays staged."""
    if not upload.key:
        raise UploadRefused("this upload was already claimed or discarded")
    with upload.path.open("rb") as handle:
        yield from decrypt_stream(handle, upload.key)


def stage_bytes(data: bytes, *, name: str, content_type: str) -> StagedUpload:
    """A file made in memory (the cleaned copy of an upload), encrypted into
    staging with a fresh key exactly as an upload is, to be claimed or
    discarded like one. The plaintext never touches the disk."""
    key = crypto.random_key()
    path = staging_dir() / f"{uuid.uuid4().hex}.part"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    writer = StreamWriter(os.fdopen(fd, "wb"), key)
    try:
        writer.write(data)
        digest = writer.close()
    except BaseException:
        writer.abandon()
        path.unlink(missing_ok=True)
        raise
    return StagedUpload(
        path=path,
        name=name,
        content_type=content_type,
        size=len(data),
        digest=digest,
        key=key,
        head=data[:HEAD_BYTES],
        plain_digest=hashlib.sha256(data).hexdigest(),
    )


class TooLarge(UploadRefused):
    """A stream longer than the limit it was given: nothing was kept."""


def stage_stream(handle: IO[bytes], *, name: str, content_type: str, limit: int) -> StagedUpload:
    """A file read from ``handle`` (the command line's path to evidence)
    encrypted into staging as it is read, CHUNK bytes at a time, with the
    SHA-256 of its plaintext computed on the way: memory stays flat
    whatever the size. Past ``limit`` bytes, or on any error, the staging
    file is removed and nothing is left (TooLarge for the limit)."""
    key = crypto.random_key()
    path = staging_dir() / f"{uuid.uuid4().hex}.part"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    writer = StreamWriter(os.fdopen(fd, "wb"), key)
    plain = hashlib.sha256()
    head = b""
    buffer = bytearray(BATCH_READ)
    view = memoryview(buffer)
    try:
        while count := handle.readinto(buffer):  # type: ignore[attr-defined]
            if writer.size + count > limit:
                raise TooLarge("the file is larger than the limit")
            piece = view[:count]
            plain.update(piece)
            if len(head) < HEAD_BYTES:
                head += bytes(piece[: HEAD_BYTES - len(head)])
            writer.write(piece)
        digest = writer.close()
    except BaseException:
        writer.abandon()
        path.unlink(missing_ok=True)
        raise
    return StagedUpload(
        path=path,
        name=name,
        content_type=content_type,
        size=writer.size,
        digest=digest,
        key=key,
        head=head,
        plain_digest=plain.hexdigest(),
    )


class _Staging:
    """One file being encrypted to staging for a request: what is needed to
    remove it, whatever happens to the request."""

    def __init__(self, path: Path, writer: StreamWriter) -> None:
        self.path = path
        self.writer = writer

    def remove(self) -> None:
        if not self.writer.handle.closed:
            self.writer.abandon()
        # A claimed upload was moved to the store: nothing is left here.
        self.path.unlink(missing_ok=True)


def _staged_by(request: HttpRequest) -> list[_Staging]:
    found: list[_Staging] | None = getattr(request, "_staging", None)
    if found is None:
        found = []
        request._staging = found  # type: ignore[attr-defined]
    return found


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypts each uploaded file to staging as it streams in. Limits are
    checked before anything is written: the number of files in a request
    (UPLOAD_MAX_FILES: the next one ends the upload), the size of each file
    (UPLOAD_MAX_BYTES: that file is skipped) and of all files together
    (UPLOAD_MAX_TOTAL_BYTES: the upload ends). What was refused is noted in
    ``refusals(request)`` for the page to explain; the fields read so far
    stay in request.POST. Every staging file is registered on the request,
    so UploadCleanupMiddleware removes whatever no view claimed, also when
    parsing fails half-way (a broken part, too many files, a client gone)."""

    chunk_size = CHUNK
    touch_every = 60  # seconds: a slow upload's file stays younger than the sweep's limit

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files = 0
        self.total = 0
        self.refuse_all = False
        self.staging: _Staging | None = None

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # A body announcing more bytes than its files and fields may carry
        # together is refused at its first file, before any of it is written.
        fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        self.refuse_all = content_length > settings.UPLOAD_MAX_TOTAL_BYTES + fields

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.refuse_all:
            self._stop("too_large_total")
        if self.files > settings.UPLOAD_MAX_FILES:
            self._stop("too_many")
        if self.content_length is not None and self.content_length > settings.UPLOAD_MAX_BYTES:
            self._note("too_large")
            raise SkipFile()
        self.key = crypto.random_key()
        self.path = staging_dir() / f"{uuid.uuid4().hex}.part"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.writer = StreamWriter(os.fdopen(fd, "wb"), self.key)
        self.staging = _Staging(self.path, self.writer)
        if self.request is not None:
            _staged_by(self.request).append(self.staging)
        self.head = b""
        self.plain = hashlib.sha256()
        self.touched = time.time()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.writer.size + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self._abandon()
            self._note("too_large")
            raise SkipFile()
        if self.total + len(raw_data) > settings.UPLOAD_MAX_TOTAL_BYTES:
            self._abandon()
            self._stop("too_large_total")
        self.total += len(raw_data)
        if len(self.head) < HEAD_BYTES:
            self.head += raw_data[: HEAD_BYTES - len(self.head)]
        self.plain.update(raw_data)
        self.writer.write(raw_data)
        now = time.time()
        if now - self.touched > self.touch_every:
            os.utime(self.path)
            self.touched = now
        return None

    def file_complete(self, file_size: int) -> StagedUpload:
        digest = self.writer.close()
        self.staging = None
        return StagedUpload(
            path=self.path,
            name=self.file_name or "",
            content_type=self.content_type or "application/octet-stream",
            size=self.writer.size,
            digest=digest,
            key=self.key,
            head=self.head,
            plain_digest=self.plain.hexdigest(),
        )

    def upload_interrupted(self) -> None:
        self._abandon()

    def _note(self, reason: str) -> None:
        if self.request is not None:
            refusals(self.request).append((self.field_name, reason))

    def _stop(self, reason: str) -> None:
        """End the upload: nothing more is written, the rest of the body is
        read and dropped (so the person still gets the page)."""
        self._note(reason)
        raise StopUpload(connection_reset=False)

    def _abandon(self) -> None:
        if self.staging is not None:
            self.staging.remove()
            self.staging = None
        self.key = b""


def refusals(request: HttpRequest) -> list[tuple[str, str]]:
    """Uploads refused while the request streamed in: (field, reason)."""
    found: list[tuple[str, str]] | None = getattr(request, "_upload_refusals", None)
    if found is None:
        found = []
        request._upload_refusals = found  # type: ignore[attr-defined]
    return found


def _file_context(file_id: uuid.UUID, what: str) -> bytes:
    return f"safepassage.file.{what}:{file_id}".encode()


def seal_key_to(upload: StagedUpload, public: bytes, context: bytes) -> bytes:
    """The upload's file key and digest sealed to another public key as well
    (a person's own key, so they can read what was sent to them). Call
    before ``claim``, which forgets the key."""
    if not upload.key:
        raise UploadRefused("this upload was already claimed or discarded")
    return crypto.seal_with_context(public, upload.key + bytes.fromhex(upload.digest), context)


def open_with_private(
    private: bytes, wrapped: bytes, context: bytes, stored: EncryptedFile
) -> Iterator[bytes]:
    """Decrypt a file whose key was sealed with ``seal_key_to``."""
    secret = crypto.open_with_context(private, wrapped, context)
    file_key, digest = secret[: crypto.KEY_BYTES], secret[crypto.KEY_BYTES :].hex()
    if not crypto.same(digest.encode(), stored.digest.encode()):
        raise Tampered("the file key belongs to another file")
    return _chunks(stored, file_key)


def _chunks(stored: EncryptedFile, file_key: bytes) -> Iterator[bytes]:
    with store_path(stored.digest).open("rb") as handle:
        yield from decrypt_stream(handle, file_key)


@transaction.atomic
def claim(upload: StagedUpload, compartment: str) -> EncryptedFile:
    """Keep an upload for a compartment: its key sealed to the compartment's
    public key (no member's keys are needed), the ciphertext moved to the store."""
    if upload.claimed or not upload.key:
        raise UploadRefused("this upload was already claimed or discarded")
    key = keys.current_key(compartment)
    public = keys.verified_public_key(key)
    file_id = uuid.uuid4()
    secret = upload.key + bytes.fromhex(upload.digest)
    meta = json.dumps({"name": upload.name, "type": upload.content_type}).encode()
    stored = EncryptedFile.objects.create(
        id=file_id,
        compartment=compartment,
        version=key.version,
        wrapped_key=crypto.seal_with_context(public, secret, _file_context(file_id, "key")),
        sealed_meta=crypto.seal_with_context(public, meta, _file_context(file_id, "meta")),
        digest=upload.digest,
        size=upload.size or 0,
    )
    target = store_path(upload.digest)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(upload.path, target)
    upload.claimed = True
    upload.key = b""
    return stored


def unwrap(keyring: Keyring, stored: EncryptedFile) -> tuple[bytes, dict[str, str]]:
    """The file key and the sealed name and type, for a member."""
    bundle = keyring.bundle(stored.compartment, stored.version)
    secret = crypto.open_with_context(
        bundle.private_key, bytes(stored.wrapped_key), _file_context(stored.id, "key")
    )
    file_key, digest = secret[: crypto.KEY_BYTES], secret[crypto.KEY_BYTES :].hex()
    if not crypto.same(digest.encode(), stored.digest.encode()):
        raise Tampered("the file record points at another file")
    meta = json.loads(
        crypto.open_with_context(
            bundle.private_key, bytes(stored.sealed_meta), _file_context(stored.id, "meta")
        )
    )
    return file_key, meta


def open_file(keyring: Keyring, stored: EncryptedFile) -> tuple[dict[str, str], Iterator[bytes]]:
    file_key, meta = unwrap(keyring, stored)
    return meta, _chunks(stored, file_key)


def file_response(keyring: Keyring, stored: EncryptedFile) -> StreamingHttpResponse:
    """A download. The keys are used before streaming starts, so the stream
    needs none; a tampered file ends the stream with an error."""
    meta, chunks = open_file(keyring, stored)
    content_type = meta.get("type", "")
    if content_type not in SAFE_TYPES:
        content_type = "application/octet-stream"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    name = quote(meta.get("name", "file"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@transaction.atomic
def rewrap(keyring: Keyring, stored: EncryptedFile, compartment_key: Any) -> None:
    """Seal a file's key to a new compartment version (key rotation)."""
    bundle = keyring.bundle(stored.compartment, stored.version)
    public = keys.verified_public_key(compartment_key)
    for field, what in (("wrapped_key", "key"), ("sealed_meta", "meta")):
        context = _file_context(stored.id, what)
        plain = crypto.open_with_context(bundle.private_key, bytes(getattr(stored, field)), context)
        setattr(stored, field, crypto.seal_with_context(public, plain, context))
    stored.version = compartment_key.version
    stored.save(update_fields=["wrapped_key", "sealed_meta", "version"])


# Orphans: staging files of a process that died mid-upload (killed by a
# timeout, a crash, a restart). A live upload's file is touched at least every
# minute, so one untouched for this long belongs to no request.
ORPHAN_AFTER_SECONDS = 15 * 60
SWEEP_EVERY_SECONDS = 5 * 60
SWEEP_MARKER = ".staging-swept"  # beside the staging folder, which holds uploads only
_next_look = 0.0  # this process's next look at the marker (wall clock)


def sweep_staging(older_than_seconds: int = ORPHAN_AFTER_SECONDS) -> int:
    """Remove staging files left by processes that died mid-upload."""
    removed = 0
    cutoff = time.time() - older_than_seconds
    for path in staging_dir().glob("*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # claimed, discarded or swept meanwhile
            continue
    return removed


def sweep_now_and_then() -> int:
    """Sweep staging if no process of this installation has for
    SWEEP_EVERY_SECONDS. Called after every request: each process looks at
    the shared marker file at most that often, so a sweep costs nothing in
    between, and works the same with any number of worker processes or
    servers sharing the folder (two sweeping at once do no harm)."""
    global _next_look
    now = time.time()
    if now < _next_look:
        return 0
    _next_look = now + SWEEP_EVERY_SECONDS
    marker = staging_dir().parent / SWEEP_MARKER
    try:
        if now - marker.stat().st_mtime < SWEEP_EVERY_SECONDS:
            return 0
    except FileNotFoundError:
        pass
    marker.touch(mode=0o600)
    os.utime(marker, (now, now))
    return sweep_staging()


def discard_unclaimed(request: HttpRequest) -> None:
    """Remove every staging file of a request that no view claimed: whole
    uploads, and files cut short when parsing stopped half-way."""
    for staging in getattr(request, "_staging", ()):
        staging.remove()
    files = request.__dict__.get("_files")
    if files is not None:
        for _field, uploads in files.lists():
            for upload in uploads:
                if isinstance(upload, StagedUpload) and not upload.claimed:
                    upload.discard()


class UploadCleanupMiddleware:
    """Discards uploads that no view claimed, whatever the response or the
    error, and sweeps orphans from time to time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            discard_unclaimed(request)
            sweep_now_and_then()
