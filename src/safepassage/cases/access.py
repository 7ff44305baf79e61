"""The one access function for cases."""

from __future__ import annotations

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases.models import Case


def get_case_for(user: User, code: str) -> Case:
    """Staff who work cases see a case of their team, or any case if they
    oversee every team; the same 404 otherwise as for a case that does not exist."""
    case = Case.objects.filter(code=code[:12]).first()
    if case is None:
        raise deny(user, "case", "case:unknown")
    if not user.is_active:
        raise deny(user, "case", case)
    if not user.can(Perm.VIEW_CASES):
        raise deny(user, "case", case)
    if case.team_id is not None and case.team_id in user.team_ids:
        return case
    if user.can(Perm.VIEW_ALL_TEAMS):
        return case
    if case.team_id is None and case.opened_by_id == user.pk:
        return case
    raise deny(user, "case", case)
