"""The household: recording who each person of a case is, and adding
someone who travels with the principal.

A request says how many travel with the person who asked, not who they
are: the case is opened with that many members recorded as nobody yet.
The team then records each one (name, other names, when born, whether a
minor, how to reach them, their relationship to the principal), and adds
those the request did not mention. Named actions, each audited with the
names of what changed (never the values); a change made from an older
version of the person is refused (``Conflict``) and saves nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import contacts, people
from safepassage.cases.access import may_read_identity, visible_cases
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import Case, Person, Role
from safepassage.cases.opening import Identity

# Most people a household may hold (the public form allows 20 besides the principal).
MOST_PEOPLE = 30
# What describe_person compares, by the names the audit entry gives.
FIELDS = ("name", "other_names", "born", "age", "gender", "relationship", "notes")


def may_describe(user: User, case: Case) -> bool:
    """Whether ``user`` may record who the people of ``case`` are: someone
    who works cases and reads its identity (with identity's keys), while
    the case is not locked."""
    if not user.is_active or not user.can(Perm.WORK_CASES):
        return False
    if case.locked:
        return False
    return may_read_identity(user, case)


def _check(user: User, case: Case) -> None:
    if not may_describe(user, case) or not visible_cases(user).filter(pk=case.pk).exists():
        if case.locked:
            raise Refused(
                _(
                    "This case is locked after a suspicion of infiltration: "
                    "a coordinator must unlock it first."
                )
            )
        raise Refused(_("Your role does not let you change this."))


def changes(before: Identity, after: Identity, minor: tuple[bool | None, bool | None]) -> list[str]:
    """The names of what differs between two records of a person."""
    changed = [name for name in FIELDS if getattr(before, name) != getattr(after, name)]
    if before.contacts != after.contacts or before.no_contact != after.no_contact:
        changed.append("contacts")
    if before.location != after.location:
        changed.append("place")
    if minor[0] != minor[1]:
        changed.append("minor")
    return changed


def _touch(case: Case) -> None:
    """Work on the case: its "last change" day moves (not its version:
    nobody's form on the case page goes stale)."""
    Case.objects.filter(pk=case.pk).update(changed_on=timezone.localdate())


@transaction.atomic
def describe_person(
    person: Person, identity: Identity, *, minor: bool | None, by: User, version: int
) -> list[str]:
    """Record who ``person`` is (the whole record, as the form shows it).
    Returns the names of what changed; nothing is saved if nothing did."""
    locked = Person.objects.select_for_update().select_related("case").get(pk=person.pk)
    _check(by, locked.case)
    if locked.version != version:
        raise Conflict()
    changed = changes(locked.identity, identity, (locked.minor, minor))
    if not changed:
        return []
    people.write_identity(locked, identity)
    locked.minor = minor
    locked.version += 1
    locked.save(
        update_fields=[
            "identity",
            "name",
            "other_names",
            "name_index",
            "indexed",
            "minor",
            "version",
        ]
    )
    if "contacts" in changed:
        contacts.index_person(locked, identity.handles())
    _touch(locked.case)
    record(by, "case.person_described", locked.case, person=str(locked.pk), fields=changed)
    person.refresh_from_db()
    return changed


@transaction.atomic
def add_member(case: Case, *, by: User) -> Person:
    """Someone more who travels with the principal, recorded as nobody yet."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _check(by, locked)
    if not locked.people_moved:
        raise Refused(_("Give each person of this case their own record first."))
    if Person.objects.filter(case=locked).count() >= MOST_PEOPLE:
        raise Refused(_("A household holds at most %(most)s people.") % {"most": MOST_PEOPLE})
    last = Person.objects.filter(case=locked).aggregate(last=Max("position"))["last"]
    person = Person(case=locked, role=Role.MEMBER, position=(last or 0) + 1)
    people.write_identity(person, Identity())
    person.save(force_insert=True)
    _touch(locked)
    record(by, "case.person_added", locked, person=str(person.pk))
    return person
