"""A job that fails records why by the exception's class only (a message
could quote the data it held), and its page says why in plain words: the
kind's own reasons first, then the runner's."""

from __future__ import annotations

import pytest

from safepassage.jobs import runner
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.pages import failure_reason
from tests.jobs.chores.models import Count
from tests.jobs.conftest import thread_of

SECRET = "Умаров Магомед"


def test_it_records_a_failure_by_its_class_only(
    transactional_audit: None, caplog: pytest.LogCaptureFixture
) -> None:
    job = Count.objects.create(upto=5)
    runner.start(job, fail_at=2, secret=SECRET)
    thread_of(job).join(timeout=30)
    failed = Count.objects.get(pk=job.pk)
    assert (failed.status, failed.error) == (JobStatus.FAILED, "ZeroDivisionError")
    assert failed.finished is not None
    assert (failed.counted, failed.result_sealed) == (0, None)
    assert "ZeroDivisionError" in caplog.text
    assert SECRET not in caplog.text


def test_it_raises_a_failure_to_the_command_line(transactional_audit: None) -> None:
    job = Count.objects.create(upto=5)
    with pytest.raises(ZeroDivisionError):
        runner.start(job, background=False, fail_at=1, secret=SECRET)
    assert Count.objects.get(pk=job.pk).status == JobStatus.FAILED


@pytest.mark.django_db
def test_it_says_why_a_job_failed_in_plain_words() -> None:
    def failed(kind: str, error: str) -> Job:
        return Job.objects.create(kind=kind, status=JobStatus.FAILED, error=error)

    assert failure_reason(failed("chores.count", "ZeroDivisionError")) == (
        "The count divided by nothing."
    )
    assert failure_reason(failed("chores.sweep", "MemoryError")) == (
        "The server ran out of memory."
    )
    assert failure_reason(failed("chores.sweep", "KeyError")) == "KeyError"
    assert failure_reason(failed("gone.away", "OperationalError")) == (
        "The database was busy or unavailable."
    )
