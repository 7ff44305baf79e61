"""What sealing stops, for the seal page to say before anyone confirms.

Background work (a linkage run, an estimate, a purge) holds opened data in
memory; sealing replaces the processes it runs in, so it stops. The vault
imports no other app: the jobs app, which runs every app's background work,
registers a function that lists what is running now when it is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Running:
    """One piece of work running now, as a person reads it."""

    kind: str  # "Estimate", in the reader's language
    started_by: str  # a username, or "" (the command line)
    progress: int  # per cent
    stage: str  # what it is doing, in the reader's language
    started: datetime | None


Lister = Callable[[], list[Running]]
_listers: list[Lister] = []


def register(lister: Lister) -> None:
    if lister not in _listers:
        _listers.append(lister)


def running_work() -> list[Running]:
    """Everything sealing would stop, newest first."""
    found = [item for lister in _listers for item in lister()]
    return sorted(
        found, key=lambda item: item.started.timestamp() if item.started else 0, reverse=True
    )
