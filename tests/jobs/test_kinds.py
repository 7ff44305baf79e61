"""Kinds of job: an app registers each kind it runs, once, by a name of
its own; a job of a kind nobody registered (its app was removed) still
reads by its name but does not start."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from safepassage.jobs import kinds, runner
from safepassage.jobs.models import Job, JobStatus
from tests.jobs.chores import work


def test_it_names_a_kind_by_its_app() -> None:
    for name in ("count", ".count", "chores.", "x." + "y" * kinds.NAME_LENGTH):
        with pytest.raises(ImproperlyConfigured):
            kinds.register(kinds.Kind(name, "Count", work.count))


def test_it_registers_a_kind_name_once() -> None:
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        kinds.register(kinds.Kind("chores.count", "Another count", work.sweep))
    kinds.register(kinds.Kind("chores.count", "Count", work.count, work.STAGES, work.REASONS))
    assert kinds.kind_named("chores.count").work is work.count
    assert "chores.count" in {kind.name for kind in kinds.registered()}


@pytest.mark.django_db
def test_it_does_not_start_a_job_of_an_unknown_kind() -> None:
    job = Job.objects.create(kind="gone.away", stage="sweeping")
    with pytest.raises(kinds.UnknownKind):
        runner.start(job, background=False)
    kept = Job.objects.get(pk=job.pk)
    assert (kept.status, kept.attempt) == (JobStatus.QUEUED, 0)
    assert (kept.kind_label, kept.stage_label) == ("gone.away", "sweeping")
