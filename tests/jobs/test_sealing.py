"""Sealing and background jobs: the seal page learns from the jobs app what
runs now, of every kind; a job running when the vault is sealed reads as
interrupted at once, stops at its next step keeping nothing, and starts
again with the same inputs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from safepassage.jobs import runner
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.status import state_of, status_of
from safepassage.vault import seal
from safepassage.vault.stopping import running_work
from tests.base import Organisation, Vault
from tests.jobs.chores.models import Count
from tests.jobs.conftest import thread_of


def test_it_stops_a_job_running_at_the_seal_keeping_nothing(
    transactional_audit: None, vault: Vault
) -> None:
    job = Count.objects.create(upto=6)
    reached, proceed = threading.Event(), threading.Event()
    runner.start(job, wait_at=2, reached=reached, proceed=proceed, secret="x")
    assert reached.wait(timeout=30)
    seal.seal_vault(by="cli", reason="page")
    # At once, before the worker notices.
    sealed = Count.objects.get(pk=job.pk)
    assert status_of(sealed) == JobStatus.INTERRUPTED
    assert state_of(sealed).sealed_at is not None
    assert not running_work()
    proceed.set()
    thread_of(job).join(timeout=30)
    stopped = Count.objects.get(pk=job.pk)
    assert (stopped.status, stopped.error) == (JobStatus.INTERRUPTED, "VaultSealed")
    assert (stopped.counted, stopped.result_sealed) == (0, None)
    # Started again, it runs to the end with the same inputs.
    runner.restart(stopped, background=False)
    again = Count.objects.get(pk=job.pk)
    assert (again.status, again.attempt, again.counted) == (JobStatus.DONE, 2, 6)


@pytest.mark.django_db
def test_it_tells_the_seal_page_of_every_kind_of_job_running(org: Organisation) -> None:
    now = timezone.now()
    Count.objects.create(
        status=JobStatus.RUNNING,
        progress=59,
        stage="counting",
        started=now,
        heartbeat=now,
        started_by=org.coordinator,
    )
    Job.objects.create(
        kind="chores.sweep", status=JobStatus.RUNNING, progress=12, stage="sweeping", started=now
    )
    Count.objects.create(status=JobStatus.DONE, started=now)
    long_ago = now - timedelta(hours=1)
    Count.objects.create(status=JobStatus.RUNNING, started=long_ago, heartbeat=long_ago)
    running = {item.kind: item for item in running_work()}
    assert set(running) == {"Count", "Sweep"}
    assert (running["Count"].started_by, running["Count"].progress) == ("coord", 59)
    assert running["Count"].stage == "counting the things"
    assert (running["Sweep"].started_by, running["Sweep"].stage) == ("", "sweeping")
    with translation.override("ru"):
        assert {item.kind for item in running_work()} == {"Count", "Sweep"}
