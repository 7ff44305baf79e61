"""Encrypted files: encrypted while they stream in, never a plaintext
temporary file, decrypted as a stream, with a size limit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safepassage.vault import files
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
