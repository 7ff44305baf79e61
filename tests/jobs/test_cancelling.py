"""Cancel: a running job stops at its next progress point and keeps
nothing, even when the cancel comes after its work, just before storing."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from safepassage.jobs import runner
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import state_of, status_of
from tests.jobs.chores.models import Count
from tests.jobs.conftest import thread_of


def _paused(upto: int, wait_at: int) -> tuple[Count, threading.Event]:
    """A count started on its thread, waiting at step ``wait_at``; set the
    returned event to let it go on."""
    job = Count.objects.create(upto=upto)
    reached, proceed = threading.Event(), threading.Event()
    runner.start(job, wait_at=wait_at, reached=reached, proceed=proceed, secret="x")
    assert reached.wait(timeout=30)
    return job, proceed


def test_it_stops_a_cancelled_job_at_its_next_progress_point(transactional_audit: None) -> None:
    job, proceed = _paused(upto=10, wait_at=3)
    assert runner.request_cancel(Count.objects.get(pk=job.pk))
    asked = Count.objects.get(pk=job.pk)
    assert status_of(asked) == JobStatus.RUNNING  # until it reaches a progress point
    assert state_of(asked).cancelling
    assert state_of(asked).remaining_text == ""
    assert not runner.request_cancel(asked)  # asked once is enough
    proceed.set()
    thread_of(job).join(timeout=30)
    stopped = Count.objects.get(pk=job.pk)
    assert stopped.status == JobStatus.CANCELLED
    assert stopped.progress == 30  # it got no further
    assert stopped.finished is not None
    assert (stopped.counted, stopped.result_sealed) == (0, None)


def test_it_stores_nothing_when_the_cancel_comes_after_the_work(
    transactional_audit: None,
) -> None:
    job, proceed = _paused(upto=4, wait_at=4)  # the results are ready to be stored
    assert runner.request_cancel(Count.objects.get(pk=job.pk))
    proceed.set()
    thread_of(job).join(timeout=30)
    stopped = Count.objects.get(pk=job.pk)
    assert stopped.status == JobStatus.CANCELLED
    assert (stopped.counted, stopped.result_sealed) == (0, None)


@pytest.mark.django_db
def test_it_does_not_cancel_a_job_that_is_not_running() -> None:
    done = Count.objects.create(status=JobStatus.DONE, progress=100)
    assert not runner.request_cancel(done)
    # A job whose worker died long ago is not running either.
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    dead = Count.objects.create(status=JobStatus.RUNNING, started=long_ago, heartbeat=long_ago)
    assert not runner.request_cancel(dead)
    assert not Count.objects.filter(cancel_requested=True).exists()
