"""A feature module's preconditions, as safehouses, travel and consent
write theirs (for tests/cases/test_stages.py)."""

from __future__ import annotations

from collections.abc import Callable

from safepassage.cases.models import Case


def _current_stay(case: Case) -> str | None:
    return "The household has no current stay in a safe house."


REQUIREMENTS: dict[str, Callable[[Case], str | None]] = {"in_safe_house": _current_stay}
