"""The request form during a flood, in a real browser: with JavaScript the
proof of work is found while the person types and the request gets
through; without it, the form comes back filled in, with what to do."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from safepassage.intake import proof
from safepassage.intake.models import Submission
from tests.base import hold_ceremony
from tests.intake.helpers import JPEG, request_data

pytestmark = pytest.mark.browser

STORY = "They came at night and took my brother."


def _flood(server_url: str) -> None:
    """Cheap requests until the server refuses one: the minute's budget of
    requests without a proof is used up. Up to twice the budget: on a
    loaded machine a new minute may begin during the flood, with a budget
    of its own."""
    body = urllib.parse.urlencode(request_data(), doseq=True).encode()
    for _ in range(2 * (settings.INTAKE_MAX_PER_MINUTE + 1)):
        try:
            with urllib.request.urlopen(server_url + "/request/", body, timeout=30):  # noqa: S310
                status = 200
        except urllib.error.HTTPError as answer:
            status = answer.code
        if status == 429:
            return
    pytest.fail("the flood was never refused")


def _fill(page: Any) -> None:
    page.goto("/request/?lang=en")
    page.get_by_label("What should we call you?").fill("Zarema")
    page.get_by_label("What happened?").fill(STORY)
    page.get_by_label("What help do you need?").fill("Shelter for two.")
    page.get_by_label("My family threatens me").check()
    page.get_by_label("How can we reach you safely?").select_option("telegram")
    page.get_by_label("Your number, username or address for that").fill("@zarema_k")
    page.get_by_label("Where are you now?").select_option("caucasus")
    page.get_by_label("Town or region (optional)").fill("Nalchik")
    page.get_by_label("Photos or documents (optional)").set_input_files(
        [{"name": "summons.jpg", "mimeType": "image/jpeg", "buffer": JPEG + b"summons"}]
    )


def test_without_javascript_the_form_comes_back_filled_in(
    browser: Any, server_url: str, org: Any
) -> None:
    hold_ceremony(org)
    context = browser.new_context(base_url=server_url, java_script_enabled=False)
    page = context.new_page()
    for _attempt in range(3):  # a new minute may start between the flood and the form
        _flood(server_url)
        _fill(page)
        page.get_by_role("button", name="Send my request").click()
        if page.get_by_text("we are receiving very many requests right now").count():
            break
        Submission.objects.filter(urgency=1).delete()  # it got in: try again
    assert page.get_by_text("Nothing you wrote is lost").is_visible()
    assert page.get_by_text("please choose them again").is_visible()
    assert page.get_by_label("What should we call you?").input_value() == "Zarema"
    assert page.get_by_label("What happened?").input_value() == STORY
    assert page.get_by_label("My family threatens me").is_checked()
    assert page.get_by_label("How can we reach you safely?").input_value() == "telegram"
    assert page.get_by_label("Your number, username or address for that").input_value() == (
        "@zarema_k"
    )
    assert page.get_by_label("Where are you now?").input_value() == "caucasus"
    assert page.get_by_label("Town or region (optional)").input_value() == "Nalchik"
    assert not Submission.objects.filter(urgency=1).exists()  # "my family threatens me"
    context.close()


def test_with_javascript_a_request_gets_through_a_flood(
    browser: Any, server_url: str, org: Any
) -> None:
    hold_ceremony(org)
    context = browser.new_context(base_url=server_url)
    page = context.new_page()
    _flood(server_url)
    _fill(page)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_selector("p.receipt")
    assert Submission.objects.filter(urgency=1, flood=False).count() == 1  # "family threatens"
    context.close()


def test_the_script_finds_a_proof_quickly(browser: Any, server_url: str) -> None:
    """The search as the form runs it (a Worker), at the default difficulty:
    a phone is a few times slower than this machine, and the search runs
    while the person types."""
    context = browser.new_context(base_url=server_url)
    page = context.new_page()
    page.goto("/request/safety/")
    challenges = [proof.challenge(16) for _ in range(8)]
    found = page.evaluate(
        """async (challenges) => {
            const started = performance.now(), nonces = [];
            for (const challenge of challenges) {
                const worker = new Worker("/static/js/proof.js");
                nonces.push(await new Promise((done) => {
                    worker.onmessage = (message) => { done(message.data); worker.terminate(); };
                    worker.postMessage({challenge: challenge, bits: 16});
                }));
            }
            return {nonces: nonces, ms: performance.now() - started};
        }""",
        challenges,
    )
    assert all(proof.solved(c, n) for c, n in zip(challenges, found["nonces"], strict=True))
    tries = sum(int(nonce) + 1 for nonce in found["nonces"])
    per_proof = found["ms"] / len(challenges)
    print(f"16 bits: {per_proof:.0f} ms a proof, {tries / found['ms'] * 1000:,.0f} tries/s")
    assert per_proof < 1500
    context.close()


def test_a_proof_found_before_the_person_sends(browser: Any, server_url: str, org: Any) -> None:
    hold_ceremony(org)
    context = browser.new_context(base_url=server_url)
    page = context.new_page()
    page.goto("/request/?lang=en")
    # Found in the background, before anyone presses Send.
    # (Playwright's own polling: the page's policy forbids evaluating strings.)
    nonce = page.locator("input[name=proof_nonce]")
    expect(nonce).not_to_have_value("", timeout=30_000)
    challenge = page.locator("input[name=proof_challenge]").input_value()
    assert proof.solved(challenge, nonce.input_value())
    context.close()
