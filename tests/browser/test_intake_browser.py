"""A person asks for help with JavaScript switched off (Tor Browser's
safest mode), gets a receipt, comes back, reads the reply and answers."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.intake import actions
from safepassage.intake.models import Message, Submission
from safepassage.vault.keyring import using_keyring
from tests.base import hold_ceremony, keyring_of
from tests.intake.helpers import JPEG

pytestmark = pytest.mark.browser


def test_a_request_without_javascript(browser: Any, server_url: str, org: Any) -> None:
    hold_ceremony(org)
    context = browser.new_context(base_url=server_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/request/?lang=en")
    page.get_by_label("What happened?").fill("Men in uniform came to my flat and asked for me.")
    page.get_by_label("What help do you need?").fill("I need to leave the country.")
    page.get_by_label("I am in hiding").check()
    page.get_by_label("How can we reach you safely?").select_option("signal")
    page.get_by_label("Your number, username or address for that").fill("+7 928 555 00 11")
    page.get_by_label("Where are you now?").select_option("chechnya")
    page.get_by_label("Photos or documents (optional)").set_input_files(
        [{"name": "summons.jpg", "mimeType": "image/jpeg", "buffer": JPEG + b"summons"}]
    )
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_selector("p.receipt")
    receipt = " ".join(page.locator("p.receipt span").all_inner_texts())
    assert len(receipt.split()) == 8
    assert context.cookies() == []

    submission = Submission.objects.get()
    assert submission.attachments.count() == 1
    with using_keyring(keyring_of(org.coordinator)):
        actions.staff_reply(
            submission, "We read your request. Are you safe tonight?", [], by=org.coordinator
        )

    page.goto("/request/return/?lang=en")
    page.get_by_label("Your receipt (the words you were given)").fill(receipt)
    page.get_by_role("button", name="Open").click()
    page.wait_for_selector("text=We read your request. Are you safe tonight?")
    page.get_by_label("Your message").fill("Yes, for tonight. Thank you.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector("text=Your message was sent.")
    assert Message.objects.filter(sender="person").count() == 1
    assert context.cookies() == []
    context.close()


def test_the_proof_of_work_runs_in_a_browser_with_javascript(
    browser: Any, server_url: str, org: Any
) -> None:
    hold_ceremony(org)
    context = browser.new_context(base_url=server_url)
    page = context.new_page()
    for story in ("First: they came for me.", "Second: they came for my friend."):
        page.goto("/request/?lang=en")
        page.get_by_label("What happened?").fill(story)
        page.get_by_label("What help do you need?").fill("Shelter.")
        page.get_by_label("How can we reach you safely?").select_option("none")
        page.get_by_label("Where are you now?").select_option("unsaid")
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_selector("p.receipt")
    # The flood starts at the second request of a minute here, but both
    # carried a proof of work, so neither is listed with the flood.
    assert list(Submission.objects.values_list("flood", flat=True)) == [False, False]
    context.close()
