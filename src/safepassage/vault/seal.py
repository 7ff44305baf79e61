"""Seal now: every session ends and every unwrapped key leaves memory.

The data stays intact and unreadable until people log in again. Public-key
encryption keeps working, so the request form still accepts requests.
"""

from __future__ import annotations

import logging
import os
import signal
from datetime import datetime
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.vault.models import VaultState

logger = logging.getLogger("safepassage.vault")

# The gunicorn master, when running under `safepassage serve`; set in each
# worker after the fork. Sealing asks it to replace every worker process, so
# nothing a request unwrapped survives in memory.
SERVER_PID: int | None = None
SEAL_SIGNAL = signal.SIGUSR2 if not hasattr(signal, "SIGPWR") else signal.SIGPWR


def seal_vault(*, by: Any, reason: str) -> int:
    with transaction.atomic():
        state = VaultState.get()
        state.sealed_at = timezone.now()
        state.save(update_fields=["sealed_at"])
        ended, _ = Session.objects.all().delete()
        record(by, "vault.sealed", None, reason=reason, sessions=ended)
    logger.warning("vault sealed (%s): %d sessions ended", reason, ended)
    restart_workers()
    return ended


def restart_workers(pid: int | None = None) -> bool:
    """Ask the gunicorn master to start fresh workers (SIGHUP)."""
    target = pid or SERVER_PID
    if target is None:
        return False
    try:
        os.kill(target, signal.SIGHUP)
    except ProcessLookupError:
        return False
    return True


def sealed_since() -> datetime | None:
    return VaultState.get().sealed_at
