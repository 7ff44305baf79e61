"""Runs background jobs, with progress a page can show.

A job runs on a thread of the process that started it. It never holds keys:
the request that starts it opens what the job needs (a run's records, the
rows a purge removes) and hands it to the kind's work as inputs; the work
stores its results sealed to the compartment's public key.

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
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from safepassage.jobs.kinds import Progress, Work, kind_named
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.status import (
    ACTIVE,
    HEARTBEAT,
    RESTARTABLE,
    is_active,
    sealed_after,
    status_of,
)

logger = logging.getLogger("safepassage.jobs")

# How often a worker looks whether the vault was sealed (at most).
SEAL_CHECK_SECONDS = 1.0


class Stopped(Exception):
    """Raised at a progress point: the job was cancelled, started again, or
    the vault was sealed. It unwinds the work; nothing is stored."""


class NotRestartable(ValueError):
    """Only an interrupted, cancelled or failed job starts again."""


def start(
    job: Job,
    *,
    background: bool = True,
    echo: Progress | None = None,
    **inputs: Any,
) -> threading.Thread | None:
    """Run the work of the job's kind as a new attempt of ``job``, with
    ``inputs``: on a thread (returned), or here (the command line, where
    ``echo`` hears of the progress too). An earlier attempt still running
    stops at its next progress point."""
    return _begin(job, inputs, background=background, echo=echo, again=False)


def restart(
    job: Job,
    *,
    background: bool = True,
    echo: Progress | None = None,
    **inputs: Any,
) -> threading.Thread | None:
    """Start a stopped job again, as ``start`` does; a job that is running
    or done is refused (NotRestartable), whoever asked first."""
    return _begin(job, inputs, background=background, echo=echo, again=True)


def request_cancel(job: Job) -> bool:
    """Ask a running job to stop; False if it is not running any more."""
    if not is_active(job):
        return False
    asked = _rows(job.pk).filter(attempt=job.attempt, status__in=ACTIVE, cancel_requested=False)
    return asked.update(cancel_requested=True) == 1


def _begin(
    job: Job,
    inputs: Mapping[str, Any],
    *,
    background: bool,
    echo: Progress | None,
    again: bool,
) -> threading.Thread | None:
    work = kind_named(job.kind).work  # an unknown kind fails before anything changes
    model = type(job)
    with transaction.atomic():
        row = Job.objects.select_for_update().get(pk=job.pk)
        if again and status_of(row) not in RESTARTABLE:
            raise NotRestartable(job.pk)
        attempt = row.attempt + 1
        moment = timezone.now()
        _rows(job.pk).update(
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
    args = (model, job.pk, attempt, moment, work, dict(inputs), echo)
    if not background:
        _run(*args, own_connection=False)
        return None
    thread = threading.Thread(
        target=_run, args=args, kwargs={"own_connection": True}, name=f"job-{job.pk}", daemon=True
    )
    thread.start()
    return thread


# --- The worker --------------------------------------------------------------------


def _run(
    model: type[Job],
    pk: uuid.UUID,
    attempt: int,
    began: datetime,
    work: Work,
    inputs: dict[str, Any],
    echo: Progress | None,
    *,
    own_connection: bool,
) -> None:
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(pk, attempt, stop), daemon=True)
    beating.start()
    current = _rows(pk).filter(attempt=attempt, status=JobStatus.RUNNING)
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
            if sealed_after(began):
                raise Stopped
        if echo is not None:
            echo(stage, fraction)

    try:
        store = work(model._default_manager.get(pk=pk), progress, **inputs)
        with transaction.atomic():
            row = Job.objects.select_for_update().filter(pk=pk).first()
            if row is None or row.attempt != attempt or row.status != JobStatus.RUNNING:
                raise Stopped
            if row.cancel_requested or sealed_after(began):
                raise Stopped
            if store is not None:
                subject = model._default_manager.get(pk=pk)
                fields = store(subject)
                if fields:
                    subject.save(update_fields=fields)
            finished = current.filter(cancel_requested=False).update(
                status=JobStatus.DONE, progress=100, finished=timezone.now()
            )
            if not finished:
                raise Stopped
    except Stopped:
        _stopped(pk, attempt, began)
        if not own_connection:
            raise
    except Exception as error:  # the job records why it stopped
        # The class only: a message could quote the data.
        logger.error("job %s failed: %s", pk, error.__class__.__name__)
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


def _stopped(pk: uuid.UUID, attempt: int, began: datetime) -> None:
    """Record how a stopped attempt ended (a newer attempt owns the row)."""
    current = _rows(pk).filter(attempt=attempt, status=JobStatus.RUNNING)
    now = timezone.now()
    if current.filter(cancel_requested=True).update(status=JobStatus.CANCELLED, finished=now):
        logger.info("job %s cancelled", pk)
        return
    if sealed_after(began):
        current.update(status=JobStatus.INTERRUPTED, error="VaultSealed", finished=now)
        logger.info("job %s stopped: the vault was sealed", pk)


def _rows(pk: uuid.UUID) -> QuerySet[Job]:
    return Job.objects.filter(pk=pk)


def _beat(pk: uuid.UUID, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT.total_seconds()):
            close_old_connections()
            try:
                _rows(pk).filter(attempt=attempt).update(heartbeat=timezone.now())
            except DatabaseError:
                # The database is busy (a long write elsewhere, SQLite's one
                # writer): this beat is lost, the next one will do. Only
                # beats missed for STALE mark the job interrupted.
                logger.warning("job %s missed a heartbeat", pk)
    finally:
        connection.close()
