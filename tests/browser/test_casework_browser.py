"""A coordinator and a verifier take a request to an accepted case in the
browser, against the real server: open a case from the request, give it
to the team, verify it with two interviews by different verifiers and the
rest of the checklist, accept it; in English and in Russian, on a laptop
and on a phone, with no page wider than the screen and no JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case, Check, StageChange
from safepassage.intake.models import Submission
from safepassage.vault import keys
from tests.base import PASSWORD, Organisation, device_of, hold_ceremony, make_user, totp_code
from tests.hashers import SERVER_READABLE
from tests.intake.helpers import send_request

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The page's width, or wider if a table would make someone scroll sideways.
WIDTH = """Math.max(
  document.documentElement.scrollWidth,
  ...Array.from(
    document.querySelectorAll("table"), (t) => Math.ceil(t.getBoundingClientRect().right)
  )
)"""


@pytest.fixture
def real_hashers(settings: Any) -> None:
    """The server hashes with Argon2id only, so passwords set here must too
    (before the staff are made)."""
    settings.PASSWORD_HASHERS = SERVER_READABLE


def _log_in(page: Any, user: Any, language: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/code/")
    page.locator("#id_code").fill(totp_code(device_of(user)))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")
    page.locator("#language-select").select_option(language)
    page.locator("form.language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def _fits(page: Any, width: int, where: str, too_wide: list[str]) -> None:
    shown = page.evaluate(WIDTH)
    if shown > width:
        too_wide.append(f"{where}: {shown}px")


def _record_check(page: Any, kind: str, note: str = "", referee: str = "") -> None:
    page.locator("#id_check-kind").select_option(kind)
    page.locator("#id_check-finding").select_option("supports")
    if referee:
        page.locator("#id_check-referee").select_option(referee)
    page.locator("#id_check-note").fill(note)
    page.locator("form[action$='/verification/check/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".messages .success").count() == 1, page.content()[:3000]


# Each language and each width once: Russian on the phone, where its longer
# words are likeliest to push a page wider than the screen. Every staff page
# is looked at on a phone in both languages by test_phone_width.py.
@pytest.mark.parametrize(
    ("language", "screen"), [("en", LAPTOP), ("ru", PHONE)], ids=["en-1280", "ru-390"]
)
def test_a_request_becomes_an_accepted_case(
    real_hashers: None,
    browser: Any,
    server_url: str,
    org: Organisation,
    language: str,
    screen: dict[str, int],
) -> None:
    vault = hold_ceremony(org)
    checker = make_user("verifier", Role.VERIFIER, teams=(org.team,))
    for compartment in ("intake", "identity", "casework"):
        keys.grant(vault.keyring, compartment, checker.pk, by="cli")
    send_request(name="Zelimkhan", contact_handle="+7 928 123 45 67")
    request_code = Submission.objects.get().code
    # Each in their own browser (a code is good for one login only).
    contexts = [
        browser.new_context(base_url=server_url, viewport=screen, java_script_enabled=False)
        for _ in range(2)
    ]
    page, other = (context.new_page() for context in contexts)
    too_wide: list[str] = []

    # The coordinator opens a case from the request and gives it to the team.
    _log_in(page, org.coordinator, language)
    page.goto(f"/intake/{request_code}/")
    page.locator("form[action$='/open-case/'] button[type=submit]").click()
    page.wait_for_url("**/cases/C-*/")
    code = Case.objects.get().code
    _fits(page, screen["width"], "case page", too_wide)
    page.locator("#id_team-team").select_option(str(org.team.pk))
    page.locator("form[action$='/team/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert Case.objects.get().team == org.team
    _record_check(page, "interview", "Met at the station; calm, consistent.")
    assert Case.objects.get().stage == "screening"

    # A second verifier interviews, takes a reference, compares, checks documents.
    _log_in(other, checker, language)
    other.goto(f"/cases/{code}/")
    assert "Zelimkhan" in other.content()  # a verifier reads who the person is
    _record_check(other, "interview", "Second interview: the same account.")
    _record_check(other, "reference", "The partner in Grozny knows her.", referee="partner")
    _record_check(other, "consistency")
    _record_check(other, "documents", "No passport yet.")
    assert Check.objects.count() == 5
    other.locator("#id_outcome-outcome").select_option("verified")
    other.locator("#id_outcome-reasons").fill("Two interviews agree; the partner vouches.")
    other.locator("form[action$='/verification/outcome/'] button[type=submit]").click()
    other.wait_for_load_state()
    assert Case.objects.get().stage == "verified"
    _fits(other, screen["width"], "verified case page", too_wide)

    # The coordinator accepts the case.
    page.goto(f"/cases/{code}/")
    page.locator("#id_move-reason").fill("Verified; in danger at home.")
    page.locator("button[name='move-to'][value='accepted']").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.stage == "accepted"
    assert case.accepted_on is not None
    assert [c.to_stage for c in StageChange.objects.order_by("number")] == [
        "screening",
        "verified",
        "accepted",
    ]
    accepted = {"en": "accepted", "ru": "принято"}[language]
    assert page.locator("dl.facts dd strong").first.inner_text() == accepted
    _fits(page, screen["width"], "accepted case page", too_wide)
    page.goto("/cases/")
    assert page.locator(f"a[href='/cases/{code}/']").count() == 1
    _fits(page, screen["width"], "case list", too_wide)
    if language == "ru":
        text = page.locator("main").inner_text()
        for english in ("Cases", "Stage", "Risk level", "Assigned to"):
            assert english not in text, english
    assert too_wide == [], "\n".join(too_wide)
    for context in contexts:
        context.close()
