"""Forgetting who a case's people are: the retention rules' purge of a
case that left the way (declined, withdrawn) once its time is up.

``forget_identity`` empties every sealed value the case's records hold
(``SEALED``: who the people are and how to reach them, what they said,
every note and reason written about them, where they stayed and how they
travelled), removes the contact index's entries of the case that no
suspicion flags, and notes the day on the case. It needs no keys: a value
is removed by writing nothing (a column set to NULL) or, where the column
may not be empty, an empty value sealed to the compartment's public key.

What remains is plain and pseudonymous, for the statistics: the case's
code, stage, risk, flags, team and dates; its history of stages (who moved
it, from where to where, on which day: not why); its people as rows (their
place in the household, whether a minor: not who they were); the dates and
counts of its stays, documents, applications, journeys, claims, consents
and verification checks. The audit log keeps what was done, as it never
held content.

Entries of the contact index that a suspicion of infiltration flagged are
kept: they are keyed digests, unreadable without identity's keys, and they
are what marks the same handle when it comes back in a new request
(docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import stays, travel
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Check,
    Consent,
    ConsentOverride,
    ContactIndex,
    HandedOverTestimony,
    IdentityField,
    Journey,
    JourneyLeg,
    Note,
    Person,
    StageChange,
    Stay,
    Task,
    TravelDocument,
    Verification,
)
from safepassage.cases.opening import Identity
from safepassage.vault import search
from safepassage.vault.fields import EncryptedField


@dataclass(frozen=True)
class Sealed:
    """The sealed fields of one model's rows of a case, found from the
    case by ``path`` (the filter from a row to its case)."""

    model: type[models.Model]
    path: str
    fields: tuple[str, ...]
    # Fields left holding an empty sealed value rather than NULL, where a
    # constraint of the model reads NULL as something else (a task without
    # a title is a reminder's record).
    emptied: tuple[str, ...] = ()


# Every sealed value a case's records hold (a test holds this list to every
# encrypted field of the cases app, so a new one cannot be forgotten here).
SEALED: tuple[Sealed, ...] = (
    Sealed(Case, "pk", ("identity", "household_notes", "narrative", "answers")),
    Sealed(Person, "case", ("identity", "name", "other_names")),
    Sealed(StageChange, "case", ("reason",)),
    Sealed(Verification, "case", ("reasons",)),
    Sealed(Check, "verification__case", ("note",)),
    Sealed(Consent, "case", ("explanation",)),
    Sealed(ConsentOverride, "case", ("reason",)),
    # The documentation's code for a person whose testimony went there:
    # kept, it would tie the pseudonymous victim back to the case.
    Sealed(HandedOverTestimony, "case", ("documentation_code",)),
    Sealed(Stay, "case", ("notes", "override_reason")),
    Sealed(TravelDocument, "case", ("details", "notes")),
    Sealed(Application, "case", ("notes",)),
    Sealed(Journey, "case", ("arrival", "notes")),
    Sealed(JourneyLeg, "journey__case", ("details",)),
    Sealed(AsylumClaim, "case", ("reference", "notes")),
    Sealed(Note, "case", ("text",)),
    Sealed(Task, "case", ("title",), emptied=("title",)),
)

# Encrypted fields of the cases app that belong to no case, and why
# forgetting a case leaves them (the same test reads this).
NOT_OF_A_CASE: dict[str, str] = {
    "cases.safehouse": "a house is no case's; purge_stays removes a case's link to it",
}


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a case removed: the people whose identity went,
    the contact index's entries, the stays and the journey details."""

    people: int
    contacts: int
    stays: int
    journey_details: int


def held(case: Case) -> Forgotten:
    """What forget_identity would remove from ``case`` now (for a dry run)."""
    if case.identity_purged_on is not None:
        return Forgotten(0, 0, 0, 0)
    ended = case.stays.filter(purged_on__isnull=True).filter(
        models.Q(cancelled=True) | models.Q(left_on__isnull=False)
    )
    return Forgotten(
        people=case.people.count(),
        contacts=ContactIndex.objects.filter(case=case, flagged=False).count(),
        stays=ended.count(),
        journey_details=travel.journey_details_held(case),
    )


def _empty(field: EncryptedField) -> Any:
    """The value a sealed field that may not be NULL is left holding."""
    if isinstance(field, IdentityField):
        return Identity()
    return ""


def _forget(entry: Sealed, case: Case) -> None:
    rows = entry.model._default_manager.filter(**{entry.path: case.pk})
    fields = [entry.model._meta.get_field(name) for name in entry.fields]
    nullable = [
        field
        for field in fields
        if isinstance(field, EncryptedField) and field.null and field.name not in entry.emptied
    ]
    if nullable:
        rows.update(**{field.name: None for field in nullable})
    for field in nullable:
        if field.searchable:
            # The search directory sets the row aside until a member's next
            # write to its shard drops it (vault.search: no keys needed).
            for pk in rows.values_list("pk", flat=True):
                search.mark_removed(entry.model, field, pk)
    required = [
        field
        for field in fields
        if isinstance(field, EncryptedField) and (not field.null or field.name in entry.emptied)
    ]
    for row in rows.only("pk", *(field.name for field in required)) if required else []:
        for field in required:
            setattr(row, field.name, _empty(field))
        row.save(update_fields=[field.name for field in required])


@transaction.atomic
def forget_identity(case: Case, *, by: User | str, rule: str = "") -> Forgotten:
    """Remove who the people of ``case`` are and everything written about
    them (see the module's docstring), once; a case already forgotten is
    left as it is (nothing counted). Audited (``case.identity_purged``,
    with the retention ``rule`` that asked for it), besides the audit
    entries of the stays and journeys purged."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.identity_purged_on is not None:
        return Forgotten(0, 0, 0, 0)
    people = locked.people.count()
    purged_stays = held(locked).stays and stays.purge_stays(locked, by=by).stays
    journey_details = travel.purge_journey_details(locked, by)
    contacts, _kinds = ContactIndex.objects.filter(case=locked, flagged=False).delete()
    for entry in SEALED:
        _forget(entry, locked)
    # Nothing left to index: kept out of the searches' pending people.
    Person.objects.filter(case=locked).update(indexed=True, name_index="")
    today = timezone.localdate()
    Case.objects.filter(pk=locked.pk).update(
        identity_purged_on=today, changed_on=today, version=models.F("version") + 1
    )
    case.refresh_from_db()
    done = Forgotten(people, contacts, purged_stays, journey_details)
    record(
        by,
        "case.identity_purged",
        locked,
        rule=rule or None,
        people=people,
        contacts_removed=contacts,
        stays=purged_stays,
        journey_details=journey_details,
    )
    return done
