"""Files are cleaned on arrival: photos lose their place, time and camera,
PDFs everything that acts when opened; the original stays, sealed, only
with the person's consent and opens only for intake, audited; what cannot
be cleaned is refused with a clear message and the form keeps what was
typed; every download carries the extension of its real type."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import ExifTags, Image

from safepassage.audit.models import AuditEntry
from safepassage.intake import actions
from safepassage.intake.models import Attachment, Submission
from safepassage.vault import files
from safepassage.vault.models import EncryptedFile
from tests.base import Organisation, Vault, sign_in
from tests.intake import sample_files
from tests.intake.helpers import pdf_document, request_data, send_request

pytestmark = pytest.mark.django_db


def _every_file() -> set[Path]:
    return {path for path in Path(settings.FILES_DIR).rglob("*") if path.is_file()}


@pytest.fixture
def new_files() -> Callable[[], list[str]]:
    """Files added to the file store or to staging since the test began."""
    before = _every_file()
    return lambda: sorted(path.name for path in _every_file() - before)


def _staff(org: Organisation) -> Client:
    client = Client()
    sign_in(client, org.coordinator)
    return client


def _download(client: Client, attachment: Attachment) -> tuple[bytes, Any]:
    response = client.get(f"/intake/{attachment.submission.code}/files/{attachment.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


def _send(name: str, data: bytes, **overrides: Any) -> None:
    send_request(attachments=[SimpleUploadedFile(name, data)], **overrides)


def test_it_strips_place_time_and_camera_from_a_photo_and_keeps_it_upright(
    org: Organisation, vault: Vault
) -> None:
    photo = sample_files.phone_photo(model="Sentinel Model 9")
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    _send("IMG_2041.jpg", photo)
    attachment = Attachment.objects.get()
    assert attachment.cleaned
    assert attachment.removed == ["camera", "location", "time"]
    clean, response = _download(_staff(org), attachment)
    assert b"Sentinel Model 9" not in clean
    assert b"Exif\x00\x00" not in clean
    assert b"GPS" not in clean
    picture = Image.open(io.BytesIO(clean))
    assert picture.format == "JPEG"
    assert dict(picture.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & picture.info.keys()
    # Turned as the camera said: upright, blue along the top, no orientation left to apply.
    assert picture.size == (20, 40)
    top = picture.getpixel((10, 2))
    bottom = picture.getpixel((10, 37))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[2] > 200  # blue
    assert top[0] < 60
    assert bottom[0] > 200  # red
    assert bottom[2] < 60
    assert response["Content-Type"] == "image/jpeg"


def test_it_drops_the_original_without_consent(
    org: Organisation, vault: Vault, new_files: Callable[[], list[str]]
) -> None:
    _send("IMG_2041.jpg", sample_files.phone_photo())
    attachment = Attachment.objects.get()
    assert not attachment.keep_original
    assert attachment.original is None
    # One file kept, the clean copy: no original in the store, no row for one.
    assert EncryptedFile.objects.count() == 1
    assert new_files() == [attachment.file.digest]
    html = _staff(org).get(f"/intake/{attachment.submission.code}/").content.decode()
    assert "The original was not kept." in html
    assert "Removed on arrival: place, time, camera or phone." in html
    assert "/original/" not in html


def test_it_keeps_the_original_with_consent_for_intake_alone_and_audits_each_opening(
    org: Organisation, vault: Vault, new_files: Callable[[], list[str]]
) -> None:
    photo = sample_files.phone_photo(model="Sentinel Model 9")
    _send("IMG_2041.jpg", photo, keep_originals="on")
    attachment = Attachment.objects.select_related("original").get()
    assert attachment.keep_original
    assert attachment.original is not None
    assert EncryptedFile.objects.count() == 2
    assert new_files() == sorted([attachment.file.digest, attachment.original.digest])
    code = attachment.submission.code
    staff = _staff(org)
    html = staff.get(f"/intake/{code}/").content.decode()
    assert "The person agreed that the original be kept" in html
    assert "Download the original (recorded in the audit log)" in html
    # The everyday download is the clean copy.
    clean, _response = _download(staff, attachment)
    assert clean != photo
    # Opening the original is its own action: never a GET, always audited.
    url = f"/intake/{code}/files/{attachment.pk}/original/"
    assert staff.get(url).status_code == 405
    before = AuditEntry.objects.filter(action="intake.original_opened").count()
    response = staff.post(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="IMG_2041-original.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="intake.original_opened").count() == before + 1
    # Not for those outside intake: the same 404 as for a file that does not exist.
    for user in (org.caseworker, org.outsider):
        other = Client()
        sign_in(other, user)
        assert other.post(url).status_code == 404
    assert staff.post(f"/intake/{code}/files/{attachment.pk + 1}/original/").status_code == 404


def test_it_shows_the_person_only_the_clean_copy_of_their_photo(
    org: Organisation, vault: Vault
) -> None:
    receipt = send_request()
    person = Client()
    response = person.post(
        "/request/message/",
        {
            "receipt": receipt,
            "lang": "en",
            "text": "Here is the photo.",
            "keep_originals": "on",
            "attachments": SimpleUploadedFile("bruise.jpg", sample_files.phone_photo("Sentinel")),
        },
    )
    assert response.status_code == 200
    assert 'id="id_keep_originals"' in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.original is not None  # they agreed
    download = person.post(f"/request/file/{attachment.pk}/", {"receipt": receipt})
    photo = b"".join(download.streaming_content)
    assert b"Sentinel" not in photo
    assert dict(Image.open(io.BytesIO(photo)).getexif()) == {}
    code = attachment.submission.code
    assert download["Content-Disposition"] == f'attachment; filename="{code}-{attachment.pk}.jpg"'


def test_it_cleans_a_png_text_chunk_and_a_webp_exif(org: Organisation, vault: Vault) -> None:
    send_request(
        attachments=[
            SimpleUploadedFile("screenshot.png", sample_files.png_with_text("Sentinel Author")),
            SimpleUploadedFile("sticker.webp", sample_files.webp_with_exif("Sentinel Phone")),
        ]
    )
    staff = _staff(org)
    found = {}
    for attachment in Attachment.objects.order_by("pk"):
        data, response = _download(staff, attachment)
        assert b"Sentinel" not in data
        picture = Image.open(io.BytesIO(data))
        assert dict(picture.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "Author"} & picture.info.keys()
        found[response["Content-Type"]] = (attachment.removed, picture.mode)
    assert found == {
        "image/png": (["details"], "RGBA"),  # transparency kept
        "image/webp": (["camera", "location", "time"], "RGB"),
    }


def test_it_neutralises_a_pdf_that_runs_javascript_when_opened(
    org: Organisation, vault: Vault
) -> None:
    script = "app.alert('SentinelScript')"
    hostile = sample_files.hostile_pdf(script, payload=b"SentinelPayload")
    assert b"SentinelScript" in hostile
    assert b"SentinelPayload" in hostile
    _send("summons.pdf", hostile, happened="They sent me this file.")
    attachment = Attachment.objects.get()
    assert attachment.removed == ["attachments", "details", "external", "form", "script"]
    clean, response = _download(_staff(org), attachment)
    assert response["Content-Type"] == "application/pdf"
    for word in (b"Sentinel", b"JavaScript", b"/JS", b"OpenAction", b"/AA", b"/XFA", b"tracker"):
        assert word not in clean, word
    with pikepdf.open(io.BytesIO(clean)) as document:
        assert len(document.pages) == 1
        assert pikepdf.Name.OpenAction not in document.Root
        assert pikepdf.Name.AA not in document.pages[0].obj
        assert len(document.attachments) == 0
        assert pikepdf.Name.Info not in document.trailer
    html = _staff(org).get(f"/intake/{attachment.submission.code}/").content.decode()
    assert (
        "Removed on arrival: other hidden details, scripts, links and actions that reach "
        "outside, files inside the file, an interactive (XFA) form." in html
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "photo.jpg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "is not a photo (JPEG, PNG, WebP, HEIC) or a PDF",
        ),
        ("page.html", b"<!doctype html><script>alert(1)</script>", "is not a photo"),
        # Starts like a JPEG, is not one: refused by the decoder, never served.
        (
            "photo.jpg",
            b"\xff\xd8\xff\xe0<svg onload=alert(1)><script>alert(1)</script></svg>",
            "could not be read as a photo",
        ),
        ("letter.pdf", b"%PDF-1.4 the appointment letter", "could not be read as a PDF"),
        ("locked.pdf", sample_files.locked_pdf(), "is protected by a password"),
    ],
)
def test_it_refuses_what_it_cannot_clean_and_keeps_what_was_typed(
    vault: Vault, new_files: Callable[[], list[str]], name: str, data: bytes, message: str
) -> None:
    response = Client().post(
        "/request/",
        {**request_data(), "attachments": SimpleUploadedFile(name, data, "image/jpeg")},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "We need to leave the region." in html  # what was typed stays
    assert "They took my brother at a checkpoint" in html
    assert not Submission.objects.exists()
    assert new_files() == []


def test_it_explains_a_refused_file_in_the_persons_language(vault: Vault) -> None:
    response = Client().post(
        "/request/",
        {
            **request_data(lang="ru"),
            "attachments": SimpleUploadedFile("письмо.pdf", b"%PDF-1.7 broken"),
        },
    )
    assert response.status_code == 400
    assert "не удалось прочитать как PDF" in response.content.decode()


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (9_000, 7_000),  # above our limit (50 megapixels), below Pillow's own guard
        (40_000, 40_000),  # far beyond: Pillow's guard stops it as it opens
    ],
)
def test_it_refuses_a_decompression_bomb_before_decoding_it(
    vault: Vault, new_files: Callable[[], list[str]], width: int, height: int
) -> None:
    bomb = sample_files.png_bomb(width, height)
    assert len(bomb) < 10_000
    started = time.monotonic()
    response = Client().post(
        "/request/", {**request_data(), "attachments": SimpleUploadedFile("map.png", bomb)}
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "“map.png” is too large a picture (at most 50 megapixels)." in response.content.decode()
    assert "We need to leave the region." in response.content.decode()
    assert not Submission.objects.exists()
    assert new_files() == []


@override_settings(INTAKE_PHOTO_MAX_MEGAPIXELS=1)
def test_it_holds_photos_to_the_configured_limit(vault: Vault) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (1200, 1000)).save(picture, "JPEG")
    response = Client().post(
        "/request/",
        {**request_data(), "attachments": SimpleUploadedFile("a.jpg", picture.getvalue())},
    )
    assert response.status_code == 400
    assert "is too large a picture (at most 1 megapixel)." in response.content.decode()


def test_it_cleans_files_staff_attach_to_replies(org: Organisation, vault: Vault) -> None:
    send_request()
    submission = Submission.objects.get()
    staff = _staff(org)
    response = staff.post(
        f"/intake/{submission.code}/reply/",
        {
            "text": "This is the safe house door.",
            "keep_originals": "on",  # not for staff files: ignored
            "attachments": SimpleUploadedFile("door.jpg", sample_files.phone_photo("Staff Phone")),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original is None
    assert attachment.removed == ["camera", "location", "time"]
    clean, _response = _download(staff, attachment)
    assert b"Staff Phone" not in clean
    assert not Image.open(io.BytesIO(clean)).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def _heic(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "HEIF", exif=sample_files.camera_exif("Sentinel iPhone"))
    return out.getvalue()


def test_it_names_every_download_by_its_real_type(org: Organisation, vault: Vault) -> None:
    receipt = send_request(
        attachments=[
            # What the sender calls a page is a PNG: saved as one, it opens as one.
            SimpleUploadedFile("evidence.html", sample_files.png_with_text("x")),
            # iPhone photos become JPEG, which every browser shows.
            SimpleUploadedFile("IMG_0001.HEIC", _heic(sample_files.sideways_picture())),
        ]
    )
    staff = _staff(org)
    names = {}
    for attachment in Attachment.objects.order_by("pk"):
        data, response = _download(staff, attachment)
        assert b"Sentinel" not in data
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        names[response["Content-Disposition"]] = response["Content-Type"]
    assert names == {
        'attachment; filename="evidence.png"': "image/png",
        'attachment; filename="IMG_0001.jpg"': "image/jpeg",
    }
    # A file staff send to the person: named by its type for them too.
    submission = Submission.objects.get()
    staff.post(
        f"/intake/{submission.code}/reply/",
        {
            "text": "Your appointment letter.",
            "attachments": SimpleUploadedFile("Приглашение", pdf_document()),
        },
    )
    letter = Attachment.objects.get(message__isnull=False)
    download = Client().post(f"/request/file/{letter.pk}/", {"receipt": receipt})
    assert download["Content-Disposition"] == (
        f'attachment; filename="{submission.code}-{letter.pk}.pdf"'
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    _body, response = _download(staff, letter)
    # A name in another script is kept, in the form every browser reads.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%9F%D1%80%D0%B8%D0%B3%D0%BB%D0%B0%D1%88%D0%B5%D0%BD"
        "%D0%B8%D0%B5.pdf"
    )


def test_it_names_files_kept_before_cleaning_by_their_real_type(
    org: Organisation, vault: Vault
) -> None:
    """Files stored before files were cleaned keep their bytes, and now
    download with the extension of what they are."""
    receipt = send_request()
    submission = Submission.objects.get()
    staged = files.stage_bytes(pdf_document(), name="scan", content_type="application/pdf")
    key_for_person = files.seal_key_to(
        staged, bytes(submission.person_public_key), actions._context("file", staged.digest)
    )
    attachment = Attachment.objects.create(
        submission=submission, file=files.claim(staged, "intake"), key_for_person=key_for_person
    )
    _data, response = _download(_staff(org), attachment)
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    download = Client().post(f"/request/file/{attachment.pk}/", {"receipt": receipt})
    assert download["Content-Disposition"].endswith(f'-{attachment.pk}.pdf"')
    html = _staff(org).get(f"/intake/{submission.code}/").content.decode()
    assert "Arrived before files were cleaned" in html


def test_it_keeps_the_files_of_a_request_whose_code_was_taken(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    send_request()
    taken = Submission.objects.get().code
    monkeypatch.setattr(Submission._meta.get_field("code"), "_get_default", lambda: taken)
    _send("IMG_2041.jpg", sample_files.phone_photo(), keep_originals="on")
    fresh = Submission.objects.exclude(code=taken).get()
    attachment = fresh.attachments.get()
    assert attachment.original is not None
    # The attempt that failed claimed nothing and left nothing in staging.
    assert EncryptedFile.objects.count() == 2
    staging = Path(settings.FILES_DIR) / "staging"
    assert list(staging.iterdir()) == []


def test_it_refuses_a_broken_file_in_a_later_message_and_keeps_the_message(vault: Vault) -> None:
    receipt = send_request()
    response = Client().post(
        "/request/message/",
        {
            "receipt": receipt,
            "lang": "fr",
            "text": "Voici la convocation.",
            "keep_originals": "on",
            "attachments": SimpleUploadedFile("convocation.pdf", b"%PDF-1.7 broken"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "n’a pas pu être lu comme un PDF" in html
    assert "Voici la convocation." in html
    assert 'id="id_keep_originals" checked' in html  # the consent stays as given
    assert not Attachment.objects.exists()
