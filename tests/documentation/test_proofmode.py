"""A ProofMode bundle is kept untouched as the original, and its check is
recorded: each media file's SHA-256 against the one its proof states,
each signature (over the media and over each proof file) checked with gpg
against the device key inside the bundle, the key's fingerprint, and what
the proof says of the capture. A bundle with a changed byte, a missing or
bad signature, or a hash mismatch is kept too, marked with the precise
failure. The bundles are made here with a fresh Ed25519 key (gpg, in a
temporary home)."""

from __future__ import annotations

import contextlib
import hashlib
import random
import secrets
import string
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safepassage.documentation import capture, evidence
from safepassage.documentation.models import Evidence
from safepassage.site.demo_evidence import demo_photo, proof_bundle_files, zipped
from safepassage.vault import files, openpgp
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention
from tests.vault.test_plaintext_at_rest import _database_bytes as database_bytes
from tests.vault.test_plaintext_at_rest import _files_changed_since as files_changed_since

NAME = "IMG_20170324_2140.jpg"
PROOF = {
    "Proof Generated": "2017-03-24T21:40:12.000Z",
    "File Created": "2017-03-24T21:40:05.000Z",
    "Manufacturer": "TestPhone",
    "Hardware": "TestPhone X1",
    "DeviceID": "device-42",
    "Location.Latitude": "43.3179",
    "Location.Longitude": "45.6949",
    "Location.Provider": "gps",
}


@pytest.fixture(scope="module")
def device() -> Iterator[openpgp.DemoDevice]:
    with openpgp.demo_device("ProofMode test device <noone@proofmode.example>") as made:
        yield made


@pytest.fixture(scope="module")
def photo() -> bytes:
    return demo_photo(random.Random(7), 1)  # noqa: S311 - drawing a picture, not a secret


@pytest.fixture
def members(device: openpgp.DemoDevice, photo: bytes) -> dict[str, bytes]:
    return proof_bundle_files(device, NAME, photo, PROOF)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(bundle: bytes) -> dict:
    return capture.inspect(bundle[:64], len(bundle), lambda: bundle)


def _codes(found: dict) -> list[tuple[str, str]]:
    return [(p["code"], p["file"]) for p in found["problems"]]


@pytest.mark.django_db
def test_it_checks_a_proofmode_bundle_and_keeps_it_untouched(
    desk: Desk, device: openpgp.DemoDevice, members: dict[str, bytes], photo: bytes
) -> None:
    bundle = zipped(members)
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post(
        f"/documentation/evidence/new/?to={event.code}",
        {"file": SimpleUploadedFile("proofmode.zip", bundle), "to": event.code},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    with using_keyring(desk.vault.keyring):
        found = item.capture
        _meta, chunks = files.open_file(desk.vault.keyring, item.file)
        assert b"".join(chunks) == bundle  # the zip kept as it came
        assert item.sha256 == _digest(bundle)
    assert found["container"] == "proofmode"
    assert found["verified"] is True
    assert found["problems"] == []
    assert found["key"]["fingerprints"] == [device.fingerprint()]
    (media,) = found["media"]
    assert media["name"] == NAME
    assert media["sha256"] == media["stated"] == _digest(photo)
    assert media["hash_matches"] is True
    assert media["signature"]["status"] == "good"
    assert media["signature"]["fingerprint"] == found["key"]["fingerprints"][0]
    assert {p["name"].split(".", 1)[1]: p["signature"]["status"] for p in media["proof_files"]} == {
        "proof.csv": "good",
        "proof.json": "good",
    }
    assert media["proof"]["generated"] == "2017-03-24T21:40:12.000Z"
    assert media["proof"]["hardware"] == "TestPhone X1"
    assert media["proof"]["device_id"] == "device-42"
    assert (media["proof"]["latitude"], media["proof"]["longitude"]) == ("43.3179", "45.6949")
    page = client.get(response["Location"]).content.decode()
    assert "the device's own key" in page
    assert found["key"]["fingerprints"][0] in page
    assert "every signature verifies with the device key" in page
    assert "TestPhone X1" in page


@pytest.mark.django_db
def test_it_shows_a_bundles_check_in_russian_and_french(
    desk: Desk, members: dict[str, bytes]
) -> None:
    members[NAME] = members[NAME][:-1] + b"\x00"
    staged = files.stage_bytes(
        zipped(members), name="proofmode.zip", content_type="application/zip"
    )
    with using_keyring(desk.vault.keyring):
        item = evidence.add_evidence(desk.documenter, staged)
    client = Client()
    sign_in(client, desk.documenter)
    for language, words in (
        ("ru", "не тот, что указан в его файле доказательства"),
        ("fr", "n’est pas celui qu’indique son fichier de preuve"),
    ):
        client.cookies["django_language"] = language
        page = client.get(f"/documentation/evidence/{item.code}/").content.decode()
        assert words in page, language
        # The proof's moments in the reader's format, not as the file writes them.
        assert "2017-03-24T21:40" not in page, language
        assert "UTC" in page, language


def test_it_names_a_media_file_changed_after_signing(members: dict[str, bytes]) -> None:
    members[NAME] = members[NAME][:-1] + bytes([members[NAME][-1] ^ 1])
    found = _checked(zipped(members))
    assert found["verified"] is False
    assert _codes(found) == [("hash_mismatch", NAME), ("signature_bad", NAME)]
    assert found["media"][0]["hash_matches"] is False


def test_it_names_a_proof_file_changed_after_signing(members: dict[str, bytes]) -> None:
    proof = next(name for name in members if name.endswith(".proof.json"))
    members[proof] = members[proof].replace(b"43.3179", b"43.3170")
    found = _checked(zipped(members))
    assert _codes(found) == [("signature_bad", proof)]


def test_it_names_a_missing_signature(members: dict[str, bytes]) -> None:
    digest = next(name for name in members if name.endswith(".proof.csv")).split(".")[0]
    del members[f"{digest}.asc"]
    found = _checked(zipped(members))
    assert _codes(found) == [("signature_missing", NAME)]
    assert found["media"][0]["signature"]["status"] == "missing"


def test_it_names_a_signature_made_by_another_key(members: dict[str, bytes], photo: bytes) -> None:
    with openpgp.demo_device("Someone else <other@example.org>") as other:
        members[f"{_digest(photo)}.asc"] = other.sign(photo)
    found = _checked(zipped(members))
    assert _codes(found) == [("signature_other_key", NAME)]


def test_it_names_a_signature_file_that_is_not_a_signature(
    members: dict[str, bytes], photo: bytes
) -> None:
    members[f"{_digest(photo)}.asc"] = b"-----BEGIN PGP SIGNATURE-----\n\nnonsense\n"
    found = _checked(zipped(members))
    assert _codes(found) == [("signature_not_a_signature", NAME)]


def test_it_names_a_byte_changed_inside_the_zip(members: dict[str, bytes], photo: bytes) -> None:
    bundle = bytearray(zipped(members, stored=True))
    at = bytes(bundle).index(photo[200:240])
    bundle[at] ^= 0xFF
    found = _checked(bytes(bundle))
    assert ("damaged", NAME) in _codes(found)
    assert found["verified"] is False


def test_it_names_a_bundle_without_its_key(members: dict[str, bytes]) -> None:
    del members["pubkey.asc"]
    found = _checked(zipped(members))
    codes = _codes(found)
    assert codes[0] == ("no_key", "pubkey.asc")
    assert {code for code, _file in codes[1:]} == {"signature_other_key"}
    assert found["key"]["fingerprints"] == []


def test_it_marks_signatures_unchecked_without_gpg(
    members: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    found = _checked(zipped(members))
    assert _codes(found) == [("not_checked", "pubkey.asc")]
    assert found["verified"] is False
    assert found["media"][0]["hash_matches"] is True
    assert found["media"][0]["signature"]["status"] == "not_checked"


@pytest.mark.usefixtures("transactional_audit")
def test_it_keeps_no_proof_field_in_plaintext_at_rest(
    desk: Desk, device: openpgp.DemoDevice, photo: bytes
) -> None:
    started = time.time() - 1
    sentinel = "".join(secrets.choice(string.ascii_lowercase) for _ in range(16))
    proof = {**PROOF, "DeviceID": sentinel, "Hardware": f"{sentinel}phone"}
    bundle = zipped(proof_bundle_files(device, NAME, photo, proof), stored=True)
    assert sentinel.encode() in bundle  # plain in what was sent
    staged = files.stage_bytes(bundle, name="proofmode.zip", content_type="application/zip")
    with using_keyring(desk.vault.keyring):
        item = evidence.add_evidence(desk.documenter, staged)
        assert item.capture["media"][0]["proof"]["device_id"] == sentinel
    haystacks = {"database": database_bytes()}
    for path in Path(settings.FILES_DIR).rglob("*"):
        if path.is_file():
            haystacks[f"file store {path.name}"] = path.read_bytes()
    for folder in {Path(tempfile.gettempdir()), Path(settings.DATA_DIR), Path("/dev/shm")}:  # noqa: S108
        for path in files_changed_since(folder, started) if folder.is_dir() else []:
            with contextlib.suppress(OSError):
                haystacks[str(path)] = path.read_bytes()
    assert [where for where, data in haystacks.items() if sentinel.encode() in data] == []
