"""A job as people read it: its status (a stopped heartbeat or a seal
since it started reads as interrupted), how long it has run, about how
long is left, and what is running now (for the seal page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safepassage.jobs.models import Job, JobStatus
from safepassage.vault.models import VaultState
from safepassage.vault.stopping import Running

HEARTBEAT = timedelta(seconds=10)
# A running job whose heartbeat is older than this has stopped.
STALE = timedelta(seconds=90)
# No time estimate before this share of the work, nor this much time.
ESTIMATE_FROM_FRACTION = 0.03
ESTIMATE_FROM_SECONDS = 5

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# A stopped job can be started again with the same inputs.
RESTARTABLE = (JobStatus.INTERRUPTED, JobStatus.CANCELLED, JobStatus.FAILED)


def last_sealed() -> datetime | None:
    """When the vault was last sealed (read only: a page's GET writes nothing)."""
    return VaultState.objects.filter(pk=1).values_list("sealed_at", flat=True).first()


def sealed_after(began: datetime) -> bool:
    sealed_at = last_sealed()
    return sealed_at is not None and sealed_at > began


def sealed_since(job: Job) -> datetime | None:
    """When the vault was sealed, if after this attempt started."""
    sealed_at = last_sealed()
    begun = job.started or job.created
    if sealed_at is not None and sealed_at > begun:
        return sealed_at
    return None


def status_of(job: Job) -> str:
    """The job's status, with a stopped heartbeat or a seal since it
    started read as interrupted (as cancelled, if a cancel was asked)."""
    if job.status in ACTIVE:
        last = job.heartbeat or job.started or job.created
        if timezone.now() - last > STALE or sealed_since(job) is not None:
            return JobStatus.CANCELLED if job.cancel_requested else JobStatus.INTERRUPTED
    return job.status


def is_active(job: Job) -> bool:
    return status_of(job) in ACTIVE


@dataclass(frozen=True)
class State:
    """A job as a page shows it: its status and, while it runs, how long it
    has been running and about how long is left."""

    job: Job
    status: str
    elapsed: timedelta | None = None
    remaining: timedelta | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def cancelling(self) -> bool:
        return self.active and self.job.cancel_requested

    @property
    def restartable(self) -> bool:
        return self.status in RESTARTABLE

    @property
    def stage_label(self) -> str:
        return self.job.stage_label

    @property
    def elapsed_text(self) -> str:
        return running_for(self.elapsed) if self.elapsed is not None else ""

    @property
    def remaining_text(self) -> str:
        if not self.active or self.cancelling:
            return ""
        if self.remaining is None:
            return str(_("working out how long this will take"))
        return time_left(self.remaining)

    @property
    def sealed_at(self) -> datetime | None:
        return sealed_since(self.job) if self.status == JobStatus.INTERRUPTED else None


def state_of(job: Job, now: datetime | None = None) -> State:
    status = status_of(job)
    if status not in ACTIVE or job.started is None:
        return State(job, status)
    now = now or timezone.now()
    elapsed = max(now - job.started, timedelta(0))
    return State(job, status, elapsed, remaining(elapsed, job.progress / 100))


def remaining(elapsed: timedelta, fraction: float) -> timedelta | None:
    """Time left if the rest goes as fast as what is done (progress points
    are spaced by the work they stand for, not by stage)."""
    if fraction < ESTIMATE_FROM_FRACTION or elapsed.total_seconds() < ESTIMATE_FROM_SECONDS:
        return None
    if fraction >= 1:
        return timedelta(0)
    return elapsed * ((1 - fraction) / fraction)


def time_left(left: timedelta) -> str:
    seconds = left.total_seconds()
    if seconds < 60:
        return str(_("less than a minute left"))
    if seconds < 90 * 60:
        minutes = round(seconds / 60)
        return ngettext("about %(count)d minute left", "about %(count)d minutes left", minutes) % {
            "count": minutes
        }
    hours = round(seconds / 3600)
    return ngettext("about %(count)d hour left", "about %(count)d hours left", hours) % {
        "count": hours
    }


def running_for(elapsed: timedelta) -> str:
    seconds = elapsed.total_seconds()
    if seconds < 60:
        return str(_("running for less than a minute"))
    if seconds < 90 * 60:
        minutes = int(seconds // 60)
        return ngettext(
            "running for %(count)d minute", "running for %(count)d minutes", minutes
        ) % {"count": minutes}
    hours = int(seconds // 3600)
    return ngettext("running for %(count)d hour", "running for %(count)d hours", hours) % {
        "count": hours
    }


def running_jobs() -> list[Running]:
    """Every job running now, of every kind, for the seal page (vault.stopping)."""
    found: list[Running] = []
    for job in Job.objects.filter(status__in=ACTIVE).select_related("started_by"):
        if is_active(job):
            starter = job.started_by.username if job.started_by is not None else ""
            found.append(
                Running(job.kind_label, starter, job.progress, job.stage_label, job.started)
            )
    return found
