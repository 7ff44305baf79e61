"""Logging in with a password and a TOTP code."""

from __future__ import annotations

import time_machine
from django.test import Client

from safepassage.audit.models import AuditEntry
from tests.base import PASSWORD, Organisation, device_of, log_in_with_password, totp_code


def test_it_logs_in_with_password_and_code(org: Organisation, client: Client) -> None:
    response = log_in_with_password(client, "case")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    # The password alone opens nothing.
    assert client.get("/").status_code == 302
    response = client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Welcome, case" in page.content
    entry = AuditEntry.objects.filter(action="auth.login").last()
    assert entry is not None
    assert entry.actor == f"user:{org.caseworker.pk}"
    assert entry.details == {"factor": "totp"}


def test_the_dashboard_tells_what_happened_in_words(org: Organisation, client: Client) -> None:
    log_in_with_password(client, "case", "not the password at all")
    log_in_with_password(client, "case")
    client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    page = client.get("/").content.decode()
    assert "Logged in" in page
    assert "auth.login" not in page
    # The failed login before, by the step that failed, in words.
    failed = page.split("Recent failed logins", 1)[1].split("</section>", 1)[0]
    assert "· password" in failed
    client.cookies["django_language"] = "ru"
    page = client.get("/").content.decode()
    assert "auth.login" not in page
    assert "totp" not in page


def test_it_accepts_the_username_in_any_case(org: Organisation, client: Client) -> None:
    response = log_in_with_password(client, "  CASE ")
    assert response["Location"] == "/login/code/"


def test_it_refuses_a_wrong_password_without_saying_which_part(
    org: Organisation, client: Client
) -> None:
    wrong_password = log_in_with_password(client, "case", "not the password at all")
    no_such_user = log_in_with_password(client, "nobody-here", PASSWORD)
    assert wrong_password.status_code == no_such_user.status_code == 401
    message = b"The username or password is not right."
    assert message in wrong_password.content
    assert message in no_such_user.content
    failures = AuditEntry.objects.filter(action="auth.login_failed")
    assert [entry.target for entry in failures] == [f"user:{org.caseworker.pk}", ""]


def test_it_refuses_a_wrong_code(org: Organisation, client: Client) -> None:
    log_in_with_password(client, "case")
    good = totp_code(device_of(org.caseworker))
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post("/login/code/", {"code": wrong})
    assert response.status_code == 401
    assert b"This code is not right" in response.content
    assert client.get("/").status_code == 302


def test_it_refuses_a_replayed_code(org: Organisation, client: Client) -> None:
    device = device_of(org.caseworker)
    with time_machine.travel(1_900_000_005, tick=False):
        code = totp_code(device)
        log_in_with_password(client, "case")
        assert client.post("/login/code/", {"code": code}).status_code == 302
        client.post("/logout/")
        other = Client()
        log_in_with_password(other, "case")
        response = other.post("/login/code/", {"code": code})
    assert response.status_code == 401
    assert other.get("/").status_code == 302


def test_it_accepts_the_next_code_after_one_was_used(org: Organisation, client: Client) -> None:
    device = device_of(org.caseworker)
    with time_machine.travel(1_900_000_005, tick=False):
        log_in_with_password(client, "case")
        client.post("/login/code/", {"code": totp_code(device)})
        client.post("/logout/")
    with time_machine.travel(1_900_000_035, tick=False):
        log_in_with_password(client, "case")
        response = client.post("/login/code/", {"code": totp_code(device)})
    assert response.status_code == 302


def test_it_sends_the_user_where_they_were_going(org: Organisation, client: Client) -> None:
    assert client.get("/teams/")["Location"] == "/login/?next=%2Fteams%2F"
    client.post("/login/", {"username": "case", "password": PASSWORD, "next": "/teams/"})
    response = client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    assert response["Location"] == "/teams/"


def test_it_never_redirects_to_another_site(org: Organisation, client: Client) -> None:
    client.post(
        "/login/", {"username": "case", "password": PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    assert response["Location"] == "/"


def test_it_asks_for_the_password_again_after_five_minutes(
    org: Organisation, client: Client
) -> None:
    with time_machine.travel(1_900_000_000, tick=False):
        log_in_with_password(client, "case")
    with time_machine.travel(1_900_000_000 + 301, tick=False):
        response = client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    assert response["Location"] == "/login/"


def test_it_logs_out(org: Organisation, client: Client) -> None:
    log_in_with_password(client, "case")
    client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout").exists()


def test_an_inactive_user_cannot_log_in(org: Organisation, client: Client) -> None:
    org.caseworker.is_active = False
    org.caseworker.save()
    assert log_in_with_password(client, "case").status_code == 401
