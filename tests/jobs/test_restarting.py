"""Restart: a stopped job (interrupted, cancelled, failed) starts again
with the same inputs as a new attempt of the same row; a job that runs or
is done does not; an older attempt that comes back changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from safepassage.jobs import runner
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import RESTARTABLE, status_of
from tests.base import Vault
from tests.jobs.chores.models import Count
from tests.jobs.conftest import thread_of


@pytest.mark.parametrize("status", RESTARTABLE)
def test_it_restarts_a_stopped_job_as_a_new_attempt(
    transactional_audit: None, vault: Vault, status: str
) -> None:
    job = Count.objects.create(status=status, attempt=1, upto=4, error="Whatever")
    runner.restart(job, background=False)
    again = Count.objects.get(pk=job.pk)
    assert (again.status, again.attempt, again.counted, again.error) == (
        JobStatus.DONE,
        2,
        4,
        "",
    )


def test_it_restarts_a_job_whose_worker_died(transactional_audit: None, vault: Vault) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    job = Count.objects.create(
        status=JobStatus.RUNNING, attempt=1, started=long_ago, heartbeat=long_ago
    )
    assert status_of(job) == JobStatus.INTERRUPTED
    runner.restart(job, background=False)
    assert Count.objects.get(pk=job.pk).status == JobStatus.DONE


@pytest.mark.django_db
def test_it_refuses_to_restart_a_running_or_finished_job() -> None:
    now = timezone.now()
    running = Count.objects.create(status=JobStatus.RUNNING, attempt=1, started=now, heartbeat=now)
    done = Count.objects.create(status=JobStatus.DONE, attempt=1)
    for job in (running, done):
        with pytest.raises(runner.NotRestartable):
            runner.restart(job, background=False)
        assert Count.objects.get(pk=job.pk).attempt == 1  # nothing changed


def test_it_ignores_an_older_attempt_that_comes_back(
    transactional_audit: None, vault: Vault
) -> None:
    job = Count.objects.create(upto=5)
    reached, proceed = threading.Event(), threading.Event()
    runner.start(job, wait_at=2, reached=reached, proceed=proceed)
    assert reached.wait(timeout=30)
    first = thread_of(job)
    # Its heartbeat stopped long ago, as if its server had gone: restarted.
    long_ago = timezone.now() - timedelta(hours=1)
    Count.objects.filter(pk=job.pk).update(heartbeat=long_ago, started=long_ago)
    runner.restart(Count.objects.get(pk=job.pk), background=False)
    second = Count.objects.get(pk=job.pk)
    assert (second.status, second.attempt) == (JobStatus.DONE, 2)
    proceed.set()  # the first attempt wakes up: its writes match nothing
    first.join(timeout=30)
    after = Count.objects.get(pk=job.pk)
    assert (after.status, after.attempt, after.progress) == (JobStatus.DONE, 2, 100)
    assert after.finished == second.finished
