"""The people of a case: writing who they are, finding them again by
name, and moving cases stored before people were rows.

A person's ``identity`` can be written by anyone (sealed to the identity
compartment's public key, as a verifier without identity's keys opens a
case); the copies of their names that the encrypted fuzzy search and the
blind index use need identity's keys, so a person written without them is
``indexed`` later by a member (``index_people``). Until then, searches
read such a person's identity itself: results never depend on whether
the copies were written yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import contacts
from safepassage.cases.access import identity_cases
from safepassage.cases.models import Case, Person, Role
from safepassage.cases.opening import Contact, Identity, Location
from safepassage.vault import search
from safepassage.vault.errors import NotInCompartment
from safepassage.vault.fields import blind_index, normalise_exact
from safepassage.vault.keyring import Keyring, current_keyring, current_keyring_or_none

IDENTITY = "identity"


def holds_identity(keyring: Keyring | None) -> bool:
    return keyring is not None and keyring.holds(IDENTITY)


def write_identity(person: Person, identity: Identity) -> None:
    """Set who a person is (saved by the caller). With identity's keys, the
    search's copies of their names and the blind index are written too;
    without, the person waits to be indexed (and copies written before,
    which may now be stale, are no longer used)."""
    person.identity = identity
    if holds_identity(current_keyring_or_none()):
        person.name = identity.name.strip() or None
        person.other_names = "\n".join(n for n in identity.other_names if n.strip()) or None
        person.indexed = True
    else:
        person.indexed = False


def add_household(case: Case, principal: Identity, members: Sequence[Identity]) -> list[Person]:
    """The principal and the members of a new household, saved, their
    contacts indexed (needs the keys of intake or identity)."""
    people = []
    for position, (role, identity) in enumerate(
        [(Role.PRINCIPAL, principal), *((Role.MEMBER, member) for member in members)]
    ):
        person = Person(case=case, role=role, position=position)
        write_identity(person, identity)
        person.save(force_insert=True)
        contacts.index_person(person, identity.handles())
        people.append(person)
    return people


@transaction.atomic
def index_people(limit: int | None = None) -> int:
    """Write the name copies and blind index of people written without
    identity's keys (needs them). Returns how many."""
    if not holds_identity(current_keyring_or_none()):
        raise identity_keys_needed()
    pending = Person.objects.filter(indexed=False).order_by("case_id", "position")
    count = 0
    for person in pending[:limit] if limit is not None else pending:
        write_identity(person, person.identity)
        person.save(update_fields=["name", "other_names", "name_index", "indexed"])
        contacts.index_person(person, person.identity.handles())
        count += 1
    return count


def identity_keys_needed() -> NotInCompartment:
    return NotInCompartment("this needs the identity compartment's keys")


# --- Cases stored before people were rows -----------------------------------------


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def legacy_household(stored: dict[str, Any]) -> tuple[Identity, list[Identity], str]:
    """A case's identity as stored before people were rows (one JSON
    object: name, contacts, no_contact, location, household) as the
    principal, the members and the household's notes. Anything else it
    holds goes to the principal's notes, so nothing is lost."""
    location = _mapping(stored.get("location"))
    household = _mapping(stored.get("household"))
    found = [
        Contact(str(item.get("kind") or item.get("method") or ""), str(item.get("handle") or ""))
        for item in stored.get("contacts") or []
        if isinstance(item, dict)
    ]
    known = {"name", "contacts", "no_contact", "location", "household"}
    notes = [
        f"{key}: {value}"
        for key, value in sorted(stored.items())
        if key not in known and value not in (None, "", [], {})
    ]
    principal = Identity(
        name=str(stored.get("name") or ""),
        contacts=found,
        no_contact=bool(stored.get("no_contact")),
        location=Location(str(location.get("area") or ""), str(location.get("place") or "")),
        notes="\n".join(notes),
    )
    try:
        count = max(0, min(int(household.get("count") or 0), 50))
    except (TypeError, ValueError):
        count = 0
    return principal, [Identity() for _ in range(count)], str(household.get("notes") or "")


def not_yet_moved() -> Any:
    """Cases whose people are still the one JSON object of earlier versions."""
    return Case.objects.filter(identity__isnull=False)


@transaction.atomic
def move_people(case: Case) -> list[Person]:
    """Move a case's identity as earlier versions stored it into Person
    rows (needs identity's keys: it reads it), index the people's contacts
    in place of the case's, and empty the old field. A case already moved
    is left as it is."""
    if not holds_identity(current_keyring_or_none()):
        raise identity_keys_needed()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.identity is None:
        return list(locked.people.all())
    stored = locked.identity if isinstance(locked.identity, dict) else {}
    principal, members, notes = legacy_household(stored)
    start = locked.people.count()
    people = add_household(locked, principal, members) if start == 0 else []
    locked.contact_indexes.filter(person=None).delete()
    if notes and not locked.household_notes:
        locked.household_notes = notes
    locked.identity = None
    locked.save(update_fields=["identity", "household_notes"])
    case.refresh_from_db()
    return people


# --- Finding people ---------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    person: Person
    score: float


def _identity_keys(user: User) -> Keyring:
    keyring = current_keyring_or_none()
    if not holds_identity(keyring):
        raise deny(user, "compartment", "compartment:identity")
    return current_keyring()


def find_people(user: User, query: str, *, limit: int = 20, cutoff: float = 70.0) -> list[Found]:
    """People of the cases whose identity ``user`` may read
    (access.identity_cases: not yet accepted, verifiers only) whose names
    resemble ``query`` (script, case and accents aside), best first: for
    members of identity only (the same 404 for anyone else). The encrypted directory is read for
    people indexed, each pending person's identity for the others."""
    _identity_keys(user)
    wanted = search.normalise(query)
    if not wanted:
        return []
    scores: dict[str, float] = {}
    wide = limit * 10
    for field in ("name", "other_names"):
        for pk, score in search.search(Person, field, query, limit=wide, cutoff=cutoff):
            scores[pk] = max(score, scores.get(pk, 0.0))
    pending_ids: list[str] = []
    names: list[str] = []
    for person in Person.objects.filter(indexed=False).opened("identity"):
        for name in [person.identity.name, *person.identity.other_names]:
            pending_ids.append(str(person.pk))
            names.append(search.normalise(name))
    pending_scores: dict[str, float] = {}
    for index, score in search.best_matches(wanted, names, wide, cutoff):
        key = pending_ids[index]
        pending_scores[key] = max(score, pending_scores.get(key, 0.0))
    # Candidates best first, their people read a chunk at a time (only
    # what ranking needs): a common name resembles thousands, and those
    # after the best ``limit`` of the cases this person may read are not
    # needed. A directory entry of a person not indexed may be stale, so
    # each person's score comes from where their name was read.
    ranked = sorted(
        {*scores, *pending_scores},
        key=lambda pk: (-max(scores.get(pk, 0.0), pending_scores.get(pk, 0.0)), pk),
    )
    readable = identity_cases(user)
    found: list[Found] = []
    for start in range(0, len(ranked), limit * 2):
        chunk = ranked[start : start + limit * 2]
        if len(found) >= limit:
            worst = sorted(item.score for item in found)[-limit]
            best_left = max(scores.get(chunk[0], 0.0), pending_scores.get(chunk[0], 0.0))
            if best_left <= worst:
                break
        # Two lookups by key: the people, then which of their cases this
        # person may read (a join on "every readable case" would walk them all).
        people = list(
            Person.objects.filter(pk__in=chunk)
            .select_related("case")
            .only("pk", "case_id", "position", "indexed", "case__code")
        )
        allowed = set(
            readable.filter(pk__in={person.case_id for person in people}).values_list(
                "pk", flat=True
            )
        )
        for person in people:
            known = scores if person.indexed else pending_scores
            if person.case_id in allowed and str(person.pk) in known:
                found.append(Found(person, known[str(person.pk)]))
    found.sort(key=lambda item: (-item.score, item.person.case.code, item.person.position))
    record(user, "case.people_searched", None, shown=min(len(found), limit))
    return found[:limit]


def people_named(user: User, name: str) -> list[Person]:
    """People of the cases whose identity ``user`` may read named exactly
    ``name`` (case and spaces aside), through the blind index: for members of identity
    only (the same 404 for anyone else)."""
    _identity_keys(user)
    if not name.strip():
        return []
    wanted = normalise_exact(name)
    visible = Person.objects.filter(case__in=identity_cases(user)).select_related("case")
    found = list(visible.filter(indexed=True, name_index=blind_index(Person, "name_index", name)))
    found += [
        person
        for person in visible.filter(indexed=False).opened("identity")
        if normalise_exact(person.identity.name) == wanted
    ]
    record(user, "case.people_searched", None, shown=len(found))
    return sorted(found, key=lambda person: (person.case.code, person.position))
