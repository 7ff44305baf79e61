"""Linkage runs as background jobs: a run works on a thread with progress,
a run whose heartbeat stopped reads as interrupted (the runner itself is
tested in tests/jobs). These tests commit for real, so the thread sees the
data."""

from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from django.utils import timezone

from safepassage.analysis.models import STAGES, LinkageRun
from safepassage.analysis.runs import start_run
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.status import STALE, status_of
from tests.analysis.conftest import store_lists
from tests.base import Vault


def test_a_run_works_in_the_background(transactional_audit: None, vault: Vault) -> None:
    stored = store_lists(people=120, lists=3, seed=5)
    seen: list[tuple[str, float]] = []
    run = start_run(vault.keyring, stored.lists, by="cli", echo=lambda s, f: seen.append((s, f)))
    thread = next(t for t in threading.enumerate() if t.name == f"job-{run.pk}")
    thread.join(timeout=120)
    finished = LinkageRun.objects.get(pk=run.pk)
    assert finished.status == JobStatus.DONE, finished.error
    assert finished.progress == 100
    assert finished.finished is not None
    stages = [stage for stage, _ in seen]
    assert stages[:2] == ["preparing", "loading"]
    assert {"training", "scoring", "clustering", "storing"} <= set(stages)
    assert all(stage in STAGES for stage in stages), "every stage has a translated label"
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions)
    assert finished.people > 0
    # Its job is a row of the jobs app, of the linkage kind, with the same id.
    job = Job.objects.get(pk=run.pk)
    assert (job.kind, job.status, job.attempt) == ("analysis.linkage", JobStatus.DONE, 1)
    assert job.kind_label == "Linkage run"


def test_a_stopped_job_reads_as_interrupted(transactional_audit: None) -> None:
    run = LinkageRun.objects.create(status=JobStatus.RUNNING, heartbeat=timezone.now())
    assert status_of(run) == JobStatus.RUNNING
    with time_machine.travel(timezone.now() + STALE + timedelta(seconds=1)):
        assert status_of(run) == JobStatus.INTERRUPTED
