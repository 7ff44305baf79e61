"""The evidence locker: an original attached to an event is kept exactly
as it came (hashed while it streamed in, encrypted, never altered), its
capture metadata read into the record, working copies made and shown
instead of it, links to events, acts, statements and sources' accounts,
and evidence hidden with the restricted events it is linked to."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from safepassage.audit.models import AuditEntry
from safepassage.documentation import evidence, statements
from safepassage.documentation.models import (
    CustodyAction,
    CustodyEntry,
    Evidence,
    EvidenceLink,
    Operation,
)
from safepassage.documentation.working_copies import Box
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import EncryptedFile
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term
from tests.documentation.evidence_files import ARGUN, photo_with_exif, wacz


def _store_files() -> list[Path]:
    root = Path(settings.FILES_DIR)
    return [p for p in root.rglob("*") if p.is_file() and "staging" not in p.parts]


def _staging_files() -> list[Path]:
    return list(files.staging_dir().glob("*.part"))


def _upload(client: Client, to: str, name: str, data: bytes, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/documentation/evidence/new/?to={to}",
        {"file": SimpleUploadedFile(name, data), "to": to, **extra},
    )


@pytest.mark.django_db
def test_it_keeps_a_photo_attached_to_an_event_unchanged_and_reads_its_exif(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get(f"/documentation/events/{event.code}/").content.decode()
    assert f"/documentation/evidence/new/?to={event.code}" in page  # "Attach evidence"
    photo = photo_with_exif()
    response = _upload(client, event.code, "checkpoint.jpg", photo, description="The car")
    assert response.status_code == 302
    item = Evidence.objects.get()
    with using_keyring(desk.vault.keyring):
        assert item.sha256 == hashlib.sha256(photo).hexdigest()
        assert item.kind == "image"
        assert item.is_original
        assert item.size == len(photo)
        assert item.capture["container"] == "jpeg"
        assert item.capture["exif"]["Make"] == "SentinelPhone"
        assert item.capture["position"] == pytest.approx(list(ARGUN), abs=1e-4)
        _meta, chunks = files.open_file(desk.vault.keyring, item.file)
        assert b"".join(chunks) == photo  # never altered
    assert EvidenceLink.objects.get().event == event
    entries = CustodyEntry.objects.filter(evidence=item).order_by("seq")
    assert [e.action for e in entries] == [CustodyAction.UPLOADED, CustodyAction.LINKED]
    assert AuditEntry.objects.filter(action="documentation.evidence_uploaded").count() == 1
    item_page = client.get(response["Location"]).content.decode()
    assert "SentinelPhone" in item_page
    assert "image (JPEG)" in item_page  # the format by its usual name, not our key
    assert "No working copy yet" in item_page
    assert f"/documentation/evidence/{item.code}/content/" not in item_page  # original not shown
    event_page = client.get(f"/documentation/events/{event.code}/").content.decode()
    assert item.code in event_page
    assert "checkpoint.jpg" in event_page


@pytest.mark.django_db
def test_it_lists_the_pages_of_a_web_capture_and_checks_its_package(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        statement = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get(f"/documentation/statements/{statement.code}/").content.decode()
    assert f"?to={statement.code}" in page
    assert _upload(client, statement.code, "denial.wacz", wacz()).status_code == 302
    assert _upload(client, statement.code, "altered.wacz", wacz(tamper=True)).status_code == 302
    good, bad = Evidence.objects.order_by("created_at")
    with using_keyring(desk.vault.keyring):
        assert good.kind == "web_archive"
        assert good.capture["container"] == "wacz"
        assert good.capture["pages"][0]["url"] == "https://example.org/news/denial"
        assert good.capture["package"] == {"checked": True, "resources": 1, "problems": []}
        assert bad.capture["package"]["problems"] == ["changed: archive/data.warc"]
    shown = client.get(f"/documentation/evidence/{good.code}/").content.decode()
    assert "Spokesman: there are no such people" in shown
    assert "web archive (WACZ)" in shown
    assert EvidenceLink.objects.filter(statement=statement).count() == 2


@pytest.mark.django_db
def test_it_recognises_a_file_by_its_first_bytes() -> None:
    from safepassage.documentation.capture import detect

    assert detect(b"\x00\x00\x00\x18ftypmp42") == ("video", "mp4")
    assert detect(b"RIFF\x00\x00\x00\x00WAVEfmt ") == ("audio", "wav")
    assert detect(b"ID3\x03") == ("audio", "mp3")
    assert detect(b"%PDF-1.7") == ("document", "pdf")
    assert detect(b"WARC/1.1\r\n") == ("web_archive", "warc")
    assert detect(b"\x89PNG\r\n\x1a\n") == ("image", "png")
    assert detect(b"plain words") == ("other", "unknown")


@pytest.mark.django_db
def test_it_makes_working_copies_without_the_location_and_blurred(desk: Desk, keys: None) -> None:
    event = record_detention(desk.documenter).event
    photo = photo_with_exif()
    staged = files.stage_bytes(photo, name="p.jpg", content_type="image/jpeg")
    original = evidence.add_evidence(desk.documenter, staged, target=event)
    stripped = evidence.make_working_copy(
        desk.documenter, original, Operation.LOCATION_STRIPPED, why="for the report"
    )
    blurred = evidence.make_working_copy(
        desk.documenter, stripped, Operation.BLURRED, box=Box(0, 0, 48, 32)
    )
    for copy in (stripped, blurred):
        assert copy.original == original
        assert copy.sha256 != original.sha256
        _meta, chunks = files.open_file(desk.vault.keyring, copy.file)
        data = b"".join(chunks)
        assert hashlib.sha256(data).hexdigest() == copy.sha256
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()  # no place, no phone, no time
        assert b"SentinelPhone" not in data
    assert blurred.parameters == {"radius": 24, "box": [0, 0, 48, 32], "made_from": stripped.code}
    # The original is unchanged, and each log records the copy with the hashes.
    _meta, chunks = files.open_file(desk.vault.keyring, original.file)
    assert b"".join(chunks) == photo
    derived = CustodyEntry.objects.get(evidence=original, action=CustodyAction.DERIVED)
    assert derived.details["before"] == original.sha256
    assert derived.details["after"] == stripped.sha256
    assert derived.details["why"] == "for the report"
    first = CustodyEntry.objects.get(evidence=blurred, seq=1)
    assert first.action == CustodyAction.DERIVED_FROM
    assert (first.details["before"], first.details["after"]) == (stripped.sha256, blurred.sha256)
    assert evidence.default_copy(original) == blurred


@pytest.mark.django_db
def test_it_shows_the_working_copy_by_default_and_the_original_only_with_a_reason(
    desk: Desk,
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    _upload(client, event.code, "p.jpg", photo_with_exif())
    original = Evidence.objects.get()
    made = client.post(
        f"/documentation/evidence/{original.code}/copy/",
        {
            "copy-operation": "blurred",
            "copy-left": "0",
            "copy-top": "0",
            "copy-right": "20",
            "copy-bottom": "20",
        },
    )
    copy = Evidence.objects.exclude(pk=original.pk).get()
    assert made["Location"] == f"/documentation/evidence/{copy.code}/"
    page = client.get(f"/documentation/evidence/{original.code}/").content.decode()
    assert f"/documentation/evidence/{copy.code}/content/" in page
    shown = client.get(f"/documentation/evidence/{copy.code}/content/")
    assert shown["Content-Type"] == "image/jpeg"
    assert b"SentinelPhone" not in b"".join(shown.streaming_content)
    # The original has no inline view, and is not given without a reason.
    assert client.get(f"/documentation/evidence/{original.code}/content/").status_code == 404
    refused = client.post(
        f"/documentation/evidence/{original.code}/download/", {"original-why": ""}
    )
    assert refused.status_code == 302
    given = client.post(
        f"/documentation/evidence/{original.code}/download/", {"original-why": "court request"}
    )
    assert given["Content-Disposition"].startswith("attachment")
    assert b"SentinelPhone" in b"".join(given.streaming_content)
    actions = list(CustodyEntry.objects.filter(evidence=original).values_list("action", flat=True))
    assert actions == ["uploaded", "linked", "derived", "downloaded"]
    with using_keyring(desk.vault.keyring):
        last = CustodyEntry.objects.filter(evidence=original).last()
        assert last is not None
        assert last.details["why"] == "court request"
    viewed = CustodyEntry.objects.filter(evidence=copy, action="viewed").count()
    assert viewed == 1
    assert AuditEntry.objects.filter(action="documentation.evidence_viewed").count() == 1
    assert AuditEntry.objects.filter(action="documentation.evidence_downloaded").count() == 1


@pytest.mark.django_db
def test_it_links_evidence_to_acts_statements_and_sources_accounts(desk: Desk, keys: None) -> None:
    recorded = record_detention(desk.documenter)
    statement = statements.record_statement(
        desk.documenter, speaker="A spokesman", quote="No.", stance=term("stance", "L-DENIES")
    )
    staged = files.stage_bytes(b"%PDF-1.4 a letter", name="l.pdf", content_type="application/pdf")
    item = evidence.add_evidence(desk.documenter, staged, target=recorded.act)
    information = recorded.act.information.get()
    evidence.link_evidence(desk.documenter, item, statement)
    evidence.link_evidence(desk.documenter, item, information)
    with pytest.raises(evidence.Refused):
        evidence.link_evidence(desk.documenter, item, statement)
    linked = {(link.act, link.statement, link.information) for link in item.links.all()}
    assert linked == {
        (recorded.act, None, None),
        (None, statement, None),
        (None, None, information),
    }
    assert evidence.evidence_beside(desk.documenter, recorded.event) == [item]
    assert evidence.evidence_beside(desk.documenter, statement) == [item]


@pytest.mark.django_db
def test_it_hides_evidence_of_a_restricted_event_with_the_event(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter, confidentiality="restricted").event
        staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
        item = evidence.add_evidence(desk.documenter, staged, target=event)
        copy = evidence.make_working_copy(desk.documenter, item, Operation.LOCATION_STRIPPED)
    client = Client()
    sign_in(client, desk.stranger)
    for code in (item.code, copy.code):
        assert client.get(f"/documentation/evidence/{code}/").status_code == 404
        assert client.get(f"/documentation/evidence/{code}/content/").status_code == 404
    assert item.code not in client.get("/documentation/evidence/").content.decode()
    sign_in(client, desk.documenter)
    assert client.get(f"/documentation/evidence/{copy.code}/").status_code == 200


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=50_000)
def test_it_refuses_a_file_over_the_limit_and_keeps_nothing(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    before = _store_files()
    response = _upload(client, event.code, "big.bin", b"\x00" * 60_000, description="kept")
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert "kept" in response.content.decode()  # what was typed stays
    assert not Evidence.objects.exists()
    assert not CustodyEntry.objects.exists()
    assert _store_files() == before
    assert _staging_files() == []


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_half_saved(
    desk: Desk, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = record_detention(desk.documenter).event
    files_before = EncryptedFile.objects.count()
    store_before = _store_files()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    # The link, the last step, fails: the item, its log and its file go too.
    monkeypatch.setattr(evidence, "_link", broken)
    staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
    with pytest.raises(RuntimeError):
        evidence.add_evidence(desk.documenter, staged, target=event)
    assert not Evidence.objects.exists()
    assert not CustodyEntry.objects.exists()
    assert EncryptedFile.objects.count() == files_before
    assert _store_files() == store_before
    assert _staging_files() == []


@pytest.mark.django_db
def test_a_working_copy_made_elsewhere_is_added_beside_any_original(desk: Desk) -> None:
    """A video cannot be blurred here: a copy made with other tools (a
    transcript, a redacted cut) is added to its original, kept as it
    came with its own hash, recorded in both logs, and shown instead of
    the original; a dossier of working copies carries it."""
    from safepassage.documentation import dossiers

    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    video = b"\x00\x00\x00\x18ftypisom" + b"\x01" * 2000
    _upload(client, event.code, "detention.mp4", video)
    original = Evidence.objects.get()
    page = client.get(f"/documentation/evidence/{original.code}/").content.decode()
    assert "Add a working copy made elsewhere" in page
    assert "Make the copy" not in page  # no photo: nothing to blur here
    transcript = "00:01 — Откройте дверь. / Open the door.\n".encode()
    # No choice of what was done: refused, nothing kept.
    refused = client.post(
        f"/documentation/evidence/{original.code}/copy/added/",
        {"elsewhere-file": SimpleUploadedFile("t.txt", transcript), "elsewhere-why": "report"},
        follow=True,
    )
    assert "This field is required" in refused.content.decode()
    assert Evidence.objects.count() == 1
    assert _staging_files() == []
    added = client.post(
        f"/documentation/evidence/{original.code}/copy/added/",
        {
            "elsewhere-file": SimpleUploadedFile("transcript.txt", transcript),
            "elsewhere-operation": "transcribed",
            "elsewhere-why": "for the report to the rapporteur",
        },
    )
    copy = Evidence.objects.exclude(pk=original.pk).get()
    assert added["Location"] == f"/documentation/evidence/{copy.code}/"
    assert (copy.original, copy.operation) == (original, Operation.TRANSCRIBED)
    with using_keyring(desk.vault.keyring):
        assert copy.sha256 == hashlib.sha256(transcript).hexdigest() != original.sha256
        assert copy.parameters == {"made_from": original.code, "made": "elsewhere"}
        _meta, chunks = files.open_file(desk.vault.keyring, copy.file)
        assert b"".join(chunks) == transcript
        derived = CustodyEntry.objects.get(evidence=original, action=CustodyAction.DERIVED)
        assert (derived.details["before"], derived.details["after"]) == (
            original.sha256,
            copy.sha256,
        )
        assert derived.details["why"] == "for the report to the rapporteur"
        first = CustodyEntry.objects.get(evidence=copy, seq=1)
        assert first.action == CustodyAction.DERIVED_FROM
        assert evidence.default_copy(original) == copy
    page = client.get(f"/documentation/evidence/{original.code}/").content.decode()
    assert "Download the working copy" in page
    parts = dossiers.plan([original], dossiers.COPIES)
    assert [(part.item, part.ships) for part in parts] == [(original, False), (copy, True)]
    # Only what is made elsewhere is added this way.
    staged = files.stage_bytes(transcript, name="t.txt", content_type="text/plain")
    with using_keyring(desk.vault.keyring), pytest.raises(evidence.Refused):
        evidence.add_working_copy(desk.documenter, original, staged, Operation.BLURRED)
    assert Evidence.objects.count() == 2
    assert _staging_files() == []


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=50_000)
def test_a_working_copy_over_the_limit_is_refused_and_nothing_is_kept(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = Client()
    sign_in(client, desk.documenter)
    _upload(client, event.code, "p.jpg", photo_with_exif())
    original = Evidence.objects.get()
    before = _store_files()
    answer = client.post(
        f"/documentation/evidence/{original.code}/copy/added/",
        {
            "elsewhere-file": SimpleUploadedFile("cut.mp4", b"\x00" * 60_000),
            "elsewhere-operation": "redacted",
        },
        follow=True,
    )
    assert "The file is too large to send here." in answer.content.decode()
    assert Evidence.objects.count() == 1
    assert _store_files() == before
    assert _staging_files() == []
