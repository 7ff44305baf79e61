"""Wrong passwords and wrong codes slow down, exponentially, per account;
the owner's usual browser is never locked out by someone else's guessing."""

from __future__ import annotations

import time_machine
from django.test import Client

from safepassage.accounts.throttle import (
    DEVICE_COOKIE,
    FREE_ATTEMPTS,
    MAX_DELAY_SECONDS,
    delay_after,
)
from safepassage.audit.models import AuditEntry
from tests.base import PASSWORD, Organisation, device_of, log_in_with_password, totp_code

START = 1_900_000_000


def _fail(
    client: Client, times: int, clock: time_machine.Coordinates, username: str = "case"
) -> None:
    """Guess wrong ``times`` times, waiting out each delay but the last."""
    for attempt in range(1, times + 1):
        response = log_in_with_password(client, username, "wrong password, wrong")
        assert response.status_code == 401
        if attempt < times:
            clock.shift(delay_after(attempt))


def test_the_delay_doubles_and_stops_growing() -> None:
    assert [delay_after(n) for n in range(1, FREE_ATTEMPTS)] == [0] * (FREE_ATTEMPTS - 1)
    assert [delay_after(FREE_ATTEMPTS + n) for n in range(5)] == [1, 2, 4, 8, 16]
    assert delay_after(100) == MAX_DELAY_SECONDS == 15 * 60


def test_it_slows_down_after_repeated_wrong_passwords(org: Organisation) -> None:
    attacker = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(attacker, 8, clock)  # the 8th failure sets an 8-second delay
        # Even the right password is refused during the delay...
        response = log_in_with_password(attacker, "case")
        assert response.status_code == 429
        assert b"Please wait 8 seconds" in response.content
        clock.shift(7)
        assert log_in_with_password(attacker, "case").status_code == 429
        # ...and accepted once it has passed.
        clock.shift(1)
        assert log_in_with_password(attacker, "case").status_code == 302
    assert AuditEntry.objects.filter(action="auth.login_throttled").count() == 2


def test_a_ninth_guess_waits_longer_than_the_eighth(org: Organisation) -> None:
    attacker = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(attacker, 9, clock)
        response = log_in_with_password(attacker, "case")
    assert b"Please wait 16 seconds" in response.content


def test_unknown_usernames_are_throttled_the_same_way(db: None) -> None:
    attacker = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(attacker, 6, clock, username="nobody")
        response = log_in_with_password(attacker, "nobody", PASSWORD)
    assert response.status_code == 429


def test_the_owners_usual_browser_is_not_locked_out(org: Organisation) -> None:
    owner = Client()
    with time_machine.travel(START, tick=False):
        log_in_with_password(owner, "case")
        owner.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
        assert DEVICE_COOKIE in owner.cookies
        owner.post("/logout/")
    attacker = Client()
    with time_machine.travel(START + 60, tick=False) as clock:
        _fail(attacker, 30, clock)
        assert log_in_with_password(attacker, "case").status_code == 429
        # The owner's browser has its own bucket.
        assert log_in_with_password(owner, "case").status_code == 302


def test_a_device_cookie_for_another_account_does_not_help(org: Organisation) -> None:
    browser = Client()
    with time_machine.travel(START, tick=False):
        log_in_with_password(browser, "outsider")
        browser.post("/login/code/", {"code": totp_code(device_of(org.outsider))})
        browser.post("/logout/")
    with time_machine.travel(START + 60, tick=False) as clock:
        _fail(Client(), 10, clock)
        assert log_in_with_password(browser, "case").status_code == 429


def test_a_forged_device_cookie_is_ignored(org: Organisation) -> None:
    attacker = Client()
    attacker.cookies[DEVICE_COOKIE] = "forged"
    with time_machine.travel(START, tick=False) as clock:
        _fail(attacker, 10, clock)
        assert log_in_with_password(attacker, "case").status_code == 429


def test_success_resets_the_count(org: Organisation) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(client, FREE_ATTEMPTS - 1, clock)
        assert log_in_with_password(client, "case").status_code == 302
        _fail(client, FREE_ATTEMPTS - 1, clock)
        assert log_in_with_password(client, "case").status_code == 302


def test_wrong_codes_are_throttled_too(org: Organisation, client: Client) -> None:
    device = device_of(org.caseworker)
    with time_machine.travel(START, tick=False) as clock:
        log_in_with_password(client, "case")
        good = totp_code(device)
        wrong = f"{(int(good) + 500_000) % 1_000_000:06d}"
        for wait in (1, 2, 0):
            assert client.post("/login/code/", {"code": wrong}).status_code == 401
            clock.shift(wait)
        # Three failures: the next attempt must wait 4 seconds, right code or not.
        response = client.post("/login/code/", {"code": good})
        assert response.status_code == 429
        assert b"Please wait 4 seconds" in response.content
        clock.shift(4)
        response = client.post("/login/code/", {"code": good})
    assert response.status_code == 302
