"""The auditor's page: entries with filters, and the chain's status."""

from __future__ import annotations

from django.test import Client

from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from tests.audit.tamper import TABLE, sql, triggers_removed
from tests.base import Organisation, sign_in


def test_an_auditor_sees_the_log_and_that_it_is_intact(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    sign_in(client, org.auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The chain is intact" in html
    assert "staff.created" in html
    # Looking at the log is itself recorded.
    assert AuditEntry.objects.filter(action="audit.viewed", actor=f"user:{org.auditor.pk}").exists()


def test_the_page_shows_a_broken_chain(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    record(org.admin, "staff.deactivated", org.caseworker)
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET target = 'user:999' WHERE seq = 2")  # noqa: S608
    sign_in(client, org.auditor)
    html = client.get("/audit/").content.decode()
    assert "The chain is broken." in html
    assert "entry #2 was altered" in html


def test_filters_narrow_the_list(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    record(None, "auth.login_failed", org.caseworker, outcome="failed", factor="password")
    sign_in(client, org.auditor)
    html = client.get("/audit/", {"action": "auth.", "outcome": "failed"}).content.decode()
    assert "auth.login_failed" in html
    assert "<code>staff.created</code>" not in html
    html = client.get("/audit/", {"target": f"user:{org.caseworker.pk}"}).content.decode()
    assert "<code>staff.created</code>" in html


def test_a_bad_filter_is_reported(org: Organisation, client: Client) -> None:
    sign_in(client, org.auditor)
    response = client.get("/audit/", {"since": "not a date"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_others_get_404(org: Organisation, client: Client) -> None:
    for user in (org.admin, org.coordinator, org.caseworker):
        sign_in(client, user)
        assert client.get("/audit/").status_code == 404
