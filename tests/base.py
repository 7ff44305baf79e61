"""Shared test helpers: staff with known passwords and authenticators."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from safepassage.accounts.models import Authenticator, Membership, RoleGrant, Team, User
from safepassage.accounts.roles import Role
from safepassage.accounts.sessions import AUTH_AT, REAUTH_AT, SEEN_AT
from safepassage.accounts.twofactor import new_authenticator
from safepassage.vault import keys as vault_keys
from safepassage.vault import session as vault_session
from safepassage.vault.keyring import Keyring

PASSWORD = "a long test passphrase 4 staff"


def make_user(
    username: str,
    *roles: Role,
    teams: tuple[Team, ...] = (),
    enrolled: bool = True,
    password: str = PASSWORD,
) -> User:
    user = User(username=username)
    user.set_password(password)
    user.save()
    vault_keys.create_user_key(user.pk, password)
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    for team in teams:
        Membership.objects.create(user=user, team=team)
    if enrolled:
        new_authenticator(user, confirmed=True)
    return user


def device_of(user: User) -> Authenticator:
    return Authenticator.objects.get(user=user, confirmed=True)


def totp_code(device: Authenticator, at: float | None = None) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def sign_in(client: Client, user: User, password: str = PASSWORD) -> None:
    """A session as if the user had just passed both factors, with their keys."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
    now = int(time.time())
    session[AUTH_AT] = now
    session[SEEN_AT] = now
    session[REAUTH_AT] = now
    blob, cookie = vault_session.lock(user.pk, vault_keys.open_keyring(user.pk, password))
    session[vault_session.SESSION_KEY] = blob
    session.save()
    client.cookies[vault_session.COOKIE] = cookie


def log_in_with_password(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


@dataclass
class Organisation:
    """A coordinator, a caseworker of the team, an outsider, an
    administrator and an auditor."""

    team: Team
    other_team: Team
    coordinator: User
    caseworker: User
    outsider: User
    admin: User
    auditor: User


def comparable(response: HttpResponse) -> str:
    """A page's HTML with what differs per request blanked (CSRF tokens, the
    address the language switch returns to), for comparing two answers."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', 'name="next"', html)


@dataclass
class Vault:
    """A key ceremony held (2 of 3 shares) and compartments granted:
    coordinator intake, identity, casework; caseworker identity, casework;
    outsider documentation; admin staff; auditor nothing."""

    shares: list[str]
    keyring: Keyring


def hold_ceremony(org: Organisation) -> Vault:
    shares, keyring = vault_keys.hold_ceremony(custodians=3, threshold=2)
    plan = {
        org.coordinator: ["intake", "identity", "casework"],
        org.caseworker: ["identity", "casework"],
        org.outsider: ["documentation"],
        org.admin: ["staff"],
    }
    for user, compartments in plan.items():
        for compartment in compartments:
            vault_keys.grant(keyring, compartment, user.pk, by="cli")
    return Vault(shares, keyring)


def keyring_of(user: User, password: str = PASSWORD) -> Keyring:
    return vault_keys.open_keyring(user.pk, password)
