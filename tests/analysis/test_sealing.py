"""Seal now and background jobs: the confirmation says what will stop (each
running job, its kind, who started it, how far it got); a job running when
the vault is sealed reads as interrupted at once, stops at its next step
keeping nothing, and starts again in one click after logging in again."""

from __future__ import annotations

import threading

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.runs import start_run
from safepassage.audit.models import AuditEntry
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import STALE, status_of
from safepassage.vault import keys as vault_keys
from safepassage.vault.models import VaultState
from tests.analysis.conftest import store_lists
from tests.base import Organisation, Vault, make_user, sign_in


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _analyst(vault: Vault) -> User:
    user = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", user.pk, by="cli")
    return user


@pytest.mark.django_db
def test_the_seal_page_says_what_will_stop(org: Organisation, vault: Vault) -> None:
    admin = _client(org.admin)
    page = admin.get(reverse("vault:seal")).content.decode()
    assert "No background job is running" in page
    analyst = _analyst(vault)
    now = timezone.now()
    run = LinkageRun.objects.create(
        status=JobStatus.DONE, progress=100, started=now, heartbeat=now, finished=now
    )
    Estimate.objects.create(
        run=run,
        method="latent",
        status=JobStatus.RUNNING,
        progress=59,
        stage="sampling",
        started=now,
        heartbeat=now,
        started_by=analyst,
    )
    LinkageRun.objects.create(
        status=JobStatus.RUNNING, progress=12, stage="training", started=now, heartbeat=now
    )
    # A job whose worker died long ago is not running: it is not listed.
    long_ago = now - STALE * 2
    LinkageRun.objects.create(status=JobStatus.RUNNING, started=long_ago, heartbeat=long_ago)
    page = admin.get(reverse("vault:seal")).content.decode()
    assert "2 background jobs are running. Sealing stops them" in page
    assert '<td data-label="Job">Estimate</td>' in page
    assert '<td data-label="Started by">analyst</td>' in page
    assert "59% · sampling the posterior" in page
    assert '<td data-label="Job">Linkage run</td>' in page
    assert '<td data-label="Started by">the command line</td>' in page
    assert "12% · learning how records agree" in page
    assert "the Restart button on its page" in page
    admin.cookies["django_language"] = "ru"
    page = admin.get(reverse("vault:seal")).content.decode()
    assert "Выполняются 2 фоновые задачи" in page
    assert "Оценка" in page


def test_a_job_running_at_the_seal_stops_and_restarts_in_one_click(
    transactional_audit: None, org: Organisation, vault: Vault
) -> None:
    analyst = _analyst(vault)
    stored = store_lists(people=60, lists=3, seed=4)
    reached, proceed = threading.Event(), threading.Event()

    def echo(stage: str, fraction: float) -> None:
        if stage == "scoring" and not reached.is_set():
            reached.set()
            proceed.wait(timeout=30)

    run = start_run(vault.keyring, stored.lists, by=analyst, echo=echo)
    assert reached.wait(timeout=120)
    thread = next(t for t in threading.enumerate() if t.name == f"job-{run.pk}")
    analyst_client = _client(analyst)
    page = analyst_client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    reached_progress = LinkageRun.objects.get(pk=run.pk).progress
    assert reached_progress > 0
    assert f'<progress max="100" value="{reached_progress}"' in page

    response = _client(org.admin).post(reverse("vault:seal"))
    assert response["Location"] == reverse("vault:sealed")
    # At once, before the worker notices: the run reads as interrupted.
    assert status_of(LinkageRun.objects.get(pk=run.pk)) == JobStatus.INTERRUPTED
    proceed.set()
    thread.join(timeout=30)
    stopped = LinkageRun.objects.get(pk=run.pk)
    assert stopped.status == JobStatus.INTERRUPTED
    assert stopped.people == 0  # nothing stored after the seal
    assert stopped.error == "VaultSealed"

    # The seal ended the analyst's session; logged in again, one click.
    assert analyst_client.get(reverse("analysis:run", args=[run.pk])).status_code == 302
    client = _client(analyst)
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    sealed_at = VaultState.objects.get(pk=1).sealed_at
    assert sealed_at is not None
    assert (
        f"Interrupted: the vault was sealed at {sealed_at.day} {sealed_at:%B %Y, %H:%M} UTC" in page
    )
    assert reverse("analysis:run_restart", args=[run.pk]) in page
    client.post(reverse("analysis:run_restart", args=[run.pk]))
    next(t for t in threading.enumerate() if t.name == f"job-{run.pk}").join(timeout=180)
    again = LinkageRun.objects.get(pk=run.pk)
    assert again.status == JobStatus.DONE, again.error
    assert again.attempt == 2
    assert again.people > 0
    entry = AuditEntry.objects.get(action="analysis.linkage_restarted")
    assert entry.actor == f"user:{analyst.pk}"
