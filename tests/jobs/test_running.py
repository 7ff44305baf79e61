"""Any app runs its work in the background through the jobs app: on a
thread with progress, or at the command line with a progress bar; what it
finds is stored with the job once it is done; a page shows how far it got
and about how long is left. The kinds are the test app's (chores), not
analysis's. These tests commit for real, so the thread sees the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepassage.accounts.roles import Role
from safepassage.jobs import runner
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.pages import job_context
from safepassage.jobs.status import state_of
from tests.base import Vault, make_user
from tests.jobs.chores import work
from tests.jobs.chores.models import Count
from tests.jobs.conftest import thread_of


def test_it_runs_a_job_on_a_thread_with_its_progress(
    transactional_audit: None, vault: Vault
) -> None:
    starter = make_user("starter", Role.ANALYST)
    job = Count.objects.create(upto=5, started_by=starter)
    seen: list[tuple[str, float]] = []
    thread = runner.start(job, echo=lambda stage, fraction: seen.append((stage, fraction)))
    assert thread is not None
    assert thread is thread_of(job)
    thread.join(timeout=30)
    done = Count.objects.get(pk=job.pk)
    assert done.status == JobStatus.DONE, done.error
    assert (done.progress, done.attempt, done.counted) == (100, 1, 5)
    assert done.finished is not None
    assert done.started is not None
    assert done.result_sealed is not None  # sealed as it was stored
    assert [stage for stage, _ in seen] == ["counting"] * 5 + ["storing"]
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions)
    # The job is one row of the jobs table, of the test app's kind.
    row = Job.objects.get(pk=job.pk)
    assert (row.kind, row.kind_label, row.started_by) == ("chores.count", "Count", starter)


def test_it_runs_a_job_here_for_the_command_line(transactional_audit: None, vault: Vault) -> None:
    job = Count.objects.create(upto=3)
    seen: list[str] = []
    assert runner.start(job, background=False, echo=lambda stage, _f: seen.append(stage)) is None
    assert Count.objects.get(pk=job.pk).status == JobStatus.DONE
    assert seen == ["counting", "counting", "counting", "storing"]


def test_it_runs_a_kind_with_no_model_of_its_own(transactional_audit: None, vault: Vault) -> None:
    job = Job.objects.create(kind="chores.sweep")
    runner.start(job, background=False)
    done = Job.objects.get(pk=job.pk)
    assert (done.status, done.attempt) == (JobStatus.DONE, 1)
    assert (str(job.pk), 1) in work.SWEPT


@pytest.mark.django_db
def test_it_says_how_long_a_running_job_has_left() -> None:
    now = timezone.now()
    job = Count.objects.create(
        status=JobStatus.RUNNING,
        progress=40,
        stage="counting",
        started=now - timedelta(minutes=2),
        heartbeat=now,
    )
    with time_machine.travel(now, tick=False):
        state = state_of(job)
        assert state.active
        assert not state.cancelling
        assert state.elapsed_text == "running for 2 minutes"
        assert state.remaining_text == "about 3 minutes left"  # 2 for 40%: 3 for the rest
        assert state.stage_label == "counting the things"  # the kind's words
        html = render_to_string("jobs/status.html", {"state": state})
        assert '<progress max="100" value="40"' in html
        assert "counting the things" in html
        assert "about 3 minutes left" in html
        with translation.override("ru"):
            assert state_of(job).remaining_text == "осталось около 3 минут"
    Count.objects.filter(pk=job.pk).update(progress=1)
    with time_machine.travel(now, tick=False):
        assert state_of(Count.objects.get(pk=job.pk)).remaining_text == (
            "working out how long this will take"
        )


@pytest.mark.django_db
def test_it_gives_a_job_page_the_buttons_that_apply() -> None:
    now = timezone.now()
    running = Count.objects.create(status=JobStatus.RUNNING, started=now, heartbeat=now)
    context = job_context(running, can_control=True)
    assert (context["active"], context["can_cancel"], context["can_restart"]) == (
        True,
        True,
        False,
    )
    assert job_context(running, can_control=False)["can_cancel"] is False
    failed = Count.objects.create(status=JobStatus.FAILED, error="ZeroDivisionError")
    context = job_context(failed, can_control=True)
    assert (context["can_cancel"], context["can_restart"]) == (False, True)
    assert context["reason"] == "The count divided by nothing."


def test_it_refuses_a_job_without_a_kind(db: None) -> None:
    with pytest.raises(ValueError, match="a job needs its kind"):
        Job.objects.create()
    with pytest.raises(ValueError, match=r"a Count is a job of kind 'chores\.count'"):
        Count.objects.create(kind="chores.sweep")
    assert not Job.objects.exists()
