"""Background jobs: a run works on a thread with progress, a failure is
recorded by its class only, a job whose heartbeat stopped reads as
interrupted. These tests commit for real, so the thread sees the data."""

from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from django.utils import timezone

from safepassage.analysis import jobs
from safepassage.analysis.models import STAGES, JobStatus, LinkageRun
from safepassage.analysis.runs import start_run
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


def test_a_failed_job_says_why_without_data(transactional_audit: None) -> None:
    run = LinkageRun.objects.create()

    def work(progress: jobs.Progress) -> None:
        progress("starting", 0.1)
        raise ZeroDivisionError("Умаров Магомед")

    thread = jobs.start(run, work)
    assert thread is not None
    thread.join(timeout=30)
    failed = LinkageRun.objects.get(pk=run.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "ZeroDivisionError"


def test_a_stopped_job_reads_as_interrupted(transactional_audit: None) -> None:
    run = LinkageRun.objects.create(status=JobStatus.RUNNING, heartbeat=timezone.now())
    assert jobs.status_of(run) == JobStatus.RUNNING
    with time_machine.travel(timezone.now() + jobs.STALE + timedelta(seconds=1)):
        assert jobs.status_of(run) == JobStatus.INTERRUPTED
