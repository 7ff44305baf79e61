"""The access functions of cases, one per model: the same 404 for what
does not exist and for what this person may not see (each refusal
audited, accounts.access.deny)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS, Perm
from safepassage.cases.models import Case, Person
from safepassage.vault.keyring import current_keyring_or_none

IDENTITY = "identity"


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


def get_person_for(user: User, code: str, person_id: str) -> Person:
    """A person of a case ``user`` may see (get_case_for); the same 404 for
    a person who does not exist, of another case, or of a case not theirs."""
    case = get_case_for(user, code)
    try:
        wanted = uuid.UUID(str(person_id))
    except ValueError:
        raise deny(user, "person", case) from None
    person = Person.objects.filter(pk=wanted, case=case).first()
    if person is None:
        raise deny(user, "person", case)
    return person


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases get_case_for lets ``user`` see, as one query (for lists
    and searches): the same rule, condition by condition."""
    if not user.is_active:
        return Case.objects.none()
    if not user.can(Perm.VIEW_CASES):
        return Case.objects.none()
    if user.can(Perm.VIEW_ALL_TEAMS):
        return Case.objects.all()
    return Case.objects.filter(Q(team_id__in=user.team_ids) | Q(team=None, opened_by_id=user.pk))


# --- workflow: who reads who the person is -----------------------------------------


def may_read_identity(user: User, case: Case) -> bool:
    """Whether ``user`` may read the identity of ``case`` (its people's
    names, contacts, places): until the case is accepted, only those who
    verify cases (verifiers and coordinators); after, anyone who may see
    it. Identity's keys are needed too: cryptography has the last word.
    Everyone else sees the case's code. The caller has ``case`` from
    get_case_for (or visible_cases)."""
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds(IDENTITY):
        return False
    if not user.is_active:
        return False
    if case.accepted_on is not None:
        return True
    return user.can(Perm.VERIFY_CASES)


def staff_who_see(case: Case) -> QuerySet[User]:
    """The staff get_case_for lets see ``case`` (active, allowed to see
    cases), as one query: the same rule, seen from the case (for the
    assignee's choices)."""
    every_team = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_ALL_TEAMS in perms]
    seeing = Q(role_grants__role__in=every_team)
    if case.team_id is not None:
        seeing |= Q(memberships__team_id=case.team_id)
    else:
        seeing |= Q(pk=case.opened_by_id)
    staff = User.objects.filter(seeing, is_active=True).distinct().prefetch_related("role_grants")
    return staff.order_by("username")


def identity_cases(user: User) -> QuerySet[Case]:
    """The cases whose identity ``user`` may read (may_read_identity), as
    one query: for the name search."""
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds(IDENTITY):
        return Case.objects.none()
    visible = visible_cases(user)
    if user.can(Perm.VERIFY_CASES):
        return visible
    return visible.filter(accepted_on__isnull=False)
