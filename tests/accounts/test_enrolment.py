"""First login: enrolling an authenticator, getting recovery codes, and
choosing one's own password after a temporary one."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.oath import TOTP

from safepassage.accounts import actions
from safepassage.accounts.models import Authenticator, RecoveryCode
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from tests.base import Organisation, log_in_with_password, make_user, totp_code


def _new_user() -> tuple[str, str]:
    user, password = actions.create_staff(
        username="newcomer", roles=[Role.CASEWORKER], teams=[], by="cli"
    )
    return user.username, password


def _code_from_page(html: str) -> str:
    """Read the secret off the enrolment page, as a person would type it."""
    import base64

    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    text = secret.group(1).replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    import time

    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_it_enrols_an_authenticator_at_first_login(db: None, client: Client) -> None:
    username, password = _new_user()
    response = log_in_with_password(client, username, password)
    assert response["Location"] == "/login/enrol/"
    page = client.get("/login/enrol/")
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline, no script
    assert "<script" not in html
    # Reloading shows the same secret, so an app that scanned it keeps working.
    assert _code_from_page(client.get("/login/enrol/").content.decode()) == _code_from_page(html)

    response = client.post("/login/enrol/", {"code": _code_from_page(html)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9A-Z-]{19})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert Authenticator.objects.get(user__username=username).confirmed
    # Only digests are kept.
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    assert AuditEntry.objects.filter(action="auth.second_factor_enrolled").count() == 1


def test_it_makes_a_temporary_password_be_replaced(db: None, client: Client) -> None:
    username, password = _new_user()
    log_in_with_password(client, username, password)
    html = client.get("/login/enrol/").content.decode()
    client.post("/login/enrol/", {"code": _code_from_page(html)})
    # Every page leads to the password form until a new password is set.
    assert client.get("/")["Location"] == "/account/password/"
    assert client.get("/teams/")["Location"] == "/account/password/"
    response = client.post(
        "/account/password/",
        {"old_password": password, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    new = "river lantern copper meadow"
    response = client.post(
        "/account/password/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/account/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.password_changed").exists()


def test_it_refuses_a_wrong_enrolment_code(db: None, client: Client) -> None:
    username, password = _new_user()
    log_in_with_password(client, username, password)
    html = client.get("/login/enrol/").content.decode()
    good = _code_from_page(html)
    wrong = f"{(int(good) + 500_000) % 1_000_000:06d}"
    response = client.post("/login/enrol/", {"code": wrong})
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert not Authenticator.objects.filter(user__username=username, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_enrolment_needs_the_password_first(db: None, client: Client) -> None:
    response = client.get("/login/enrol/")
    assert response["Location"] == "/login/"


def test_an_enrolled_user_cannot_enrol_again_at_login(org: Organisation, client: Client) -> None:
    log_in_with_password(client, "case")
    assert client.get("/login/enrol/")["Location"] == "/login/code/"


def test_a_user_without_authenticator_is_sent_to_enrolment(db: None, client: Client) -> None:
    make_user("fresh", Role.VERIFIER, enrolled=False)
    assert log_in_with_password(client, "fresh")["Location"] == "/login/enrol/"
    assert client.get("/login/code/")["Location"] == "/login/enrol/"


def test_a_code_of_an_unconfirmed_authenticator_does_not_log_in(db: None, client: Client) -> None:
    user = make_user("fresh", Role.VERIFIER, enrolled=False)
    log_in_with_password(client, "fresh")
    client.get("/login/enrol/")
    pending = Authenticator.objects.get(user=user, confirmed=False)
    # The verify step only accepts confirmed authenticators.
    assert client.post("/login/code/", {"code": totp_code(pending)}).status_code == 302
    assert client.get("/").status_code == 302
