"""Named actions of cases: each checks what it needs, saves, and writes
its audit entry. Views and commands call these and nothing else to change
a case."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import people
from safepassage.cases.models import Case, Stage
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
