"""One-time recovery codes: log in without the phone, once per code."""

from __future__ import annotations

from django.test import Client

from safepassage.accounts.recovery import issue_recovery_codes
from safepassage.audit.models import AuditEntry
from tests.base import Organisation, log_in_with_password, sign_in


def test_it_logs_in_with_a_recovery_code(org: Organisation, client: Client) -> None:
    codes = issue_recovery_codes(org.caseworker)
    log_in_with_password(client, "case")
    response = client.post("/login/code/", {"code": codes[0].lower().replace("-", " ")})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert b"You used a recovery code. 9 are left" in page.content
    entry = AuditEntry.objects.filter(action="auth.login").last()
    assert entry is not None
    assert entry.details == {"factor": "recovery", "recovery_codes_left": 9}


def test_a_used_recovery_code_is_refused(org: Organisation, client: Client) -> None:
    codes = issue_recovery_codes(org.caseworker)
    log_in_with_password(client, "case")
    client.post("/login/code/", {"code": codes[3]})
    client.post("/logout/")
    log_in_with_password(client, "case")
    response = client.post("/login/code/", {"code": codes[3]})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_a_code_of_another_user_is_refused(org: Organisation, client: Client) -> None:
    others = issue_recovery_codes(org.outsider)
    issue_recovery_codes(org.caseworker)
    log_in_with_password(client, "case")
    assert client.post("/login/code/", {"code": others[0]}).status_code == 401


def test_new_codes_need_a_fresh_login_and_replace_the_old(
    org: Organisation, client: Client
) -> None:
    old = issue_recovery_codes(org.caseworker)
    sign_in(client, org.caseworker)
    session = client.session
    session["sp_reauth_at"] = 0
    session.save()
    response = client.post("/account/recovery-codes/")
    assert response["Location"].startswith("/account/confirm/")
    sign_in(client, org.caseworker)
    response = client.post("/account/recovery-codes/")
    assert response.status_code == 200
    assert b"Your earlier recovery codes no longer work." in response.content
    client.post("/logout/")
    log_in_with_password(client, "case")
    assert client.post("/login/code/", {"code": old[0]}).status_code == 401
