"""Encrypted files: encrypted while they stream in, never a plaintext
temporary file, decrypted as a stream, with a size limit."""

from __future__ import annotations

import errno
import gc
import hashlib
import io
import itertools
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safepassage.vault import files, streams
from safepassage.vault.errors import Tampered
from safepassage.vault.models import EncryptedFile
from tests.base import Organisation, Vault, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.specimens.urls")]

SENTINEL = b"PASSPORT-OF-AMINA-SENTINEL"


def _content(size: int) -> bytes:
    body = os.urandom(size)
    return body[: size // 2] + SENTINEL + body[size // 2 :]


def _upload(
    client: Client, content: bytes, *, keep: bool = True, name: str = "amina.pdf"
) -> object:
    document = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        "/specimens/upload/", {"document": document, "keep": "yes" if keep else "no"}
    )


def _everything_under(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.rglob("*") if p.is_file())


def test_an_upload_is_stored_encrypted_and_comes_back_whole(
    org: Organisation, vault: Vault, client: Client
) -> None:
    content = _content(300_000)
    response = _upload(client, content)
    assert response.status_code == 200
    stored = EncryptedFile.objects.get(pk=response.json()["id"])
    assert stored.size == len(content)
    on_disk = files.store_path(stored.digest).read_bytes()
    assert SENTINEL not in on_disk
    assert SENTINEL not in _everything_under(Path(settings.FILES_DIR))
    assert list((Path(settings.FILES_DIR) / "staging").iterdir()) == []
    sign_in(client, org.caseworker)
    download = client.get(f"/specimens/files/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''amina.pdf"
    assert download["Content-Type"] == "application/pdf"


def test_only_members_download(org: Organisation, vault: Vault, client: Client) -> None:
    stored_id = _upload(client, b"evidence").json()["id"]
    sign_in(client, org.outsider)
    assert client.get(f"/specimens/files/{stored_id}/").status_code == 404


@override_settings(UPLOAD_MAX_BYTES=100_000)
def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(vault: Vault, client: Client) -> None:
    response = _upload(client, _content(250_000))
    assert response.status_code == 400
    assert response.json() == {"refused": ["too_large"]}
    assert not EncryptedFile.objects.exists()
    assert SENTINEL not in _everything_under(Path(settings.FILES_DIR))
    assert list((Path(settings.FILES_DIR) / "staging").iterdir()) == []


def test_an_upload_nobody_claims_is_discarded(vault: Vault, client: Client) -> None:
    response = _upload(client, _content(10_000), keep=False)
    assert response.json() == {"kept": False}
    assert list((Path(settings.FILES_DIR) / "staging").iterdir()) == []
    assert not EncryptedFile.objects.exists()


def _stored(client: Client, size: int = 200_000) -> EncryptedFile:
    return EncryptedFile.objects.get(pk=_upload(client, _content(size)).json()["id"])


def test_a_changed_byte_is_detected(org: Organisation, vault: Vault, client: Client) -> None:
    stored = _stored(client)
    path = files.store_path(stored.digest)
    data = bytearray(path.read_bytes())
    data[100_000] ^= 0x40
    path.write_bytes(bytes(data))
    _meta, chunks = files.open_file(vault.keyring, stored)
    with pytest.raises(Tampered):
        b"".join(chunks)


def test_a_truncated_file_is_detected(vault: Vault, client: Client) -> None:
    stored = _stored(client)
    path = files.store_path(stored.digest)
    path.write_bytes(path.read_bytes()[: files.CHUNK + 100])
    _meta, chunks = files.open_file(vault.keyring, stored)
    with pytest.raises(Tampered, match=r"truncated|failed"):
        b"".join(chunks)


def test_keys_swapped_between_files_are_refused(vault: Vault, client: Client) -> None:
    first, second = _stored(client), _stored(client)
    EncryptedFile.objects.filter(pk=second.pk).update(wrapped_key=bytes(first.wrapped_key))
    with pytest.raises(Tampered):
        files.open_file(vault.keyring, EncryptedFile.objects.get(pk=second.pk))


def _round_trip(data: bytes) -> bytes:
    key = os.urandom(32)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blob"
        writer = files.StreamWriter(path.open("wb"), key)
        for start in range(0, len(data), 7919):  # odd-sized writes
            writer.write(data[start : start + 7919])
        writer.close()
        assert len(data) < 64 or data[:64] not in path.read_bytes()
        with path.open("rb") as handle:
            return b"".join(files.decrypt_stream(handle, key))


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.integers(0, 3 * files.CHUNK + 3).map(lambda n: os.urandom(n)),
        st.sampled_from([files.CHUNK - 1, files.CHUNK, files.CHUNK + 1, 2 * files.CHUNK]).map(
            lambda n: os.urandom(n)
        ),
    )
)
def test_streams_of_any_size_round_trip(data: bytes) -> None:
    assert _round_trip(data) == data


def test_a_large_stream_round_trips() -> None:
    data = os.urandom(48 * 1024 * 1024 + 11)
    assert _round_trip(data) == data


def test_an_empty_stream_round_trips() -> None:
    assert _round_trip(b"") == b""


# Sizes either side of every boundary the code has: a message, the first
# batch (the header and BATCH - 1 messages on the way in, BATCH messages on
# the way out) and the next batches, handled on helper threads.
_BOUNDARIES = st.integers(0, 2 * streams.BATCH + 2).flatmap(
    lambda messages: st.integers(max(messages * files.CHUNK - 2, 0), messages * files.CHUNK + 2)
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    size=_BOUNDARIES,
    pieces=st.lists(st.integers(1, 3 * files.CHUNK), min_size=1, max_size=8),
    kind=st.sampled_from(["bytes", "reused bytearray", "memoryview"]),
)
def test_reused_buffers_never_mix_data_between_messages(
    size: int, pieces: list[int], kind: str
) -> None:
    """Pieces of any sizes, and a caller that reuses and scribbles over its
    own buffer after each write: the stream comes back byte for byte, in
    the v1 layout, with the digest of the file."""
    data = os.urandom(size)
    key = os.urandom(32)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blob"
        writer = files.StreamWriter(path.open("wb"), key)
        scratch = bytearray(max(*pieces, size // 400))
        start, turn = 0, 0
        smallest = size // 400  # a few hundred writes at most, to keep the test fast
        while start < size:
            piece = data[start : start + max(pieces[turn % len(pieces)], smallest)]
            if kind == "bytes":
                writer.write(piece)
            elif kind == "memoryview":
                writer.write(memoryview(piece))
            else:
                scratch[: len(piece)] = piece
                writer.write(memoryview(scratch)[: len(piece)])
                scratch[:] = b"\xff" * len(scratch)
            start += len(piece)
            turn += 1
        digest = writer.close()
        sealed = path.read_bytes()
        assert digest == hashlib.sha256(sealed).hexdigest()
        messages = max(1, -(-size // files.CHUNK))
        assert len(sealed) == STREAM_HEADER + messages * STREAM_OVERHEAD + size
        with path.open("rb") as handle:
            assert b"".join(files.decrypt_stream(handle, key)) == data


STREAM_HEADER, STREAM_OVERHEAD = 24, 17
V1_KEY = bytes.fromhex("be24f2a8dbb5321a5b511ffd9c3fb8282710b0023792eb0822bbc42b68ae2f97")
V1_EMPTY = bytes.fromhex(
    "9b991fb5650dab7d3ce6005d204f900becde4976a00d1e447ba29a0ca15afdbe02fae42249d31c45ef"
)
V1_FILE = Path(__file__).parents[1] / "data" / "files" / "stream-v1.bin"


def test_files_stored_in_format_v1_still_decrypt() -> None:
    """Written by the first version of the platform: one full message and a
    short one, and an empty file; with their content addresses."""
    with V1_FILE.open("rb") as handle:
        plaintext = b"".join(files.decrypt_stream(handle, V1_KEY))
    expected = hashlib.shake_256(b"safepassage v1 file test vector").digest(files.CHUNK + 1000)
    assert plaintext == expected
    assert hashlib.sha256(V1_FILE.read_bytes()).hexdigest() == (
        "dc28eb98538a3e09149f3fec477c86b773793a548ae87c9c0465f77967d84e65"
    )
    assert b"".join(files.decrypt_stream(io.BytesIO(V1_EMPTY), V1_KEY)) == b""
    assert hashlib.sha256(V1_EMPTY).hexdigest() == (
        "5bd98ead05275df97a1a847b946b5b78736ed993eddd2da4cb578c985f648278"
    )


def _sealed_stream(size: int) -> tuple[bytes, bytes, bytes]:
    data, key = os.urandom(size), os.urandom(32)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blob"
        writer = files.StreamWriter(path.open("wb"), key)
        writer.write(data)
        writer.close()
        return data, key, path.read_bytes()


LARGE = 3 * streams.BATCH * files.CHUNK + 5  # three batches and a bit
SEALED = streams.SEALED_CHUNK


@pytest.mark.parametrize(
    "offset", [100, STREAM_HEADER + streams.BATCH * SEALED + 7, STREAM_HEADER + 40 * SEALED + 3]
)
def test_a_changed_byte_anywhere_in_a_large_stream_is_detected(offset: int) -> None:
    _data, key, sealed = _sealed_stream(LARGE)
    changed = bytearray(sealed)
    changed[offset] ^= 0x01
    with pytest.raises(Tampered):
        b"".join(files.decrypt_stream(io.BytesIO(bytes(changed)), key))


@pytest.mark.parametrize("messages", [1, streams.BATCH, streams.BATCH + 1, 2 * streams.BATCH])
def test_a_large_stream_cut_at_a_message_or_batch_boundary_is_detected(messages: int) -> None:
    _data, key, sealed = _sealed_stream(LARGE)
    cut = sealed[: STREAM_HEADER + messages * SEALED]
    with pytest.raises(Tampered, match="truncated"):
        b"".join(files.decrypt_stream(io.BytesIO(cut), key))


@pytest.mark.parametrize("messages", [3, 2 * streams.BATCH])
def test_data_after_the_last_message_is_refused(messages: int) -> None:
    _data, key, sealed = _sealed_stream(messages * files.CHUNK)  # a whole last message
    with pytest.raises(Tampered, match="after the end"):
        b"".join(files.decrypt_stream(io.BytesIO(sealed + sealed[-100:]), key))


def test_a_tampered_stream_leaves_nothing_the_collector_trips_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Tampered error and its traceback, dropped in a reference cycle, hold
    no view of our buffers: CPython 3.11's collector fails to clear one
    ("memoryview has 1 exported buffer") and may then crash."""
    troubles: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", troubles.append)
    _data, key, sealed = _sealed_stream(LARGE)
    for offset in (100, STREAM_HEADER + 40 * SEALED):
        changed = bytearray(sealed)
        changed[offset] ^= 0x01
        for _ in range(8):
            with pytest.raises(Tampered):
                b"".join(files.decrypt_stream(io.BytesIO(bytes(changed)), key))
            gc.collect()
    assert troubles == []


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("sp-file-reader", "sp-file-writer")]


def test_a_download_left_early_stops_its_reader() -> None:
    data, key, sealed = _sealed_stream(LARGE)
    chunks = files.decrypt_stream(io.BytesIO(sealed), key)
    taken = [next(chunks) for _ in range(streams.BATCH + 2)]  # past the first batch
    assert b"".join(taken) == data[: len(b"".join(taken))]
    assert _helpers()
    chunks.close()
    assert _helpers() == []


def test_an_abandoned_or_forgotten_writer_stops_its_thread() -> None:
    with tempfile.TemporaryDirectory() as folder:
        writer = files.StreamWriter((Path(folder) / "a").open("wb"), os.urandom(32))
        writer.write(os.urandom(LARGE))
        assert _helpers()
        writer.abandon()
        assert _helpers() == []
        forgotten = files.StreamWriter((Path(folder) / "b").open("wb"), os.urandom(32))
        forgotten.write(os.urandom(LARGE))
        thread = _helpers()[0]
        del forgotten
        gc.collect()
        thread.join(timeout=10)
        assert not thread.is_alive()


class _DiskFull(io.BytesIO):
    def write(self, data: Any) -> int:
        if self.tell() > 2 * streams.BATCH * files.CHUNK:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def _fill_a_full_disk(writer: files.StreamWriter) -> None:
    for _ in range(8 * streams.BATCH):
        writer.write(os.urandom(files.CHUNK))
    writer.close()


def test_a_failed_write_is_raised_to_the_uploader() -> None:
    """Raised on the uploader's thread, never a writer waiting forever."""
    writer = files.StreamWriter(_DiskFull(), os.urandom(32))
    with pytest.raises(OSError, match="No space"):
        _fill_a_full_disk(writer)
    writer.abandon()
    assert _helpers() == []


def test_the_disk_write_starts_while_the_stream_is_encrypted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each batch is handed to the kernel for writing back as soon as it is
    written, so the final fsync waits for little; the file is unchanged."""
    started: list[tuple[int, int]] = []
    real = os.posix_fadvise

    def record(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        started.append((offset, length))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", record)
    data = os.urandom(3 * 1024 * 1024 + 12345)
    key = os.urandom(32)
    target = tmp_path / "sealed.bin"
    writer = streams.StreamWriter(target.open("wb"), key)
    writer.write(data)
    digest = writer.close()
    size = target.stat().st_size
    assert len(started) >= 3
    assert started[0][0] == 0
    assert all(a + n == b for (a, n), (b, _m) in itertools.pairwise(started))
    assert started[-1][0] + started[-1][1] == size
    assert digest == hashlib.sha256(target.read_bytes()).hexdigest()
    with target.open("rb") as handle:
        assert b"".join(streams.decrypt_stream(handle, key)) == data
