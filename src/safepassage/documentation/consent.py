"""Consent of the people documented: what each agreed to, recorded by a
documenter on the person's page or handed over from casework, and the
rule a dossier follows with it.

Recording (``record_consent``) writes a new record and keeps the one it
replaces, no longer current. A person handed over from casework
(``receive_from_casework``, called by a consent action in cases) is made
here as a pseudonymous victim: a code and nothing else, with the consent
the caseworker recorded. Documentation never learns the case: cases keeps
which code its person became, sealed to casework.

The dossier's rule (``withheld_for_consent``): an original leaves only if
every documented person it concerns (the victims of the acts it is
linked to, of the acts of the events it is linked to, and of what a
source's account it is linked to is about) has a current consent that
allows originals. No consent recorded means no (fail closed). Evidence
that concerns nobody (an archived copy of an official's statement) is not
restricted.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.actions import Refused, create
from safepassage.documentation.models import (
    Act,
    ConsentOrigin,
    Evidence,
    EvidenceLink,
    Person,
    PersonConsent,
    PersonKind,
)
from safepassage.vault.fields import EncryptedField, seal_for_compartment


class ConsentChanged(Refused):
    """Someone recorded this person's consent since the form was opened."""


def current_consent(person: Person) -> PersonConsent | None:
    return PersonConsent.objects.filter(person=person, current=True).first()


def consent_state(person: Person) -> str:
    """What the form carries: the current record's id, or "" for none."""
    consent = current_consent(person)
    return consent.pk.hex if consent is not None else ""


def _check(given_on: datetime.date, testimony: bool, originals: bool) -> None:
    if given_on > timezone.localdate():
        raise Refused(_("Consent cannot be given on a day still to come."))
    if originals and not testimony:
        raise Refused(
            _(
                "Originals can be handed over only for someone whose testimony may be "
                "used: allow the testimony too, or not the originals."
            )
        )


def _write(
    person: Person,
    *,
    by: User,
    testimony: bool,
    originals: bool,
    given_on: datetime.date,
    origin: str,
    note: str,
) -> PersonConsent:
    """The new current record (the one it replaces kept, not current) and its audit entry."""
    replaced = PersonConsent.objects.filter(person=person, current=True).update(current=False)
    consent = PersonConsent(
        person=person,
        testimony=testimony,
        originals=originals,
        given_on=given_on,
        origin=origin,
        recorded_by=by,
    )
    consent.note = note.strip() or None
    consent.save(force_insert=True)
    record(
        by,
        "documentation.consent_recorded",
        person,
        origin=origin,
        testimony=testimony,
        originals=originals,
        replaces=bool(replaced),
    )
    return consent


def record_consent(
    person: Person,
    *,
    by: User,
    testimony: bool,
    originals: bool,
    given_on: datetime.date,
    note: str = "",
    seen: str | None = None,
) -> PersonConsent:
    """A documenter records what ``person`` agreed to. ``seen`` is the
    state the form was made from (consent_state): if someone recorded
    meanwhile, nothing is saved (ConsentChanged)."""
    _check(given_on, testimony, originals)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if seen is not None and seen != consent_state(person):
            raise ConsentChanged(
                _(
                    "Someone recorded this person's consent since you opened the page. "
                    "Nothing was saved: check what is recorded now, then try again."
                )
            )
        return _write(
            person,
            by=by,
            testimony=testimony,
            originals=originals,
            given_on=given_on,
            origin=ConsentOrigin.DOCUMENTER,
            note=note,
        )


def receive_from_casework(
    by: User, *, given_on: datetime.date, originals: bool, overridden: bool = False
) -> Person:
    """A victim handed over from casework, pseudonymous: a code and
    nothing else (no name, no case), with the consent recorded there.
    Its one sealed value, the "name" the documentation pages show, is the
    code itself, sealed to the documentation compartment's public key, so
    whoever hands over needs none of its keys. Call it in the hand-over's
    transaction: the case side keeps the code."""
    if overridden:
        # An override lets testimony in without the person's word: never
        # the originals, which would need that word too.
        originals = False
    origin = ConsentOrigin.OVERRIDE if overridden else ConsentOrigin.CASEWORK
    _check(given_on, True, originals)
    person = Person(kind=PersonKind.INDIVIDUAL)
    name = cast(EncryptedField, Person._meta.get_field("name"))
    setattr(
        person,
        name.attname,
        seal_for_compartment(name.compartment, name.encode(person.code), name.associated(person)),
    )
    with transaction.atomic():
        create(person, by)
        record(by, "documentation.person_recorded", person, kind=person.kind, origin=origin)
        _write(
            person,
            by=by,
            testimony=True,
            originals=originals,
            given_on=given_on,
            origin=origin,
            note="",
        )
    return person


def _told_from_casework(
    by: User, *, code: str, on: datetime.date, testimony: bool, origin: str
) -> bool:
    """The victim ``code``'s new current consent, as casework tells it
    (testimony or nothing; never the originals, which casework's consent
    does not ask about). False when there is no such victim any more."""
    person = Person.objects.filter(code=code).first()
    if person is None:
        return False
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        _write(
            person,
            by=by,
            testimony=testimony,
            originals=False,
            given_on=on,
            origin=origin,
            note="",
        )
    return True


def withdrawn_in_casework(by: User, *, code: str, on: datetime.date) -> bool:
    """The victim ``code`` (handed over from casework) withdrew, in
    casework, their consent to testimony on ``on``: their current consent
    becomes "nothing" (no testimony, no originals), so no dossier takes
    the originals of evidence about them again. False when there is no
    such victim any more."""
    return _told_from_casework(
        by, code=code, on=on, testimony=False, origin=ConsentOrigin.WITHDRAWN
    )


def given_again_in_casework(by: User, *, code: str, on: datetime.date) -> bool:
    """The victim ``code`` (handed over from casework) gave their consent
    to testimony again, in casework, on ``on`` (after withdrawing it, or
    after a hand-over made without it): their current consent allows
    testimony again, and not the originals, which casework's consent does
    not ask about (a documenter records them on the victim's page if the
    person agrees). False when there is no such victim any more."""
    _check(on, True, False)
    return _told_from_casework(by, code=code, on=on, testimony=True, origin=ConsentOrigin.CASEWORK)


# --- The dossier's rule --------------------------------------------------------------

NO_CONSENT = "none"
NOT_ORIGINALS = "copies-only"


@dataclass
class Withheld:
    """Why an original stays back: the people it concerns without a
    consent (``none``) or whose consent allows only working copies."""

    none: list[Person] = field(default_factory=list)
    copies_only: list[Person] = field(default_factory=list)


def concerned(originals: Iterable[Evidence]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The documented people each original concerns, by their ids: the
    victims of the acts it is linked to, of the acts of the events it is
    linked to, and of what the accounts it is linked to are about."""
    ids = [item.pk for item in originals]
    found: dict[uuid.UUID, set[uuid.UUID]] = {pk: set() for pk in ids}
    by_event: dict[uuid.UUID, set[uuid.UUID]] = {}
    links = EvidenceLink.objects.filter(evidence_id__in=ids).values_list(
        "evidence_id",
        "act__victim_id",
        "event_id",
        "information__act__victim_id",
        "information__event_id",
    )
    for item, victim, event, account_victim, account_event in links:
        for person in (victim, account_victim):
            if person is not None:
                found[item].add(person)
        if event is not None:
            by_event.setdefault(event, set()).add(item)
        if account_event is not None and account_victim is None:
            by_event.setdefault(account_event, set()).add(item)
    acts = Act.objects.filter(event_id__in=list(by_event)).values_list("event_id", "victim_id")
    for event, victim in acts:
        for item in by_event[event]:
            found[item].add(victim)
    return found


def withheld_for_consent(originals: Iterable[Evidence]) -> dict[uuid.UUID, Withheld]:
    """The originals a dossier must keep back for want of consent, by id,
    with whose consent lacks. An original concerning nobody goes."""
    people = concerned(list(originals))
    everyone = set().union(*people.values()) if people else set()
    allows = dict(
        PersonConsent.objects.filter(person_id__in=everyone, current=True).values_list(
            "person_id", "originals"
        )
    )
    persons = Person.objects.in_bulk(list(everyone))
    withheld: dict[uuid.UUID, Withheld] = {}
    for item, ids in people.items():
        why = Withheld()
        for person_id in sorted(ids, key=lambda pk: persons[pk].code):
            if person_id not in allows:
                why.none.append(persons[person_id])
            elif not allows[person_id]:
                why.copies_only.append(persons[person_id])
        if why.none or why.copies_only:
            withheld[item] = why
    return withheld
