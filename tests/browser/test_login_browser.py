"""A real browser logs in with two factors, and a newcomer enrols."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from safepassage.accounts import actions
from safepassage.accounts.roles import Role
from tests.base import PASSWORD, device_of, make_user, totp_code

pytestmark = pytest.mark.browser


def test_it_logs_in_with_two_factors_and_sees_the_dashboard(page: Any) -> None:
    user = make_user("amina", Role.CASEWORKER)
    page.goto("/")
    assert page.url.endswith("/login/?next=%2F")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/login/code/")
    page.get_by_label("Code from your authenticator app").fill(totp_code(device_of(user)))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Welcome, amina").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.csp_violations == []


def test_a_newcomer_enrols_and_chooses_a_password(page: Any) -> None:
    _user, temporary = actions.create_staff(
        username="newcomer", roles=[Role.VERIFIER], teams=[], by="cli"
    )
    page.goto("/login/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/login/enrol/")
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    page.get_by_label("The six-digit code your app shows now").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="I have written them down").click()
    page.wait_for_url("**/account/password/")
    page.get_by_label("Old password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("copper river lantern meadow")
    page.get_by_label("New password confirmation").fill("copper river lantern meadow")
    page.get_by_role("button", name="Save password").click()
    page.wait_for_url("**/account/")
    assert page.get_by_text("Your password was changed.").is_visible()
    assert page.csp_violations == []


def test_the_layout_fits_a_phone(page: Any) -> None:
    user = make_user("amina", Role.COORDINATOR)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/login/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(totp_code(device_of(user)))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    for url in ["/", "/account/", "/teams/", "/staff/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} scrolls sideways at phone width ({width}px)"
