"""What the analysis pages share: the person asking, a job's state as a
page shows it, why a job stopped in plain words, and lists by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.analysis import jobs
from safepassage.analysis.models import Job, VictimList

# A page showing a running job reloads itself this often (seconds).
PROGRESS_REFRESH_SECONDS = 3


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def job_context(job: Job, can_control: bool) -> dict[str, Any]:
    """A job page's context: its state (progress, time left), whether it
    refreshes itself, and which buttons the person may use."""
    state = jobs.state_of(job)
    return {
        "state": state,
        "status": state.status,
        "active": state.active,
        "refresh": PROGRESS_REFRESH_SECONDS,
        "can_cancel": can_control and state.active and not state.cancelling,
        "can_restart": can_control and state.restartable,
        "reason": failure_reason(job.error) if state.status == "failed" else "",
    }


def failure_reason(error: str) -> str:
    """Why a job failed, in plain words; the exception's class otherwise
    (a job records only the class, never a message that could quote data)."""
    known = {
        "Unestimable": _(
            "These data give no estimate: the lists overlap too little, or a stratum is too "
            "small. Try another method or fewer strata."
        ),
        "LatentClassError": _("The latent-class model cannot be fitted to these data."),
        "MemoryError": _("The server ran out of memory."),
        "OperationalError": _("The database was busy or unavailable."),
    }
    return str(known.get(error, error))


def list_names(lists: Iterable[VictimList]) -> str:
    """The names of some lists (sealed: read with the current keys), sorted."""
    return ", ".join(sorted(str(item.name) for item in lists))
