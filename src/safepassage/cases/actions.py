"""Named actions of cases: each checks what it needs, saves, and writes
its audit entry. Views and commands call these and nothing else to change
a case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import kept, people
from safepassage.cases.access import visible_cases
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import (
    EDITABLE_FLAGS,
    Case,
    Risk,
    RiskFactor,
    Stage,
    joined_codes,
)
from safepassage.cases.opening import Opening
from safepassage.vault.errors import NotInCompartment
from safepassage.vault.fields import CONTACT_COMPARTMENTS
from safepassage.vault.keyring import current_keyring

# Case.urgency: what the public form's situations give (intake.models.Urgency).
MAX_URGENCY = 3


@transaction.atomic
def open_case(opening: Opening, *, by: User | str) -> Case:
    """Open a case: the principal and each member travelling with them
    become Person rows (identity), what happened and the other answers go
    to casework, and every contact handle to the contact index. Opening
    again from the same source gives the case opened the first time.

    Needs the keys of intake or identity (the contact index); the person
    opening need not hold identity or casework, whose values are then
    sealed to their public keys."""
    if opening.source:
        existing = Case.objects.filter(opened_from=opening.source).first()
        if existing is not None:
            return existing
    keyring = current_keyring()
    if not any(keyring.holds(compartment) for compartment in CONTACT_COMPARTMENTS):
        raise NotInCompartment("opening a case indexes contacts: it needs intake or identity")
    case = Case(
        stage=Stage.RECEIVED,
        urgency=max(0, min(opening.urgency, MAX_URGENCY)),
        opened_by=by if isinstance(by, User) else None,
        opened_from=opening.source or None,
    )
    case.narrative = "\n\n".join(part.strip() for part in opening.narrative if part.strip())
    case.answers = list(opening.answers)
    case.household_notes = opening.household_notes.strip() or None
    case.save(force_insert=True)
    household = people.add_household(case, opening.principal, opening.members)
    record(by, "case.opened", case, people=len(household))
    return case


@transaction.atomic
def move_people(case: Case, *, by: User | str) -> int:
    """Move one case stored before people were rows into Person rows (a
    member of identity: it reads the old identity). Returns the people
    written (0 for a case already moved)."""
    if case.people_moved:
        return 0
    moved = people.move_people(case)
    record(by, "case.people_moved", case, people=len(moved))
    return len(moved)


@dataclass(frozen=True)
class Migrated:
    cases: int
    people: int
    indexed: int


def migrate_people(*, by: User | str) -> Migrated:
    """Every case stored before people were rows moved into rows, and every
    person written without identity's keys indexed (a member of identity).
    Each case in its own transaction: what was done stays done."""
    if not people.holds_identity(current_keyring()):
        raise people.identity_keys_needed()
    cases = moved = 0
    for case in people.not_yet_moved().order_by("opened_on", "code"):
        moved += move_people(case, by=by)
        cases += 1
    with transaction.atomic():
        indexed = people.index_people()
        if indexed:
            record(by, "case.people_indexed", None, people=indexed)
    return Migrated(cases, moved, indexed)


# --- workflow: who works on a case, how urgent it is ---------------------------------


def may_be_assigned(user: User, case: Case) -> bool:
    """Whether ``user`` can be given ``case``: an active member of staff who
    works cases and may see this one."""
    if not user.is_active or not user.can(Perm.WORK_CASES):
        return False
    return visible_cases(user).filter(pk=case.pk).exists()


def assignable(case: Case) -> list[User]:
    """Who ``case`` can be given to (may_be_assigned), by username: two queries."""
    return [
        user for user in kept.staff(case) if user.can(Perm.VIEW_CASES) and user.can(Perm.WORK_CASES)
    ]


def _editable(case: Case, by: User, version: int, perm: Perm) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != version:
        raise Conflict()
    if not visible_cases(by).filter(pk=locked.pk).exists() or not by.can(perm):
        raise Refused(_("Your role does not let you change this."))
    if locked.locked:
        raise Refused(
            _(
                "This case is locked after a suspicion of infiltration: "
                "a coordinator must unlock it first."
            )
        )
    return locked


def _saved(locked: Case, case: Case, fields: list[str]) -> None:
    locked.changed_on = timezone.localdate()
    locked.version += 1
    locked.save(update_fields=[*fields, "changed_on", "version"])
    for name in (*fields, "changed_on", "version"):
        setattr(case, name, getattr(locked, name))


@transaction.atomic
def update_case(
    case: Case,
    *,
    by: User,
    version: int,
    risk: int,
    risk_factors: list[str],
    flags: list[str],
    assignee: User | None,
) -> list[str]:
    """Change who works on a case and how urgent it is: its assignee, risk
    level, risk factors and the flags set by hand (suspected infiltration
    is verification's). Refused with nothing saved if someone changed the
    case since ``version``. Returns the names of what changed."""
    locked = _editable(case, by, version, Perm.WORK_CASES)
    problems = []
    if risk not in Risk.values:
        problems.append(_("Choose a risk level."))
    if any(code not in RiskFactor.values for code in risk_factors):
        problems.append(_("Choose risk factors from the list."))
    if any(code not in EDITABLE_FLAGS for code in flags):
        problems.append(_("Choose flags from the list."))
    if assignee is not None and not may_be_assigned(assignee, locked):
        problems.append(_("This person cannot work on this case."))
    if problems:
        raise Refused(*problems)
    kept = [code for code in locked.flag_codes if code not in EDITABLE_FLAGS]
    wanted = {
        "risk": risk,
        "risk_factors": joined_codes(risk_factors),
        "flags": joined_codes([*kept, *flags]),
        "assignee_id": assignee.pk if assignee is not None else None,
    }
    changed = [name for name, value in wanted.items() if getattr(locked, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, wanted[name])
    _saved(locked, case, changed)
    names = [name.removesuffix("_id") for name in changed]
    details: dict[str, Any] = {"fields": names}
    if "risk" in changed:
        details["risk"] = Risk(risk).name.lower()
    if "assignee_id" in changed:
        details["to"] = f"user:{assignee.pk}" if assignee is not None else None
    record(by, "case.updated", locked, **details)
    if "assignee_id" in changed:
        case.assignee = assignee
    return names


@transaction.atomic
def give_to_team(case: Case, *, team: Team | None, by: User, version: int) -> bool:
    """Give a case to a team (whose members then see it), or to none: a
    coordinator's decision. Returns whether anything changed."""
    locked = _editable(case, by, version, Perm.DECIDE_CASES)
    wanted = team.pk if team is not None else None
    if locked.team_id == wanted:
        return False
    locked.team_id = wanted
    _saved(locked, case, ["team_id"])
    case.team = team
    record(by, "case.team_changed", locked, team=wanted)
    return True
