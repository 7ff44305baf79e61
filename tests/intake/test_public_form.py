"""The public request form: three languages, no script, no cookie, sealed
on arrival, a receipt once, clear errors that keep nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from safepassage.audit.models import AuditEntry
from safepassage.intake import receipts
from safepassage.intake.models import Attachment, Question, RateWindow, Submission
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.intake.helpers import JPEG, receipt_of, request_data, send_request

pytestmark = pytest.mark.django_db


def _staging() -> list[Path]:
    folder = Path(settings.FILES_DIR) / "staging"
    return list(folder.iterdir()) if folder.exists() else []


def test_the_form_needs_no_script_sets_no_cookie_and_loads_nothing_else(
    vault: Vault, client: Client
) -> None:
    response = client.get("/request/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.cookies == {}
    # One script, our own, for the proof of work; a request without it is
    # accepted all the same (test_flood.py).
    assert html.count("<script") == 1
    assert '<script src="/static/js/proof.js"></script>' in html
    assert "csrfmiddlewaretoken" not in html
    assert "http://" not in html
    assert "https://" not in html
    assert "Content-Security-Policy" in response.headers
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Ask for help"), ("ru", "Попросить о помощи"), ("fr", "Demander de l’aide")],
)
def test_the_form_speaks_three_languages(vault: Vault, language: str, text: str) -> None:
    html = Client().get(f"/request/?lang={language}").content.decode()
    assert f'<html lang="{language}">' in html
    assert text in html


def test_a_request_is_sealed_and_answered_with_a_receipt(
    org: Organisation, vault: Vault, client: Client
) -> None:
    document = SimpleUploadedFile(
        "passport.jpg", JPEG + b"PASSPORT-DATA", content_type="image/jpeg"
    )
    entries_before = AuditEntry.objects.count()
    response = client.post("/request/", {**request_data(lang="ru"), "attachments": document})
    assert response.status_code == 200
    assert response.cookies == {}
    receipt = receipt_of(response)
    words = receipt.split()
    assert len(words) == 8  # 8 x 11 bits = 88 bits
    assert all(word in receipts.wordlist("ru") for word in words)
    submission = Submission.objects.get()
    assert submission.receipt_lookup == receipts.lookup(receipt)
    assert submission.urgency == 2
    assert b"checkpoint" not in bytes(Submission.objects.values_list("payload", flat=True).get())
    with using_keyring(keyring_of(org.coordinator)):
        payload = Submission.objects.get().payload
    assert [(c.kind, c.handle) for c in payload.contacts] == [("signal", "+7 928 000 11 22")]
    assert (payload.location.area, payload.location.place) == ("chechnya", "")
    assert Attachment.objects.count() == 1
    assert _staging() == []
    # Not in the audit log: it keeps exact times, which requests must not have.
    assert AuditEntry.objects.count() == entries_before


def test_a_form_with_mistakes_comes_back_with_messages_and_keeps_nothing(
    vault: Vault, client: Client
) -> None:
    data = request_data(happened="", contact_method="telegram", contact_handle="")
    document = SimpleUploadedFile("a.jpg", JPEG)
    response = client.post("/request/", {**data, "attachments": document})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Please write how we can reach you that way." in html
    assert "please choose them again" in html
    assert "We need to leave the region." in html  # what was typed stays
    assert not Submission.objects.exists()
    assert _staging() == []


def test_a_file_of_the_wrong_type_is_refused(vault: Vault, client: Client) -> None:
    document = SimpleUploadedFile("script.html", b"<html><script>alert(1)</script>")
    response = client.post("/request/", {**request_data(), "attachments": document})
    assert response.status_code == 400
    assert "is not a photo (JPEG, PNG, WebP, HEIC) or a PDF" in response.content.decode()
    assert not Submission.objects.exists()
    assert _staging() == []


@override_settings(UPLOAD_MAX_BYTES=50_000)
def test_a_file_too_large_is_refused(vault: Vault, client: Client) -> None:
    document = SimpleUploadedFile("big.jpg", JPEG + b"x" * 60_000)
    response = client.post("/request/", {**request_data(), "attachments": document})
    assert response.status_code == 400
    assert "A file is larger than 48.8" in response.content.decode()
    assert not Submission.objects.exists()


@override_settings(UPLOAD_MAX_TOTAL_BYTES=50_000, DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_announced_too_large_writes_nothing_and_keeps_the_text(
    vault: Vault, client: Client
) -> None:
    documents = [SimpleUploadedFile(f"{n}.jpg", JPEG + b"x" * 20_000) for n in range(4)]
    response = client.post("/request/", {**request_data(), "attachments": documents})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The files together are larger than 48.8" in html
    assert "We need to leave the region." in html
    assert "please choose them again" in html
    assert not Submission.objects.exists()
    assert _staging() == []


@override_settings(INTAKE_MAX_FILES=2)
def test_too_many_files_are_refused(vault: Vault, client: Client) -> None:
    documents = [SimpleUploadedFile(f"{n}.jpg", JPEG) for n in range(3)]
    response = client.post("/request/", {**request_data(), "attachments": documents})
    assert response.status_code == 400
    assert "Send at most 2 files at a time." in response.content.decode()
    assert not Submission.objects.exists()


def test_questions_added_by_administrators_are_asked_and_kept(
    org: Organisation, vault: Vault, client: Client
) -> None:
    Question.objects.create(
        key="has_passport",
        kind=Question.Kind.CHOICE,
        label_en="Do you have a passport for travel abroad?",
        label_ru="Есть ли у вас загранпаспорт?",
        label_fr="Avez-vous un passeport international ?",
        options="Yes | Да | Oui\nNo | Нет | Non",
        required=True,
    )
    assert "Есть ли у вас загранпаспорт?" in client.get("/request/?lang=ru").content.decode()
    missing = client.post("/request/", request_data())
    assert missing.status_code == 400
    response = client.post("/request/", {**request_data(), "q_has_passport": "1"})
    assert response.status_code == 200
    with using_keyring(keyring_of(org.coordinator)):
        assert Submission.objects.get().payload.answers == {"has_passport": "No"}


def test_administrators_manage_questions_without_code(org: Organisation, client: Client) -> None:
    from tests.base import sign_in

    sign_in(client, org.admin)
    response = client.post(
        "/intake/questions/new/",
        {
            "key": "safe_now",
            "kind": "yesno",
            "label_en": "Are you safe right now?",
            "label_ru": "Вы сейчас в безопасности?",
            "label_fr": "Êtes-vous en sécurité maintenant ?",
            "options": "",
            "position": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Question.objects.get().key == "safe_now"
    bad = client.post("/intake/questions/new/", {"key": "x y", "kind": "choice"})
    assert bad.status_code == 400
    sign_in(client, org.caseworker)
    assert client.get("/intake/questions/").status_code == 404


def test_a_missing_public_page_sets_no_cookie(vault: Vault, client: Client) -> None:
    response = client.get("/request/nowhere/")
    assert response.status_code == 404
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_receipts_are_drawn_evenly_from_the_whole_list() -> None:
    drawn = [receipts.new_receipt("fr").split() for _ in range(400)]
    assert all(len(words) == 8 for words in drawn)
    for place in range(8):
        # 400 draws from 2,048 words give about 363 different ones.
        assert len({words[place] for words in drawn}) > 320
    assert {word for words in drawn for word in words} <= set(receipts.wordlist("fr"))


def test_a_request_whose_code_is_taken_gets_another(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    send_request()
    taken = Submission.objects.get().code
    # The next request draws the same six characters first.
    monkeypatch.setattr(Submission._meta.get_field("code"), "_get_default", lambda: taken)
    receipt = send_request()
    assert Submission.objects.count() == 2
    fresh = Submission.objects.get(receipt_lookup=receipts.lookup(receipt))
    assert fresh.code != taken
    assert fresh.code.startswith("R-")
    assert len(fresh.code) == 8
    # The attempt that failed left nothing, not even a count.
    assert RateWindow.objects.get(name="intake:requests").count == 2
