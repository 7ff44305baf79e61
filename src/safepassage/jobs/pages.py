"""What a job's page shows, for any app's job pages: its state (progress,
time left, how it ended), whether the page refreshes itself, which buttons
the person may use, and why it failed in plain words. The status line
itself is the template ``jobs/status.html`` (include it with ``state``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safepassage.jobs.kinds import UnknownKind, Words, kind_named
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.status import state_of

# A page showing a running job reloads itself this often (seconds).
PROGRESS_REFRESH_SECONDS = 3

# Why any job may fail; a kind adds its own reasons (Kind.reasons).
REASONS: Words = {
    "MemoryError": _("The server ran out of memory."),
    "OperationalError": _("The database was busy or unavailable."),
}


def job_context(job: Job, can_control: bool) -> dict[str, Any]:
    """A job page's context: its state (progress, time left), whether it
    refreshes itself, and which buttons the person may use."""
    state = state_of(job)
    return {
        "state": state,
        "status": state.status,
        "active": state.active,
        "refresh": PROGRESS_REFRESH_SECONDS,
        "can_cancel": can_control and state.active and not state.cancelling,
        "can_restart": can_control and state.restartable,
        "reason": failure_reason(job) if state.status == JobStatus.FAILED else "",
    }


def failure_reason(job: Job) -> str:
    """Why a job failed, in plain words; the exception's class otherwise
    (a job records only the class, never a message that could quote data)."""
    try:
        reasons = kind_named(job.kind).reasons
    except UnknownKind:
        reasons = {}
    known = reasons.get(job.error) or REASONS.get(job.error)
    return str(known) if known is not None else job.error
