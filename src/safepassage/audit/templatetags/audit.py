"""Template filters for audit entries: ``{% load audit %}``.

``{{ entry.action|action_label }}`` shows an action in the reader's
language on any page (the dashboard's own activity, for one).
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from safepassage.audit import labels
from safepassage.audit.models import Outcome
from safepassage.audit.problems import Problem
from safepassage.audit.rows import Row

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.label(str(code))


@register.filter
def action_description(code: str) -> str:
    return labels.description(str(code))


@register.filter
def outcome_label(value: str) -> str:
    return str(dict(Outcome.choices).get(value, value))


@register.filter
def malformed_message(row: Row) -> str:
    facts: tuple[tuple[str, int | str], ...] = (("column", row.malformed), ("found", row.found))
    return Problem("malformed", row.seq or None, facts).message


@register.filter
def last_seq(rows: Sequence[Row]) -> int:
    return rows[-1].seq if rows else 0


@register.filter
def row_details(row: Row) -> list[tuple[str, str]]:
    """An entry's details in the reader's words, for the lines of a run
    (reads of records for review: no staff references among them)."""
    shown = []
    for key, value in sorted(row.details.items()):
        coded = labels.detail_value(key, value) if isinstance(value, str) else None
        if coded is None:
            coded = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append((labels.detail(key), coded))
    return shown


@register.filter
def audit_value(value: object, key: str) -> str:
    """A coded detail (``{{ entry.details.factor|audit_value:"factor" }}``)
    in the reader's words; anything else as it is."""
    coded = labels.detail_value(key, value) if isinstance(value, str) else None
    return coded if coded is not None else str(value)
