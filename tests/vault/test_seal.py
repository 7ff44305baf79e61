"""Seal now: every session ends and no request reads anything until people
log in again; public-key encryption (the request form) keeps working."""

from __future__ import annotations

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import VaultState
from tests.base import Organisation, Vault, device_of, log_in_with_password, sign_in, totp_code
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def test_the_button_ends_every_session(org: Organisation, vault: Vault) -> None:
    admin, caseworker = Client(), Client()
    sign_in(admin, org.admin)
    sign_in(caseworker, org.caseworker)
    assert admin.get("/vault/seal/").status_code == 200
    response = admin.post("/vault/seal/")
    assert response["Location"] == "/vault/sealed/"
    assert Session.objects.count() == 0
    assert caseworker.get("/").status_code == 302
    assert admin.get("/").status_code == 302
    assert VaultState.get().sealed_at is not None
    entry = AuditEntry.objects.get(action="vault.sealed")
    assert entry.details == {"reason": "button", "sessions": 2}


def test_only_coordinators_and_administrators_seal(org: Organisation, client: Client) -> None:
    sign_in(client, org.caseworker)
    assert client.get("/vault/seal/").status_code == 404
    assert client.post("/vault/seal/").status_code == 404
    assert Session.objects.count() == 1


def test_after_sealing_nothing_is_read_until_a_fresh_login(org: Organisation, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Amina")
    call_command("seal", stdout=io.StringIO())
    # Requests still work, and the public can still write to the intake.
    public = Specimen.objects.create(request={"help": "urgent"})
    assert public.pk is not None
    client = Client()
    log_in_with_password(client, "case")
    client.post("/login/code/", {"code": totp_code(device_of(org.caseworker))})
    from safepassage.vault import session as vault_session

    assert vault_session.SESSION_KEY in client.session
    with using_keyring(vault_session.load(_request_for(client, org))):
        assert Specimen.objects.get(pk=row.pk).name == "Amina"


def _request_for(client: Client, org: Organisation) -> object:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from safepassage.vault import session as vault_session

    request = RequestFactory().get("/")
    request.user = org.caseworker
    request.session = SessionStore(session_key=client.session.session_key)
    request.COOKIES[vault_session.COOKIE] = client.cookies[vault_session.COOKIE].value
    return request


def test_the_command_says_what_it_did(org: Organisation, client: Client) -> None:
    sign_in(client, org.caseworker)
    out = io.StringIO()
    call_command("seal", stdout=out)
    assert "Vault sealed: 1 sessions ended." in out.getvalue()
    assert client.get("/").status_code == 302
