from __future__ import annotations

import threading

from safepassage.jobs.models import Job


def thread_of(job: Job) -> threading.Thread:
    """The thread a job runs on (the runner names it after the job); an
    ended thread if the job ended before it was looked for."""
    for thread in threading.enumerate():
        if thread.name == f"job-{job.pk}":
            return thread
    ended = threading.Thread(target=lambda: None)
    ended.start()
    ended.join()
    return ended
