"""The case list: the cases a person may see (access.visible_cases),
filtered, searched and sorted on plain columns only, so it stays one
query a page however many cases there are. A search by name goes through
the vault's fuzzy search (people.find_people), for those who may read the
identity of the cases found (access.identity_cases)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import Perm
from safepassage.cases import contacts, people, stages, tasks
from safepassage.cases.access import visible_cases
from safepassage.cases.forms import ACTIVE
from safepassage.cases.models import Case, has_code
from safepassage.vault.keyring import current_keyring_or_none

PAGE_SIZE = 50

ORDERS: dict[str, tuple[str, ...]] = {
    "urgency": ("-risk", "-urgency", "stage_since", "code"),
    "opened": ("-opened_on", "code"),
    "changed": ("-changed_on", "code"),
    "code": ("code",),
}


def teams_for(user: User) -> list[Team]:
    """The teams the list can be filtered on: all for those who oversee
    every team, else one's own."""
    if user.can(Perm.VIEW_ALL_TEAMS):
        return list(Team.objects.order_by("name"))
    return list(Team.objects.filter(pk__in=user.team_ids).order_by("name"))


def staff_for(user: User) -> list[User]:
    """Who cases can be assigned to, among the staff ``user`` works with."""
    staff = User.objects.filter(is_active=True).prefetch_related("role_grants").order_by("username")
    if not user.can(Perm.VIEW_ALL_TEAMS):
        staff = staff.filter(memberships__team_id__in=user.team_ids).distinct()
    return [member for member in staff if member.can(Perm.WORK_CASES)]


def may_search_names(user: User) -> bool:
    return people.holds_identity(current_keyring_or_none())


def found_by_name(user: User, choices: dict[str, Any]) -> set[uuid.UUID]:
    """The cases whose people's names resemble the list's search (for
    those who may search names; nothing otherwise, or without a search)."""
    query = (choices.get("q") or "").strip()
    if not query or not may_search_names(user):
        return set()
    return {found.person.case_id for found in people.find_people(user, query, limit=200)}


def filtered(
    user: User, choices: dict[str, Any], named: set[uuid.UUID] | None = None
) -> QuerySet[Case]:
    """The visible cases as the list's (cleaned) filters choose them;
    ``named``: the cases found_by_name found for the search, if known."""
    cases = visible_cases(user).select_related("team", "assignee")
    stage = choices.get("stage") or ""
    if stage == ACTIVE:
        cases = cases.filter(stage__in=stages.ACTIVE)
    elif stage:
        cases = cases.filter(stage=stage)
    if choices.get("risk") is not None:
        cases = cases.filter(risk=choices["risk"])
    if choices.get("flag"):
        cases = cases.filter(has_code("flags", choices["flag"]))
    team = choices.get("team") or ""
    if team == "none":
        cases = cases.filter(team=None)
    elif team:
        cases = cases.filter(team_id=int(team))
    assignee = choices.get("assignee") or ""
    if assignee == "me":
        cases = cases.filter(assignee=user)
    elif assignee == "nobody":
        cases = cases.filter(assignee=None)
    elif assignee:
        cases = cases.filter(assignee_id=int(assignee))
    if choices.get("overdue"):
        cases = cases.filter(tasks.overdue_cases())
    query = (choices.get("q") or "").strip()
    if query:
        if named is None:
            named = found_by_name(user, choices)
        cases = cases.filter(Q(code__icontains=query) | Q(pk__in=named))
    return cases.order_by(*ORDERS.get(choices.get("sort") or "urgency", ORDERS["urgency"]))


@dataclass
class Row:
    case: Case
    # In its stage longer than stages.STUCK_AFTER.
    overdue: bool
    flagged_contact: bool
    # An open task or a reminder past its day.
    late_work: bool = False


def rows(cases: list[Case]) -> list[Row]:
    """A page of cases as the list shows them (three more queries)."""
    today = timezone.localdate()
    ids = [case.pk for case in cases]
    flagged = contacts.flagged_cases(ids)
    late = tasks.cases_with_late_work(ids, today)
    return [
        Row(case, stages.is_overdue(case, today), case.pk in flagged, case.pk in late)
        for case in cases
    ]
