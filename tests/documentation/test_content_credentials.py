"""A photo's, a video's or a recording's C2PA manifest (Content
Credentials), where it has one, is read and checked on upload without
changing the file: its claim generator, its signer, its signing time, its
assertions with their actions and the library's validation status, shown
on the item's page in the reader's language. A signer no trust anchor
vouches for is shown as untrusted, never as valid; a file changed after
it was signed is named as such."""

from __future__ import annotations

import hashlib
import html
import io
import struct
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.documentation import capture, evidence
from safepassage.documentation.models import Evidence
from safepassage.vault import c2pa_manifests, files
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, sign_in
from tests.documentation.c2pa_files import (
    ISSUER,
    SUBJECT,
    picture,
    signed,
    throwaway_credentials,
)
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.evidence_files import video_mp4
from tests.documentation.tsa import local_authority


def _inspect(data: bytes) -> dict:  # type: ignore[type-arg]
    return capture.inspect(data[: files.HEAD_BYTES], len(data), lambda: data)


def _page(client: Client, code: str, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/documentation/evidence/{code}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_it_reads_a_signed_photos_manifest_and_shows_its_signer_as_untrusted(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    photo = signed(
        picture("JPEG"),
        "image/jpeg",
        throwaway_credentials(),
        actions=("c2pa.created", "c2pa.color_adjustments"),
    )
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post(
        f"/documentation/evidence/new/?to={event.code}",
        {"file": SimpleUploadedFile("checkpoint.jpg", photo), "to": event.code},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    with using_keyring(desk.vault.keyring):
        manifest = item.capture["c2pa"]
        assert item.capture["container"] == "jpeg"
        assert manifest["state"] == "Valid"  # the library's word: well formed, signature good
        assert manifest["trusted"] is False
        assert manifest["claim_generator"] == "FieldCam 2.1"
        assert manifest["signer"]["subject"] == SUBJECT
        assert manifest["signer"]["issuer"] == ISSUER
        assert manifest["signer"]["alg"] == "Es256"
        assert "signed_at" not in manifest  # no timestamp authority countersigned it
        actions = [a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions")]
        assert actions[0]["actions"] == ["c2pa.created", "c2pa.color_adjustments"]
        assert [f["code"] for f in manifest["failures"]] == ["signingCredential.untrusted"]
        _meta, chunks = files.open_file(desk.vault.keyring, item.file)
        assert b"".join(chunks) == photo  # never altered
        assert item.sha256 == hashlib.sha256(photo).hexdigest()
    page = _page(client, item.code)
    assert "Content Credentials (C2PA manifest)" in page
    assert "Signer not trusted." in page
    assert "Trusted: the file matches its manifest" not in page
    assert "but no trust anchor on this server vouches for the signer's certificate" in page
    assert f"Signed by (certificate subject)</dt><dd>{SUBJECT}" in page
    assert f"Certificate issued by</dt><dd>{ISSUER}" in page
    assert "not stated: no timestamp authority countersigned it" in page
    assert 'data-label="Actions"><code>c2pa.created</code>, <code>c2pa.color_adjustments' in page
    french = _page(client, item.code, "fr")
    assert "Signataire non reconnu." in french
    assert "Signé par (sujet du certificat)" in french
    russian = _page(client, item.code, "ru")
    assert "Подписавшему нет доверия." in russian


@pytest.mark.django_db
def test_it_shows_a_signer_as_trusted_only_under_a_configured_anchor_with_its_signing_time(
    desk: Desk, keys: None, tmp_path: Path
) -> None:
    credentials = throwaway_credentials()
    with local_authority("Loopback TSA") as authority:
        photo = signed(picture("PNG"), "image/png", credentials, timestamp_url=authority.url)
        anchors = tmp_path / "anchors.pem"
        anchors.write_bytes(credentials.root + authority.root.read_bytes())
    untrusted = _inspect(photo)["c2pa"]
    assert untrusted["state"] == "Valid"
    assert untrusted["trusted"] is False
    assert untrusted["signed_at"].startswith("20")
    assert untrusted["time_trusted"] is False  # the loopback authority is no anchor either
    with override_settings(C2PA_TRUST_ANCHORS=str(anchors)):
        staged = files.stage_bytes(photo, name="podium.png", content_type="image/png")
        item = evidence.add_evidence(desk.documenter, staged)
    manifest = item.capture["c2pa"]
    assert item.capture["container"] == "png"
    assert manifest["state"] == "Trusted"
    assert manifest["trusted"] is True
    assert manifest["failures"] == []
    assert manifest["signed_at"] == untrusted["signed_at"]
    assert manifest["time_trusted"] is True
    client = Client()
    sign_in(client, desk.documenter)
    page = _page(client, item.code)
    assert "Trusted: the file matches its manifest, the signature verifies" in page
    assert "(by a trusted timestamp authority)" in page
    assert "Signer not trusted." not in page


@pytest.mark.django_db
def test_it_names_a_file_changed_after_its_manifest_was_signed(desk: Desk, keys: None) -> None:
    photo = bytearray(signed(picture("PNG"), "image/png", throwaway_credentials()))
    photo[-30] ^= 0xFF  # a byte of the picture, after the manifest
    staged = files.stage_bytes(bytes(photo), name="altered.png", content_type="image/png")
    item = evidence.add_evidence(desk.documenter, staged)
    manifest = item.capture["c2pa"]
    assert manifest["state"] == "Invalid"
    assert manifest["trusted"] is False
    assert "assertion.dataHash.mismatch" in [f["code"] for f in manifest["failures"]]
    client = Client()
    sign_in(client, desk.documenter)
    page = _page(client, item.code)
    assert "The manifest does not verify." in page
    assert (
        "the file's bytes do not match the hash in its manifest: the file was changed after "
        "it was signed"
    ) in page
    _meta, chunks = files.open_file(desk.vault.keyring, item.file)
    assert b"".join(chunks) == bytes(photo)


def test_it_counts_the_manifests_of_the_files_an_edited_photo_was_made_from() -> None:
    credentials = throwaway_credentials()
    taken = signed(picture("JPEG"), "image/jpeg", credentials)
    edited = signed(
        picture("JPEG"),
        "image/jpeg",
        credentials,
        actions=("c2pa.opened", "c2pa.cropped"),
        parent=taken,
    )
    manifest = _inspect(edited)["c2pa"]
    assert manifest["state"] == "Valid"
    assert manifest["ingredients"] == 1
    assert manifest["manifests"] == 2  # its own and the one it was made from
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    assert actions["actions"] == ["c2pa.opened", "c2pa.cropped"]


def test_it_reads_the_manifest_of_a_video() -> None:
    video = signed(video_mp4(seconds=5), "video/mp4", throwaway_credentials())
    found = _inspect(video)
    assert found["container"] == "mp4"
    assert found["duration"] == 5.0
    assert found["c2pa"]["state"] == "Valid"
    assert found["c2pa"]["claim_generator"] == "FieldCam 2.1"
    tampered = bytearray(video)
    tampered[-30] ^= 0xFF
    failures = [f["code"] for f in _inspect(bytes(tampered))["c2pa"]["failures"]]
    assert "assertion.bmffHash.mismatch" in failures


@pytest.mark.django_db
def test_a_video_too_large_to_read_in_memory_has_its_manifest_checked_as_it_is_decrypted(
    desk: Desk, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past capture.INSPECT_MAX_BYTES the file is not read into memory: the
    manifest is checked on the plaintext as the staged upload is decrypted,
    a piece at a time, and a change to its frames is still caught."""
    monkeypatch.setattr(capture, "INSPECT_MAX_BYTES", 64 * 1024)
    payload = bytes(range(256)) * 2048  # half a megabyte of "frames"
    frames = struct.pack(">I4s", 8 + len(payload), b"mdat") + payload
    video = signed(video_mp4(seconds=5) + frames, "video/mp4", throwaway_credentials())
    assert len(video) > capture.INSPECT_MAX_BYTES

    def never() -> bytes:
        raise AssertionError("the whole file was read into memory")

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(video), 65536):
            yield video[start : start + 65536]

    found = capture.inspect(video[: files.HEAD_BYTES], len(video), never, stream=pieces)
    assert found["c2pa"]["state"] == "Valid"
    staged = files.stage_bytes(video, name="checkpoint.mp4", content_type="video/mp4")
    item = evidence.add_evidence(desk.documenter, staged)
    with using_keyring(desk.vault.keyring):
        manifest = item.capture["c2pa"]
        assert manifest["state"] == "Valid"
        assert manifest["trusted"] is False
        assert manifest["claim_generator"] == "FieldCam 2.1"
        assert "not_inspected" in item.capture  # its other metadata was not read
    tampered = bytearray(video)
    tampered[-5000] ^= 0xFF  # a byte of the frames
    staged = files.stage_bytes(bytes(tampered), name="altered.mp4", content_type="video/mp4")
    item = evidence.add_evidence(desk.documenter, staged)
    with using_keyring(desk.vault.keyring):
        failures = [f["code"] for f in item.capture["c2pa"]["failures"]]
    assert "assertion.bmffHash.mismatch" in failures
    monkeypatch.setattr(capture, "C2PA_MAX_BYTES", 64 * 1024)
    staged = files.stage_bytes(video, name="again.mp4", content_type="video/mp4")
    assert "c2pa" not in evidence.add_evidence(desk.documenter, staged).capture


@pytest.mark.django_db
def test_it_reads_no_manifest_where_there_is_none_and_keeps_a_damaged_one(
    desk: Desk, keys: None
) -> None:
    assert "c2pa" not in _inspect(picture("JPEG"))
    assert "c2pa" not in _inspect(video_mp4())
    photo = signed(picture("JPEG"), "image/jpeg", throwaway_credentials())
    cut = photo[: len(photo) // 2]
    staged = files.stage_bytes(cut, name="cut.jpg", content_type="image/jpeg")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.capture["c2pa"] == {"unreadable": True}
    client = Client()
    sign_in(client, desk.documenter)
    assert "it could not be read (the file or the manifest is damaged)" in _page(client, item.code)
    _meta, chunks = files.open_file(desk.vault.keyring, item.file)
    assert b"".join(chunks) == cut


@contextmanager
def _listening() -> Iterator[tuple[str, list[str]]]:
    """A web server on a loopback port that only counts what it is asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/manifest.c2pa", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.django_db
def test_it_never_fetches_a_manifest_kept_elsewhere(desk: Desk, keys: None) -> None:
    with _listening() as (address, asked):
        photo = signed(picture("JPEG"), "image/jpeg", throwaway_credentials(), kept_at=address)
        staged = files.stage_bytes(photo, name="remote.jpg", content_type="image/jpeg")
        item = evidence.add_evidence(desk.documenter, staged)
        client = Client()
        sign_in(client, desk.documenter)
        page = _page(client, item.code)
    assert asked == []  # nothing was fetched
    assert item.capture["c2pa"] == {"remote": True, "url": address}
    assert f"kept at an address ({address}). It was not fetched" in page


SIGNED: dict[str, bytes] = {}


def _signed_sample(mime: str) -> bytes:
    if mime not in SIGNED:
        made = {
            "image/jpeg": picture("JPEG"),
            "image/png": picture("PNG"),
            "video/mp4": video_mp4(3),
        }
        SIGNED[mime] = signed(made[mime], mime, throwaway_credentials())
    return SIGNED[mime]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["image/jpeg", "image/png", "video/mp4"]),
    st.integers(min_value=0, max_value=10**6),
    st.binary(min_size=0, max_size=64),
    st.integers(min_value=0, max_value=64),
)
def test_it_never_fails_on_a_damaged_manifest(
    mime: str, at: int, inserted: bytes, cut: int
) -> None:
    data = _signed_sample(mime)
    where = at % len(data)
    damaged = data[:where] + inserted + data[where + cut :]
    check = c2pa_manifests.check_c2pa_manifest(damaged, mime)
    if check is not None:
        assert check.outcome in {c2pa_manifests.CHECKED, c2pa_manifests.UNREADABLE}
        assert not check.trusted


@pytest.mark.django_db
def test_a_check_made_against_other_trust_anchors_is_said_to_be_out_of_date_and_done_again(
    desk: Desk, keys: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust is judged against the anchors held when the file came in.
    Once they change, its page says so, and "Check it again" (or the
    command, for every item) judges it anew; each read of the original is
    in its custody log with its reason."""
    credentials = throwaway_credentials()
    photo = signed(picture("PNG"), "image/png", credentials)
    staged = files.stage_bytes(photo, name="podium.png", content_type="image/png")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.capture["c2pa"]["state"] == "Valid"
    assert item.capture["c2pa"]["anchors"] == ""
    client = Client()
    sign_in(client, desk.documenter)
    assert "have changed since this manifest was checked" not in _page(client, item.code)
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(credentials.root)
    address = f"/documentation/evidence/{item.code}/credentials/"
    with override_settings(C2PA_TRUST_ANCHORS=str(anchors)):
        page = _page(client, item.code)
        assert "have changed since this manifest was checked" in page
        assert "Signer not trusted." in page  # as it was judged, until checked again
        russian = _page(client, item.code, "ru")
        assert "Проверить снова" in russian
        client.cookies["django_language"] = "en"
        refused = client.post(address, {"recheck-why": " "}, follow=True)
        assert "Say why the original is needed" in html.unescape(refused.content.decode())
        item.refresh_from_db()
        with using_keyring(desk.vault.keyring):
            assert item.capture["c2pa"]["state"] == "Valid"
        done = client.post(address, {"recheck-why": "The trust list was updated"}, follow=True)
        assert "checked again against the present trust anchors" in html.unescape(
            done.content.decode()
        )
        item.refresh_from_db()
        with using_keyring(desk.vault.keyring):
            assert item.capture["c2pa"]["state"] == "Trusted"
            entry = item.custody.order_by("-seq").opened().first()
            assert entry is not None
            assert (entry.action, entry.details["why"]) == ("viewed", "The trust list was updated")
        page = _page(client, item.code)
        assert "have changed since this manifest was checked" not in page
        assert "Trusted: the file matches its manifest" in page
    # The anchors taken away again: the command judges every such item anew.
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "evidence", "recheck", "--as", desk.documenter.username, "--why", "Anchors removed",
        stdout=out,
    )  # fmt: skip
    assert f"{item.code} Valid" in out.getvalue()
    assert "checked again: 1; already against the present anchors: 0" in out.getvalue()
    item.refresh_from_db()
    with using_keyring(desk.vault.keyring):
        assert item.capture["c2pa"]["state"] == "Valid"
