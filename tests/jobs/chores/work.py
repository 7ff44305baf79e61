"""The test app's kinds of job and their work, scripted by their inputs:
events to wait at a step (so a test can cancel, seal or restart there),
a step to fail at."""

from __future__ import annotations

import threading

from safepassage.jobs.kinds import Kind, Progress, Store, register
from safepassage.jobs.models import Job
from tests.jobs.chores.models import Count

STAGES = {"counting": "counting the things", "storing": "storing the count"}
REASONS = {"ZeroDivisionError": "The count divided by nothing."}
# Every sweep's attempts, as the work saw them: (job id, attempt).
SWEPT: list[tuple[str, int]] = []


def count(
    job: Count,
    progress: Progress,
    *,
    secret: str = "",
    wait_at: int | None = None,
    reached: threading.Event | None = None,
    proceed: threading.Event | None = None,
    fail_at: int | None = None,
) -> Store:
    """Count to the job's ``upto``, one progress point a step; wait at step
    ``wait_at`` (``upto``: after the last progress point, the results
    ready), fail at step ``fail_at`` with ``secret`` in the message."""

    def step(number: int) -> None:
        if number == wait_at and reached is not None and proceed is not None:
            reached.set()
            proceed.wait(timeout=30)
        if number == fail_at:
            raise ZeroDivisionError(f"{secret} at step {number}")

    for number in range(job.upto):
        progress("counting", number / job.upto)
        step(number)
    progress("storing", 0.99)
    step(job.upto)
    counted = job.upto

    def store(row: Count) -> list[str]:
        row.counted = counted
        row.result = {"secret": secret, "counted": counted}
        return ["counted", "result"]

    return store


def sweep(job: Job, progress: Progress) -> None:
    """A job with no fields of its own and nothing to store (as a purge)."""
    progress("sweeping", 0.5)
    SWEPT.append((str(job.pk), job.attempt))


def register_kinds() -> None:
    register(Kind(Count.JOB_KIND, "Count", count, STAGES, REASONS))
    register(Kind("chores.sweep", "Sweep", sweep))
