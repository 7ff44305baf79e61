"""Coming back with a receipt: read replies, answer, add files; wrong or
guessed receipts get nowhere, and guessing is slowed for everyone."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from safepassage.intake import actions, receipts
from safepassage.intake.models import Message, RateWindow, Submission
from safepassage.intake.payload import RequestPayload
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
@time_machine.travel(1_900_000_000.0, tick=False)
def test_a_right_receipt_always_opens_while_wrong_ones_pour_in(vault: Vault) -> None:
    receipt = send_request()
    guess = "abandon ability able about above absent absorb abstract"
    answers = []
    # Four wrong receipts for each right one, far beyond the minute's budget.
    for _ in range(13):
        for _ in range(4):
            answers.append(Client().post("/request/return/", {"receipt": guess}).status_code)
        assert "They took my brother" in _open(Client(), receipt)
    assert answers[:3] == [404, 404, 404]
    assert set(answers[3:]) == {429}
    page = Client().post("/request/return/", {"receipt": guess, "lang": "en"}).content.decode()
    assert "No request has this receipt. Check each word and try again." in page
    assert "This never stops a right receipt" in page
    assert f'value="{guess}"' in page  # what was typed stays
    # Beyond the budget, wrong receipts are no longer counted (nothing written).
    assert RateWindow.objects.get(name=actions.RECEIPT_FAILURES).count == 3


@override_settings(INTAKE_RECEIPT_TRIES_PER_MINUTE=1)
@time_machine.travel(1_900_000_000.0, tick=False)
def test_a_message_to_a_receipt_that_opens_nothing_is_kept_on_the_page(vault: Vault) -> None:
    send_request()
    guess = "abandon ability able about above absent absorb abstract"
    for expected in (404, 429):
        response = Client().post(
            "/request/message/", {"receipt": guess, "text": "Please answer me soon."}
        )
        assert response.status_code == expected
        html = response.content.decode()
        assert "Please answer me soon." in html
        assert "It was not sent, because the receipt opens no request." in html
    assert not Message.objects.exists()


@override_settings(INTAKE_MESSAGES_PER_HOUR=2)
def test_the_count_of_a_receipt_s_messages_cannot_be_linked_and_goes_with_its_hour(
    vault: Vault,
) -> None:
    receipt = send_request()
    other = send_request()
    submission = Submission.objects.get(receipt_lookup=receipts.lookup(receipt))
    start = 1_900_000_000.0
    with time_machine.travel(start, tick=False):
        for text in ("one", "two"):
            response = Client().post("/request/message/", {"receipt": receipt, "text": text})
            assert response.status_code == 200
        counters = RateWindow.objects.filter(name__startswith="intake:messages:")
        (name,) = counters.values_list("name", flat=True)
        assert name == actions.message_counter(receipt)
        # Nothing in the name comes from what the database holds of the request.
        assert submission.receipt_lookup[:8] not in name
        assert submission.code not in name
        assert str(submission.pk).replace("-", "")[:8] not in name
    with time_machine.travel(start + 86_400, tick=False):
        assert actions.message_counter(receipt) != name  # another name the next day
    with time_machine.travel(start + 3_600, tick=False):
        # The next hour: anything counted makes the old hour go, whatever its name.
        response = Client().post("/request/message/", {"receipt": other, "text": "hello"})
        assert response.status_code == 200
        assert not RateWindow.objects.filter(name=name).exists()
        assert all(row.expires > start + 3_600 for row in RateWindow.objects.all())


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
    assert actions.read_as_person(submission, receipt).payload == RequestPayload(
        happened="An older story."
    )
