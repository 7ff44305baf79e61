"""A condition on cases, asked of the records of a case (a task, a travel
document, a move) as a join on their case rather than as "case in (every
case the condition selects)".

Counting a team's overdue tasks as "case in (the team's cases)" made the
database gather every case of the team first, reading each case's row,
which carries its sealed columns; asked through the join, it reads the
overdue tasks and looks each one's case up by its key. A condition on
cases is therefore written once, on Case (access.case_rule, "on the way",
"assigned to me"), and moved onto another model's ``case`` with
``through``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet


def through(condition: Q, path: str = "case") -> Q:
    """``condition`` (lookups on Case) as lookups on the case at ``path``
    of another model. Only plain lookups move (a value, a list, a
    subquery of its own): a condition holding an expression read from the
    row (F, OuterRef, Exists) is refused rather than moved wrongly."""
    moved = Q()
    moved.connector = condition.connector
    moved.negated = condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            moved.children.append(through(child, path))
        elif isinstance(child, tuple) and isinstance(child[0], str):
            lookup, value = child
            if hasattr(value, "resolve_expression") and not isinstance(value, QuerySet):
                raise TypeError(f"cannot move the expression in {lookup!r} onto {path!r}")
            moved.children.append((f"{path}__{lookup}", value))
        else:
            raise TypeError(f"cannot move {child!r} onto {path!r}")
    return moved
