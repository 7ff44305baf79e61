"""The full check: every entry and every checkpoint, on demand.

From the command line (``safepassage audit verify --full``, the scheduled
job) it runs in the calling process. From the auditor's page it runs on a
thread of the worker that took the request, because at a million entries it
takes several seconds; the page shows its progress and refreshes itself. The
thread holds no key (the chain needs none but the audit key). If the worker
is replaced meanwhile (sealing does that) its heartbeat stops and the check
reads as interrupted, to be started again with the same button.

Either way the result is written into the chain itself
(``audit.full_check_finished``, with the problem found if any), so it cannot
be erased without the erasure showing.

The thread runner is the audit app's own: audit imports no feature app, and
analysis's job runner belongs to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from safepassage.audit import rows
from safepassage.audit.chain import record, reference
from safepassage.audit.models import AuditEntry, FullCheck, FullCheckStatus, Outcome
from safepassage.audit.problems import Problem
from safepassage.audit.rows import Row
from safepassage.audit.verify import Verification, verify

logger = logging.getLogger("safepassage.audit")

# A running check writes progress at least this often...
HEARTBEAT = timedelta(seconds=5)
# ...so one silent for longer than this has stopped.
STALE = timedelta(seconds=60)
# How often to run it: the page warns when the last full check is older.
DUE_AFTER = timedelta(days=7)

FINISHED = "audit.full_check_finished"


def _record_result(actor: object, result: Verification) -> None:
    details: dict[str, Any] = {"checked": result.checked, "head": result.head_seq}
    if result.problem is not None:
        details |= result.problem.as_details()
        if len(result.problems) > 1:
            details["more"] = len(result.problems) - 1
    outcome = Outcome.OK if result.ok else Outcome.FAILED
    record(actor, "audit.full_check_finished", None, outcome=outcome, **details)


def run(actor: object, anchors: Sequence[tuple[int, str]] = ()) -> Verification:
    """Run the full check here; record its result in the chain."""
    result = verify(anchors, full=True)
    _record_result(actor, result)
    return result


def status_of(check: FullCheck) -> str:
    if check.status == FullCheckStatus.RUNNING and timezone.now() - check.heartbeat > STALE:
        return FullCheckStatus.INTERRUPTED
    return check.status


def current() -> FullCheck | None:
    """The newest full check started from the page."""
    return FullCheck.objects.order_by("-started", "-pk").first()


def start(by: object) -> FullCheck | None:
    """Start a full check on a thread, unless one is running already
    (then None)."""
    actor = reference(by) or "system"
    with transaction.atomic():
        running = current()
        if running is not None and status_of(running) == FullCheckStatus.RUNNING:
            return None
        total = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        check = FullCheck.objects.create(started_by=actor, total=total)
        record(by, "audit.full_check_started", None, check=check.pk)
    thread = threading.Thread(
        target=_run, args=(check.pk, actor), name=f"audit-full-check-{check.pk}", daemon=True
    )
    # Once committed, so the thread's own connection sees the row.
    transaction.on_commit(thread.start)
    return check


def _run(pk: int, actor: str) -> None:
    check = FullCheck.objects.filter(pk=pk)
    last_beat = [timezone.now()]

    def progress(checked: int) -> None:
        now = timezone.now()
        if now - last_beat[0] >= HEARTBEAT / 5:
            check.update(checked=checked, heartbeat=now)
            last_beat[0] = now

    try:
        result = verify(full=True, progress=progress)
        _record_result(actor, result)
        check.update(
            status=FullCheckStatus.DONE,
            checked=result.checked,
            heartbeat=timezone.now(),
            finished=timezone.now(),
        )
    except Exception as error:  # the check records why it stopped
        # The class only: a message could quote a row.
        logger.error("audit full check %s failed: %s", pk, error.__class__.__name__)
        check.update(status=FullCheckStatus.FAILED, finished=timezone.now())
    finally:
        connection.close()


def last_result() -> tuple[Row, Problem | None] | None:
    """The newest full check's result, as the chain holds it."""
    seq = (
        AuditEntry.objects.filter(action=FINISHED)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    row = rows.row_at(seq) if isinstance(seq, int) else None
    if row is None:
        return None
    return row, Problem.from_details(row.details)
