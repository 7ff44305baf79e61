"""People logged out by "seal now" are told why when they come back, and
nobody else learns anything: the login page says when the vault was sealed
only to a browser whose own session the seal ended (a signed marker of when
that session began), once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safepassage.accounts.views.login import BEGAN_COOKIE
from safepassage.vault.models import VaultState
from safepassage.vault.seal import seal_vault
from tests.base import Organisation, comparable, device_of, log_in_with_password, totp_code

NOTICE = "The vault was sealed at"


def _log_in(client: Client, username: str, org: Organisation) -> None:
    log_in_with_password(client, username)
    user = {"case": org.caseworker, "coord": org.coordinator}[username]
    response = client.post("/login/code/", {"code": totp_code(device_of(user))})
    assert response.status_code == 302
    assert BEGAN_COOKIE in response.cookies


def test_a_person_logged_out_by_a_seal_is_told_why(org: Organisation) -> None:
    client = Client()
    _log_in(client, "case", org)
    assert client.get("/").status_code == 200
    seal_vault(by=org.admin, reason="button")
    # Their next page sends them to log in, where they read why, once.
    response = client.get("/", follow=True)
    page = response.content.decode()
    sealed_at = VaultState.objects.get(pk=1).sealed_at
    assert sealed_at is not None
    assert (
        f"The vault was sealed at {sealed_at:%H:%M} UTC on {sealed_at.day} {sealed_at:%B %Y} by an "
        "administrator; all sessions were ended. Log in again."
    ) in page
    assert NOTICE not in client.get(reverse("accounts:login")).content.decode()


def test_the_notice_is_in_the_readers_language(org: Organisation) -> None:
    client = Client()
    _log_in(client, "case", org)
    seal_vault(by="cli", reason="command")
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Хранилище было запечатано в" in page
    assert "все сеансы завершены. Войдите снова." in page


def test_nobody_else_learns_of_the_seal(org: Organisation) -> None:
    before = Client().get(reverse("accounts:login"))
    seal_vault(by=org.admin, reason="button")
    # An outsider, with no cookie or with a forged one, sees the same page.
    outsider = Client().get(reverse("accounts:login"))
    forged = Client()
    forged.cookies[BEGAN_COOKIE] = "1"
    forged_page = forged.get(reverse("accounts:login"))
    assert comparable(outsider) == comparable(before) == comparable(forged_page)
    assert NOTICE not in outsider.content.decode()


def test_a_session_that_ended_before_the_seal_is_not_told(org: Organisation) -> None:
    client = Client()
    _log_in(client, "case", org)
    response = client.post(reverse("accounts:logout"))
    assert response.cookies[BEGAN_COOKIE]["max-age"] == 0  # forgotten at logout
    client.cookies.pop(BEGAN_COOKIE, None)
    seal_vault(by=org.admin, reason="button")
    assert NOTICE not in client.get(reverse("accounts:login")).content.decode()
    # A session begun after the seal, ended otherwise, is not told either.
    later = Client()
    _log_in(later, "coord", org)
    Session.objects.all().delete()
    assert BEGAN_COOKIE in later.cookies
    assert NOTICE not in later.get(reverse("accounts:login")).content.decode()
