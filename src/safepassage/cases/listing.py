"""The case list: the cases a person may see (access.visible_cases),
filtered, searched and sorted on plain columns only, so it stays one
query a page however many cases there are. A search by name goes through
the vault's fuzzy search (people.find_people), for those who may read the
identity of the cases found (access.identity_cases)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import Perm
from safepassage.cases import contacts, people, stages, tasks
from safepassage.cases.access import visible_cases
from safepassage.cases.forms import ACTIVE
from safepassage.cases.models import Case, Flag, Risk, Stage, has_code
from safepassage.vault.keyring import current_keyring_or_none

PAGE_SIZE = 50
# The most cases a list counts and pages through: more, and it asks for
# narrower filters.
MOST_LISTED = 500

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


# Sealed columns the list never shows: left in the table, so a page is
# read (and sorted) without them.
UNSHOWN = ("narrative", "answers", "household_notes", "identity")
# What a case's code may hold: a query with anything else (a space, a
# Cyrillic letter) is a name, and no code is searched for it.
CODE_LIKE = re.compile(r"^[A-Za-z0-9-]{1,12}$")


def filtered(
    user: User, choices: dict[str, Any], named: set[uuid.UUID] | None = None
) -> QuerySet[Case]:
    """The visible cases as the list's (cleaned) filters choose them;
    ``named``: the cases found_by_name found for the search, if known."""
    cases = visible_cases(user).select_related("team", "assignee").defer(*UNSHOWN)
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
        by_name = Q(pk__in=named)
        cases = cases.filter(
            Q(code__icontains=query) | by_name if CODE_LIKE.match(query) else by_name
        )
    return cases.order_by(*ORDERS.get(choices.get("sort") or "urgency", ORDERS["urgency"]))


@dataclass
class Row:
    case: Case
    # In its stage longer than stages.STUCK_AFTER.
    overdue: bool
    flagged_contact: bool
    # An open task or a reminder past its day.
    late_work: bool = False
    # The case's stage, risk and flags in the reader's language.
    stage: str = ""
    risk: str = ""
    flags: list[str] = field(default_factory=list)


def rows(cases: list[Case]) -> list[Row]:
    """A page of cases as the list shows them (three more queries). Labels
    are translated once a page, not once a row (each of Django's
    get_..._display translates every choice of its field)."""
    today = timezone.localdate()
    ids = [case.pk for case in cases]
    flagged = contacts.flagged_cases(ids)
    late = tasks.cases_with_late_work(ids, today)
    stage_labels = {value: str(label) for value, label in Stage.choices}
    risk_labels = {value: str(label) for value, label in Risk.choices}
    flag_labels = {value: str(label) for value, label in Flag.choices}
    return [
        Row(
            case,
            stages.is_overdue(case, today),
            case.pk in flagged,
            case.pk in late,
            stage=stage_labels.get(case.stage, case.stage),
            risk=risk_labels.get(case.risk, str(case.risk)),
            flags=[flag_labels.get(code, code) for code in case.flag_codes],
        )
        for case in cases
    ]
