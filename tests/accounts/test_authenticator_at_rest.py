"""Authenticator secrets are sealed with the server's key: the database
holds no readable copy, a secret moved to another row or person does not
open, logging in with a right code still works and a wrong one does not,
the upgrade seals the secrets already enrolled, and the demo's
`safepassage totp` still prints the right code."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from safepassage.accounts.models import Authenticator, User
from safepassage.accounts.roles import Role
from safepassage.accounts.twofactor import secret_for_humans
from safepassage.vault.errors import Tampered
from tests.base import device_of, log_in_with_password, make_user, totp_code
from tests.vault.test_plaintext_at_rest import _database_bytes


def _forms_of(secret: bytes) -> list[bytes]:
    """How a secret could appear if it were stored readable."""
    b32 = base64.b32encode(secret).rstrip(b"=")
    return [secret, secret.hex().encode(), secret.hex().upper().encode(), b32, b32.lower()]


@pytest.mark.usefixtures("transactional_audit")
def test_it_keeps_no_authenticator_secret_readable_in_the_database() -> None:
    users = [make_user(f"staff{n}", Role.CASEWORKER) for n in range(3)]
    secrets = [device_of(user).bin_key for user in users]
    assert len(set(secrets)) == 3
    assert all(len(secret) == 20 for secret in secrets)
    stored = _database_bytes()
    assert b"staff1" in stored  # the copy is real
    leaks = [form for secret in secrets for form in _forms_of(secret) if form in stored]
    assert leaks == []


@pytest.mark.django_db
def test_it_logs_in_with_a_right_code_and_refuses_a_wrong_one() -> None:
    for username in ("amina", "ruslan"):
        make_user(username, Role.CASEWORKER)
    right = totp_code(device_of(User.objects.get(username="amina")))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    client = Client()
    assert log_in_with_password(client, "amina")["Location"] == "/login/code/"
    assert client.post("/login/code/", {"code": right}).status_code == 302
    assert client.get("/").status_code == 200

    client = Client()
    log_in_with_password(client, "ruslan")
    assert client.post("/login/code/", {"code": wrong}).status_code == 401
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_secret_moved_to_another_row_or_person_does_not_open() -> None:
    amina = device_of(make_user("amina", Role.CASEWORKER))
    ruslan = device_of(make_user("ruslan", Role.CASEWORKER))
    # Someone who can write the database copies their own sealed secret...
    Authenticator.objects.filter(pk=ruslan.pk).update(sealed_secret=amina.sealed_secret)
    ruslan.refresh_from_db()
    with pytest.raises(Tampered):
        ruslan.bin_key  # noqa: B018 - reading is the test
    # ...or gives their own authenticator to someone else.
    Authenticator.objects.filter(pk=amina.pk).update(user=ruslan.user)
    amina.refresh_from_db()
    with pytest.raises(Tampered):
        amina.bin_key  # noqa: B018


@pytest.mark.django_db
def test_enrolment_shows_the_secret_the_server_then_checks() -> None:
    make_user("fresh", Role.VERIFIER, enrolled=False)
    client = Client()
    log_in_with_password(client, "fresh")
    page = client.get("/login/enrol/").content.decode()
    pending = Authenticator.objects.get(user__username="fresh", confirmed=False)
    assert secret_for_humans(pending) in page
    assert client.post("/login/enrol/", {"code": totp_code(pending)}).status_code == 200
    assert Authenticator.objects.get(user__username="fresh").confirmed


@pytest.mark.django_db
def test_the_totp_command_prints_the_current_code() -> None:
    device = device_of(make_user("admin", Role.ADMINISTRATOR))
    out = io.StringIO()
    call_command("totp", "admin", stdout=out)
    printed = out.getvalue().split()[0]
    assert printed in {totp_code(device, at=moment) for moment in _around_now()}


def _around_now() -> list[float]:
    import time

    now = time.time()
    return [now - 30, now, now + 30]


@pytest.mark.usefixtures("transactional_audit")
def test_the_upgrade_seals_the_secrets_already_enrolled() -> None:
    before = [("accounts", "0003_authenticator")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state([*before, ("otp_totp", "0003_add_timestamps")]).apps
    user = old.get_model("accounts", "User").objects.create(username="early", password="!")
    secret = os.urandom(20)
    old.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=user.pk, name="authenticator", confirmed=True, key=secret.hex(), last_t=7
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    device = Authenticator.objects.get(user_id=user.pk)
    assert device.bin_key == secret
    assert device.confirmed
    assert device.last_t == 7
    assert secret.hex().encode() not in bytes(device.sealed_secret)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone()[0] == 0
