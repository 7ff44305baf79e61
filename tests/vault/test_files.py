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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safepassage.vault import crypto, files, streams
from safepassage.vault.errors import Tampered
from safepassage.vault.models import EncryptedFile
from tests.base import Organisation, Vault, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.specimens.urls")]

CIPHERS = {"v2": "aegis256", "v1": "xchacha20poly1305"}


@pytest.fixture(params=["v2", "v1"])
def fmt(request: pytest.FixtureRequest) -> Iterator[streams.Format]:
    """Streams written in each format (VAULT_CIPHER chooses it)."""
    with override_settings(VAULT_CIPHER=CIPHERS[request.param]):
        format = streams.current_format()
        assert format.name == request.param
        yield format


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


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.integers(0, 3 * files.CHUNK + 3).map(lambda n: os.urandom(n)),
        st.sampled_from([files.CHUNK - 1, files.CHUNK, files.CHUNK + 1, 2 * files.CHUNK]).map(
            lambda n: os.urandom(n)
        ),
    )
)
def test_streams_of_any_size_round_trip(fmt: streams.Format, data: bytes) -> None:
    assert _round_trip(data) == data


def test_a_large_stream_round_trips(fmt: streams.Format) -> None:
    data = os.urandom(48 * 1024 * 1024 + 11)
    assert _round_trip(data) == data


def test_an_empty_stream_round_trips(fmt: streams.Format) -> None:
    assert _round_trip(b"") == b""


# Sizes either side of every boundary the code has: a message, the first
# batch (the header and BATCH - 1 messages on the way in, BATCH messages on
# the way out) and the next batches, handled on helper threads.
_BOUNDARIES = st.integers(0, 2 * streams.BATCH + 2).flatmap(
    lambda messages: st.integers(max(messages * files.CHUNK - 2, 0), messages * files.CHUNK + 2)
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=_BOUNDARIES,
    pieces=st.lists(st.integers(1, 3 * files.CHUNK), min_size=1, max_size=8),
    kind=st.sampled_from(["bytes", "reused bytearray", "memoryview"]),
)
def test_reused_buffers_never_mix_data_between_messages(
    fmt: streams.Format, size: int, pieces: list[int], kind: str
) -> None:
    """Pieces of any sizes, and a caller that reuses and scribbles over its
    own buffer after each write: the stream comes back byte for byte, in
    the format's layout, with the digest of the file."""
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
        assert sealed.startswith(fmt.magic)
        assert len(sealed) == fmt.header_bytes + messages * fmt.overhead + size
        with path.open("rb") as handle:
            assert b"".join(files.decrypt_stream(handle, key)) == data


# Test vectors: one full message and a short one, and an empty file, each
# with its content address; written by the first version of each format.
VECTORS = {
    "v1": (
        "be24f2a8dbb5321a5b511ffd9c3fb8282710b0023792eb0822bbc42b68ae2f97",
        "dc28eb98538a3e09149f3fec477c86b773793a548ae87c9c0465f77967d84e65",
        "9b991fb5650dab7d3ce6005d204f900becde4976a00d1e447ba29a0ca15afdbe02fae42249d31c45ef",
        "5bd98ead05275df97a1a847b946b5b78736ed993eddd2da4cb578c985f648278",
    ),
    "v2": (
        "5c0f3a9d7e21b4c8a6f0e39d2b7c1a85f4e6d0c3b9a8172635f4e0d1c2b3a495",
        "59ac1cd0d650e10dc2f0405dc5a8ff5743dc81714bcba68db6d6ee16582c05bb",
        "53502d46494c4532274cd1137dd65124f039ccbea162fbf76abc3810e15d40"
        "1ae95dc66b16a50fb15fc5c61521c8ca0cab092d0d4e17aae8242870c9cebd90",
        "9cb4fd338f62614afdc61355efbce53193b3e7bf76e74d1706325c7e3e20ec01",
    ),
}


@pytest.mark.parametrize("version", sorted(VECTORS))
def test_files_stored_in_every_format_still_decrypt(version: str) -> None:
    key_hex, digest, empty_hex, empty_digest = VECTORS[version]
    key, empty = bytes.fromhex(key_hex), bytes.fromhex(empty_hex)
    stored = Path(__file__).parents[1] / "data" / "files" / f"stream-{version}.bin"
    with stored.open("rb") as handle:
        plaintext = b"".join(files.decrypt_stream(handle, key))
    vector = f"safepassage {version} file test vector".encode()
    assert plaintext == hashlib.shake_256(vector).digest(files.CHUNK + 1000)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    assert b"".join(files.decrypt_stream(io.BytesIO(empty), key)) == b""
    assert hashlib.sha256(empty).hexdigest() == empty_digest


def test_new_files_are_v2_where_the_cpu_has_aes_instructions() -> None:
    expected = "v2" if crypto.HARDWARE_AES else "v1"
    assert streams.current_format().name == expected  # VAULT_CIPHER is "auto"
    with override_settings(VAULT_CIPHER="xchacha20poly1305"):
        assert streams.current_format() is streams.V1


def _sealed_stream(size: int) -> tuple[bytes, bytes, bytes]:
    data, key = os.urandom(size), os.urandom(32)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blob"
        writer = files.StreamWriter(path.open("wb"), key)
        writer.write(data)
        writer.close()
        return data, key, path.read_bytes()


LARGE = 3 * streams.BATCH * files.CHUNK + 5  # three batches and a bit


@pytest.mark.parametrize(
    "where", ["start", "end of header", "first message", "second batch", "middle", "last byte"]
)
def test_a_changed_byte_anywhere_in_a_large_stream_is_detected(
    fmt: streams.Format, where: str
) -> None:
    _data, key, sealed = _sealed_stream(LARGE)
    body, message = fmt.header_bytes, fmt.sealed_chunk
    offset = {
        "start": 2,  # the magic of v2, the secretstream header of v1
        "end of header": body - 1,
        "first message": body + 100,
        "second batch": body + streams.BATCH * message + 7,
        "middle": body + 40 * message + 3,
        "last byte": len(sealed) - 1,
    }[where]
    changed = bytearray(sealed)
    changed[offset] ^= 0x01
    with pytest.raises(Tampered):
        b"".join(files.decrypt_stream(io.BytesIO(bytes(changed)), key))


@pytest.mark.parametrize(
    "messages", [0, 1, streams.BATCH, streams.BATCH + 1, 2 * streams.BATCH, 48]
)
def test_a_large_stream_cut_at_a_message_or_batch_boundary_is_detected(
    fmt: streams.Format, messages: int
) -> None:
    _data, key, sealed = _sealed_stream(LARGE)
    cut = sealed[: fmt.header_bytes + messages * fmt.sealed_chunk]
    with pytest.raises(Tampered, match="truncated"):
        b"".join(files.decrypt_stream(io.BytesIO(cut), key))


@pytest.mark.parametrize("messages", [3, 2 * streams.BATCH])
def test_data_after_the_last_message_is_refused(fmt: streams.Format, messages: int) -> None:
    _data, key, sealed = _sealed_stream(messages * files.CHUNK)  # a whole last message
    with pytest.raises(Tampered, match="after the end"):
        b"".join(files.decrypt_stream(io.BytesIO(sealed + sealed[-100:]), key))


@pytest.mark.parametrize("swap", [(1, 2), (0, 1), (streams.BATCH - 1, streams.BATCH)])
def test_messages_swapped_or_dropped_are_detected(
    fmt: streams.Format, swap: tuple[int, int]
) -> None:
    _data, key, sealed = _sealed_stream(LARGE)
    body, size = fmt.header_bytes, fmt.sealed_chunk
    first, second = (sealed[body + n * size : body + (n + 1) * size] for n in swap)
    start, end = body + swap[0] * size, body + (swap[1] + 1) * size
    swapped = sealed[:start] + second + first + sealed[end:]
    dropped = sealed[:start] + sealed[start + size :]
    for changed in (swapped, dropped):
        with pytest.raises(Tampered):
            b"".join(files.decrypt_stream(io.BytesIO(changed), key))


def test_a_message_of_another_file_is_refused(fmt: streams.Format) -> None:
    """Each file has its own key and nonce prefix: even the same key does not
    let a message move between files."""
    key = os.urandom(32)
    sealed = []
    for _ in range(2):
        out = io.BytesIO()
        writer = streams.StreamWriter(out, key, fmt)
        writer.write(os.urandom(3 * files.CHUNK))
        writer._finish()
        sealed.append(out.getvalue())
    body, size = fmt.header_bytes, fmt.sealed_chunk
    mixed = sealed[0][: body + size] + sealed[1][body + size :]
    with pytest.raises(Tampered):
        b"".join(files.decrypt_stream(io.BytesIO(mixed), key))


def test_the_chunk_encryptor_keeps_every_chunk_but_the_last_whole() -> None:
    encryptor = crypto.ChunkEncryptor(os.urandom(32), b"ctx", 16)
    out = bytearray(64)
    with pytest.raises(ValueError, match="whole"):
        encryptor.push_into(b"short", out)
    with pytest.raises(ValueError, match="wrong size"):
        encryptor.push_into(b"x" * 17, out, final=True)
    assert encryptor.push_into(b"x" * 16, out) == 16 + crypto.CHUNK_OVERHEAD
    assert encryptor.push_into(b"end", out, final=True) == 3 + crypto.CHUNK_OVERHEAD
    with pytest.raises(ValueError, match="finished"):
        encryptor.push_into(b"more", out, final=True)
    with pytest.raises(Tampered, match="header"):
        crypto.ChunkDecryptor(os.urandom(32), b"short", b"ctx", 16)


def test_a_tampered_stream_leaves_nothing_the_collector_trips_on(
    fmt: streams.Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Tampered error and its traceback, dropped in a reference cycle, hold
    no view of our buffers: CPython 3.11's collector fails to clear one
    ("memoryview has 1 exported buffer") and may then crash."""
    troubles: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", troubles.append)
    _data, key, sealed = _sealed_stream(LARGE)
    for offset in (100, fmt.header_bytes + 40 * fmt.sealed_chunk):
        changed = bytearray(sealed)
        changed[offset] ^= 0x01
        for _ in range(8):
            with pytest.raises(Tampered):
                b"".join(files.decrypt_stream(io.BytesIO(bytes(changed)), key))
            gc.collect()
    assert troubles == []


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("sp-file-reader", "sp-file-writer")]


def test_a_download_left_early_stops_its_reader(fmt: streams.Format) -> None:
    data, key, sealed = _sealed_stream(LARGE)
    chunks = files.decrypt_stream(io.BytesIO(sealed), key)
    taken = [next(chunks) for _ in range(streams.BATCH + 2)]  # past the first batch
    assert b"".join(taken) == data[: len(b"".join(taken))]
    assert _helpers()
    chunks.close()
    assert _helpers() == []


def test_an_abandoned_or_forgotten_writer_stops_its_thread(fmt: streams.Format) -> None:
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


def test_a_failed_write_is_raised_to_the_uploader(fmt: streams.Format) -> None:
    """Raised on the uploader's thread, never a writer waiting forever."""
    writer = files.StreamWriter(_DiskFull(), os.urandom(32))
    with pytest.raises(OSError, match="No space"):
        _fill_a_full_disk(writer)
    writer.abandon()
    assert _helpers() == []


def test_the_disk_write_starts_while_the_stream_is_encrypted(
    fmt: streams.Format, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
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
