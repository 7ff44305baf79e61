"""The full check from the auditor's page: on a thread, with progress, its
result in the chain; and what page views leave to it.

These tests commit for real, so the check's thread sees the data."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.audit import fullcheck
from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry, FullCheck, FullCheckStatus
from tests.audit.tamper import TABLE, sql, triggers_removed
from tests.base import Organisation, sign_in

pytestmark = pytest.mark.usefixtures("transactional_audit")


def _run_full_check(client: Client) -> FullCheck:
    response = client.post("/audit/full-check/")
    assert response.status_code == 302
    check = FullCheck.objects.order_by("-pk").first()
    assert check is not None
    # Started before the response (on commit); gone from the list once done.
    name = f"audit-full-check-{check.pk}"
    thread = next((t for t in threading.enumerate() if t.name == name), None)
    if thread is not None:
        thread.join(timeout=60)
        assert not thread.is_alive()
    check.refresh_from_db()
    return check


def test_the_button_runs_the_full_check_and_the_page_shows_it(
    org: Organisation, client: Client
) -> None:
    for n in range(10):
        record("cli", "test.entry", number=n)
    sign_in(client, org.auditor)
    assert "A full check is due" in client.get("/audit/").content.decode()
    check = _run_full_check(client)
    assert check.status == FullCheckStatus.DONE
    assert check.checked >= 11
    html = client.get("/audit/").content.decode()
    assert "Last full check that found the chain intact" in html
    assert "A full check is due" not in html
    started = AuditEntry.objects.get(action="audit.full_check_started")
    finished = AuditEntry.objects.get(action="audit.full_check_finished")
    assert started.actor == finished.actor == f"user:{org.auditor.pk}"
    assert finished.outcome == "ok"


def test_tampering_behind_the_checkpoint_is_found_by_the_full_check(
    org: Organisation, client: Client
) -> None:
    for n in range(10):
        record("cli", "test.entry", number=n)
    sign_in(client, org.auditor)
    client.get("/audit/")  # checks everything, leaves a checkpoint
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET outcome = 'denied' WHERE seq = 3")  # noqa: S608
    # A page view checks the new entries only: #3 is behind the checkpoint.
    html = client.get("/audit/").content.decode()
    assert "The chain is intact" in html
    check = _run_full_check(client)
    assert check.status == FullCheckStatus.DONE
    html = client.get("/audit/").content.decode()
    assert "found the chain broken" in html
    assert "entry #3 was altered" in html
    # No checkpoint was written over the broken chain: the next view, and
    # the quick command, still start from before... and the finding stays.
    assert "entry #3 was altered" in client.get("/audit/").content.decode()


def test_only_one_full_check_runs_at_a_time(org: Organisation, client: Client) -> None:
    FullCheck.objects.create(started_by="cli", status=FullCheckStatus.RUNNING)
    sign_in(client, org.auditor)
    response = client.post("/audit/full-check/", follow=True)
    assert "A full check is already running." in response.content.decode()
    assert FullCheck.objects.count() == 1
    html = client.get("/audit/").content.decode()
    assert "A full check is running" in html
    assert '<meta http-equiv="refresh"' in html


def test_a_check_whose_worker_stopped_reads_as_interrupted(
    org: Organisation, client: Client
) -> None:
    stopped = timezone.now() - fullcheck.STALE - timedelta(seconds=1)
    FullCheck.objects.create(started_by="cli", status=FullCheckStatus.RUNNING, heartbeat=stopped)
    sign_in(client, org.auditor)
    html = client.get("/audit/").content.decode()
    assert "The last full check was interrupted" in html
    # It can be started again.
    check = _run_full_check(client)
    assert check.status == FullCheckStatus.DONE
