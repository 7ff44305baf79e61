"""Coming back with a receipt: read replies, answer, add files; wrong or
guessed receipts get nowhere, and guessing is slowed for everyone."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from safepassage.intake import actions, receipts
from safepassage.intake.models import Message, Submission
from safepassage.vault import crypto
from safepassage.vault.errors import NotInCompartment, Tampered
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.intake.helpers import JPEG, pdf_document, send_request

pytestmark = pytest.mark.django_db


def _open(client: Client, receipt: str) -> str:
    response = client.post("/request/return/", {"receipt": receipt, "lang": "en"})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_person_reads_the_reply_and_answers(org: Organisation, vault: Vault) -> None:
    receipt = send_request()
    submission = Submission.objects.get()
    staff_file = SimpleUploadedFile("visa.pdf", pdf_document(pages=2))
    # A staff reply with a file, through the inbox.
    staff = Client()
    sign_in(staff, org.coordinator)
    response = staff.post(
        f"/intake/{submission.code}/reply/",
        {"text": "We can help. Write to us on Signal.", "attachments": staff_file},
    )
    assert response.status_code == 302
    person = Client()
    html = _open(person, receipt.upper())  # case does not matter
    assert "We can help. Write to us on Signal." in html
    assert "They took my brother" in html
    response = person.post(
        "/request/message/",
        {
            "receipt": receipt,
            "lang": "en",
            "text": "Thank you, I wrote on Signal.",
            "attachments": SimpleUploadedFile("more.jpg", JPEG + b"photo"),
        },
    )
    assert response.status_code == 200
    assert "Your message was sent." in response.content.decode()
    assert Message.objects.filter(sender="person").count() == 1
    with using_keyring(keyring_of(org.coordinator)):
        assert Message.objects.get(sender="person").body == "Thank you, I wrote on Signal."
    # The person downloads the file staff attached, opened with their receipt.
    attachment = submission.attachments.get(message__sender="staff")
    download = person.post(f"/request/file/{attachment.pk}/", {"receipt": receipt})
    assert download.status_code == 200
    with pikepdf.open(io.BytesIO(b"".join(download.streaming_content))) as letter:
        assert len(letter.pages) == 2
    assert person.cookies == {} or all(not c.value for c in person.cookies.values())


def test_a_wrong_receipt_opens_nothing(vault: Vault) -> None:
    receipt = send_request()
    words = receipt.split()
    words[0] = "abandon" if words[0] != "abandon" else "ability"
    response = Client().post("/request/return/", {"receipt": " ".join(words)})
    assert response.status_code == 404
    assert "No request has this receipt." in response.content.decode()


def test_a_receipt_of_the_wrong_shape_is_explained(vault: Vault) -> None:
    response = Client().post("/request/return/", {"receipt": "R-123"})
    assert response.status_code == 400
    assert "A receipt is eight words" in response.content.decode()


@override_settings(INTAKE_RECEIPT_TRIES_PER_MINUTE=3)
def test_guessing_receipts_is_slowed_for_everyone(vault: Vault) -> None:
    receipt = send_request()
    guess = "abandon ability able about above absent absorb abstract"
    for _ in range(3):
        assert Client().post("/request/return/", {"receipt": guess}).status_code == 404
    response = Client().post("/request/return/", {"receipt": guess})
    assert response.status_code == 429
    assert "Too many wrong receipts" in response.content.decode()
    # Even the right receipt waits a minute: the server cannot tell who is who.
    assert Client().post("/request/return/", {"receipt": receipt}).status_code == 429


@override_settings(INTAKE_MESSAGES_PER_HOUR=2)
def test_messages_per_receipt_are_limited(vault: Vault) -> None:
    receipt = send_request()
    client = Client()
    for n in range(2):
        response = client.post("/request/message/", {"receipt": receipt, "text": f"message {n}"})
        assert response.status_code == 200
    response = client.post("/request/message/", {"receipt": receipt, "text": "one more"})
    assert response.status_code == 429
    assert "You have sent many messages this hour." in response.content.decode()
    assert Message.objects.count() == 2


def test_staff_cannot_read_what_they_do_not_hold(org: Organisation, vault: Vault) -> None:
    send_request()
    submission = Submission.objects.get()
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(NotInCompartment):
        _ = submission.payload


def test_what_the_person_sent_opens_with_the_receipt_only(vault: Vault) -> None:
    receipt = send_request(happened="The first story.")
    submission = Submission.objects.get()
    assert "The first story." in _open(Client(), receipt)
    assert b"The first story." not in bytes(submission.payload_for_person)
    other = receipts.new_receipt("en")
    with pytest.raises(Tampered):
        actions.read_as_person(submission, other)


def test_a_copy_sealed_to_the_person_s_public_key_still_opens(vault: Vault) -> None:
    receipt = send_request()
    submission = Submission.objects.get()
    # How the person's copy used to be kept: sealed to their public key.
    story = {"happened": "An older story.", "help": "", "contacts": [], "answers": {}}
    submission.payload_for_person = crypto.seal_with_context(
        bytes(submission.person_public_key),
        json.dumps(story).encode(),
        actions._context("payload", submission.pk),
    )
    submission.save(update_fields=["payload_for_person"])
    assert actions.read_as_person(submission, receipt).payload == story
