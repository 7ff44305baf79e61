"""Long analysis runs in the background, with progress a page can show.

A job runs on a thread of the process that started it. It never holds keys:
the request that starts it opens what the job needs (the records of the
lists, a run's pairs) and the job writes its results sealed to the
compartment's public key. When the vault is sealed every worker process is
replaced, so a job's plaintext leaves memory with it; its heartbeat stops
and the job reads as interrupted, to be started again after unsealing.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from django.db import DatabaseError, close_old_connections, connection
from django.db.models import QuerySet
from django.utils import timezone

from safepassage.analysis.models import Job, JobStatus

logger = logging.getLogger("safepassage.analysis")

HEARTBEAT = timedelta(seconds=10)
# A running job whose heartbeat is older than this has stopped.
STALE = timedelta(seconds=90)


class Progress(Protocol):
    def __call__(self, stage: str, fraction: float) -> None: ...


Work = Callable[[Progress], None]


def status_of(job: Job) -> str:
    """The job's status, with a stopped heartbeat read as interrupted."""
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        last = job.heartbeat or job.created
        if timezone.now() - last > STALE:
            return JobStatus.INTERRUPTED
    return job.status


def is_active(job: Job) -> bool:
    return status_of(job) in (JobStatus.QUEUED, JobStatus.RUNNING)


def start(
    job: Job,
    work: Work,
    *,
    background: bool = True,
    echo: Progress | None = None,
) -> threading.Thread | None:
    """Run ``work`` for ``job``: on a thread (returned), or here (the
    command line)."""
    model = type(job)
    _rows(model, job.pk).update(
        status=JobStatus.RUNNING, heartbeat=timezone.now(), stage="", progress=0, error=""
    )
    if not background:
        _run(model, job.pk, work, echo, own_connection=False)
        return None
    thread = threading.Thread(
        target=_run, args=(model, job.pk, work, echo, True), name=f"job-{job.pk}", daemon=True
    )
    thread.start()
    return thread


def _run(
    model: type[Job], pk: uuid.UUID, work: Work, echo: Progress | None, own_connection: bool
) -> None:
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(model, pk, stop), daemon=True)
    beating.start()

    def progress(stage: str, fraction: float) -> None:
        _rows(model, pk).update(
            stage=stage[:40],
            progress=max(0, min(100, round(fraction * 100))),
            heartbeat=timezone.now(),
        )
        if echo is not None:
            echo(stage, fraction)

    try:
        work(progress)
    except Exception as error:  # the job records why it stopped
        # The class only: a message could quote the data.
        logger.error("analysis job %s failed: %s", pk, error.__class__.__name__)
        _rows(model, pk).update(
            status=JobStatus.FAILED, error=error.__class__.__name__, finished=timezone.now()
        )
        if not own_connection:
            raise
    else:
        _rows(model, pk).update(status=JobStatus.DONE, progress=100, finished=timezone.now())
    finally:
        stop.set()
        beating.join()
        if own_connection:
            connection.close()


def _rows(model: type[Job], pk: uuid.UUID) -> QuerySet[Job]:
    return model._default_manager.filter(pk=pk)


def _beat(model: type[Job], pk: uuid.UUID, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT.total_seconds()):
            close_old_connections()
            try:
                _rows(model, pk).update(heartbeat=timezone.now())
            except DatabaseError:
                # The database is busy (a long write elsewhere, SQLite's one
                # writer): this beat is lost, the next one will do. Only
                # beats missed for STALE mark the job interrupted.
                logger.warning("analysis job %s missed a heartbeat", pk)
    finally:
        connection.close()
