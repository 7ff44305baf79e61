from __future__ import annotations

import threading

from safepassage.jobs.models import Job


def thread_of(job: Job) -> threading.Thread:
    """The thread a job runs on (the runner names it after the job)."""
    return next(t for t in threading.enumerate() if t.name == f"job-{job.pk}")
