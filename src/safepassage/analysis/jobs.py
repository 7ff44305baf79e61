"""Long analysis runs in the background, with progress a page can show.

A job runs on a thread of the process that started it. It never holds keys:
the request that starts it opens what the job needs (the records of the
lists, a run's pairs) and the job writes its results sealed to the
compartment's public key.

A job stops at its next progress point when someone cancels it, when it was
started again (a newer attempt), or when the vault was sealed after it
started: its plaintext leaves memory with it. Sealing also replaces every
worker process; a job whose heartbeat stops reads as interrupted. Its
results are stored in the same transaction that marks it done, and only if
it is still the current, uncancelled attempt: a stopped job leaves nothing
half-saved. A stopped job can be started again with the same inputs.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safepassage.analysis.models import STAGES, Estimate, Job, JobStatus, LinkageRun
from safepassage.vault.models import VaultState
from safepassage.vault.stopping import Running

logger = logging.getLogger("safepassage.analysis")

HEARTBEAT = timedelta(seconds=10)
# A running job whose heartbeat is older than this has stopped.
STALE = timedelta(seconds=90)
# How often a worker looks whether the vault was sealed (at most).
SEAL_CHECK_SECONDS = 1.0
# No time estimate before this share of the work, nor this much time.
ESTIMATE_FROM_FRACTION = 0.03
ESTIMATE_FROM_SECONDS = 5

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# A stopped job can be started again with the same inputs.
RESTARTABLE = (JobStatus.INTERRUPTED, JobStatus.CANCELLED, JobStatus.FAILED)


class Progress(Protocol):
    def __call__(self, stage: str, fraction: float) -> None: ...


# What a finished job stores: it sets fields on the job's row (fresh from
# the database, in the transaction that marks it done) and names them.
Store = Callable[[Any], list[str]]
Work = Callable[[Progress], "Store | None"]


class Stopped(Exception):
    """Raised at a progress point: the job was cancelled, started again, or
    the vault was sealed. It unwinds the work; nothing is stored."""


def last_sealed() -> datetime | None:
    """When the vault was last sealed (read only: a page's GET writes nothing)."""
    return VaultState.objects.filter(pk=1).values_list("sealed_at", flat=True).first()


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
        return str(STAGES.get(self.job.stage, self.job.stage))

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


# --- Starting, cancelling ----------------------------------------------------------


def start(
    job: Job,
    work: Work,
    *,
    background: bool = True,
    echo: Progress | None = None,
) -> threading.Thread | None:
    """Run ``work`` as a new attempt of ``job``: on a thread (returned), or
    here (the command line). An earlier attempt still running stops at its
    next progress point."""
    model = type(job)
    with transaction.atomic():
        row = model._default_manager.select_for_update().get(pk=job.pk)
        attempt = row.attempt + 1
        moment = timezone.now()
        _rows(model, job.pk).update(
            status=JobStatus.RUNNING,
            attempt=attempt,
            started=moment,
            heartbeat=moment,
            cancel_requested=False,
            stage="",
            progress=0,
            error="",
            finished=None,
        )
    job.attempt, job.started, job.status = attempt, moment, JobStatus.RUNNING
    args = (model, job.pk, attempt, moment, work, echo)
    if not background:
        _run(*args, own_connection=False)
        return None
    thread = threading.Thread(
        target=_run, args=args, kwargs={"own_connection": True}, name=f"job-{job.pk}", daemon=True
    )
    thread.start()
    return thread


def request_cancel(job: Job) -> bool:
    """Ask a running job to stop; False if it is not running any more."""
    if not is_active(job):
        return False
    asked = _rows(type(job), job.pk).filter(
        attempt=job.attempt, status__in=ACTIVE, cancel_requested=False
    )
    return asked.update(cancel_requested=True) == 1


# --- The worker --------------------------------------------------------------------


def _run(
    model: type[Job],
    pk: uuid.UUID,
    attempt: int,
    began: datetime,
    work: Work,
    echo: Progress | None,
    *,
    own_connection: bool,
) -> None:
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(model, pk, attempt, stop), daemon=True)
    beating.start()
    current = _rows(model, pk).filter(attempt=attempt, status=JobStatus.RUNNING)
    checked = [0.0]

    def progress(stage: str, fraction: float) -> None:
        moved = current.filter(cancel_requested=False).update(
            stage=stage[:40],
            progress=max(0, min(100, round(fraction * 100))),
            heartbeat=timezone.now(),
        )
        if not moved:
            raise Stopped
        if time.monotonic() - checked[0] >= SEAL_CHECK_SECONDS:
            checked[0] = time.monotonic()
            if _sealed_after(began):
                raise Stopped
        if echo is not None:
            echo(stage, fraction)

    try:
        store = work(progress)
        with transaction.atomic():
            row = model._default_manager.select_for_update().filter(pk=pk).first()
            if row is None or row.attempt != attempt or row.status != JobStatus.RUNNING:
                raise Stopped
            if row.cancel_requested or _sealed_after(began):
                raise Stopped
            if store is not None:
                row.save(update_fields=store(row))
            finished = current.filter(cancel_requested=False).update(
                status=JobStatus.DONE, progress=100, finished=timezone.now()
            )
            if not finished:
                raise Stopped
    except Stopped:
        _stopped(model, pk, attempt, began)
        if not own_connection:
            raise
    except Exception as error:  # the job records why it stopped
        # The class only: a message could quote the data.
        logger.error("analysis job %s failed: %s", pk, error.__class__.__name__)
        current.update(
            status=JobStatus.FAILED, error=error.__class__.__name__, finished=timezone.now()
        )
        if not own_connection:
            raise
    finally:
        stop.set()
        beating.join()
        if own_connection:
            connection.close()


def _stopped(model: type[Job], pk: uuid.UUID, attempt: int, began: datetime) -> None:
    """Record how a stopped attempt ended (a newer attempt owns the row)."""
    current = _rows(model, pk).filter(attempt=attempt, status=JobStatus.RUNNING)
    now = timezone.now()
    if current.filter(cancel_requested=True).update(status=JobStatus.CANCELLED, finished=now):
        logger.info("analysis job %s cancelled", pk)
        return
    if _sealed_after(began):
        current.update(status=JobStatus.INTERRUPTED, error="VaultSealed", finished=now)
        logger.info("analysis job %s stopped: the vault was sealed", pk)


def _sealed_after(began: datetime) -> bool:
    sealed_at = last_sealed()
    return sealed_at is not None and sealed_at > began


def _rows(model: type[Job], pk: uuid.UUID) -> QuerySet[Job]:
    return model._default_manager.filter(pk=pk)


def _beat(model: type[Job], pk: uuid.UUID, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT.total_seconds()):
            close_old_connections()
            try:
                _rows(model, pk).filter(attempt=attempt).update(heartbeat=timezone.now())
            except DatabaseError:
                # The database is busy (a long write elsewhere, SQLite's one
                # writer): this beat is lost, the next one will do. Only
                # beats missed for STALE mark the job interrupted.
                logger.warning("analysis job %s missed a heartbeat", pk)
    finally:
        connection.close()


# --- What sealing would stop -------------------------------------------------------

KINDS: dict[type[Job], Any] = {
    LinkageRun: _("Linkage run"),
    Estimate: _("Estimate"),
}


def running_jobs() -> list[Running]:
    """Every job running now, for the seal page (vault.stopping)."""
    found: list[Running] = []
    for model, kind in KINDS.items():
        for job in model._default_manager.filter(status__in=ACTIVE).select_related("started_by"):
            state = state_of(job)
            if state.active:
                starter = job.started_by.username if job.started_by is not None else ""
                found.append(
                    Running(str(kind), starter, job.progress, state.stage_label, job.started)
                )
    return found
