"""Sessions end after idle time and at a maximum age; people can end all
their sessions; sensitive actions ask for the factors again."""

from __future__ import annotations

import time_machine
from django.conf import settings
from django.test import Client

from safepassage.audit.models import AuditEntry
from tests.base import Organisation, device_of, log_in_with_password, sign_in, totp_code

START = 1_900_000_000


def _log_in(client: Client, org: Organisation) -> None:
    log_in_with_password(client, "case")
    response = client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    assert response.status_code == 302


def test_it_ends_an_idle_session(org: Organisation, client: Client) -> None:
    idle = settings.IDLE_TIMEOUT_MINUTES * 60
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, org)
        clock.shift(idle - 60)
        assert client.get("/").status_code == 200  # activity keeps it alive
        clock.shift(idle - 60)
        assert client.get("/").status_code == 200
        clock.shift(idle + 1)
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    page = client.get(response["Location"])
    assert b"without activity" in page.content
    entry = AuditEntry.objects.filter(action="auth.logout").last()
    assert entry is not None
    assert entry.details == {"reason": "idle"}


def test_it_ends_a_session_at_its_maximum_age(org: Organisation, client: Client) -> None:
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, org)
        # Active every 15 minutes, right up to the maximum age...
        for _ in range(settings.SESSION_MAX_HOURS * 4):
            clock.shift(15 * 60)
            assert client.get("/").status_code == 200
        # ...and not a second longer.
        clock.shift(1)
        response = client.get("/")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="auth.logout").last()
    assert entry is not None
    assert entry.details == {"reason": "lifetime"}


def test_log_out_everywhere_ends_every_session(org: Organisation) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop, org.caseworker)
    sign_in(phone, org.caseworker)
    assert phone.get("/").status_code == 200
    response = laptop.post("/account/log-out-everywhere/")
    assert response["Location"] == "/login/"
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.logged_out_everywhere").count() == 1


def test_a_password_change_ends_other_sessions(org: Organisation) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop, org.caseworker)
    sign_in(phone, org.caseworker)
    new = "lantern meadow copper river"
    response = laptop.post(
        "/account/password/",
        {
            "old_password": "a long test passphrase 4 staff",
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_a_session_without_second_factor_opens_nothing(org: Organisation, client: Client) -> None:
    client.force_login(org.caseworker)  # password only, as after step one
    assert client.get("/").status_code == 302


def test_sensitive_actions_ask_for_the_factors_again(org: Organisation, client: Client) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, org.admin)
        assert client.get("/staff/new/").status_code == 200
        clock.shift(settings.REAUTH_MINUTES * 60 + 1)
        response = client.get("/staff/new/")
        assert response["Location"] == "/account/confirm/?next=%2Fstaff%2Fnew%2F"
        wrong = client.post(
            "/account/confirm/",
            {"password": "not it at all", "code": "000000", "next": "/staff/new/"},
        )
        assert wrong.status_code == 401
        response = client.post(
            "/account/confirm/",
            {
                "password": "a long test passphrase 4 staff",
                "code": totp_code(device_of(org.admin)),
                "next": "/staff/new/",
            },
        )
        assert response["Location"] == "/staff/new/"
        assert client.get("/staff/new/").status_code == 200


def test_cookies_are_http_only_and_same_site(org: Organisation, client: Client) -> None:
    _log_in(client, org)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
