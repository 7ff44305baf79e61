"""How the case page reads what a case holds: who the people are (the
principal's name, contacts as method and handle, where they are, and those
travelling with them, from the Person rows, or from the one JSON object of
a case not yet moved) and what happened (paragraphs, then the request's
other answers as labelled lines), in the reader's language.

The words a request was written with (contact methods, regions,
situations, added questions) belong to the app that asked them: cases
never imports intake, so intake registers a labeller here when it starts
(intake/apps.py). A key no labeller knows is shown as it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.cases import contacts, kept
from safepassage.cases.access import may_read_identity
from safepassage.cases.models import Case, Person, Role
from safepassage.cases.opening import Answer, Identity
from safepassage.cases.people import legacy_household

# (vocabulary, key) -> the key's label in the current language, or None.
Labeller = Callable[[str, str], "str | None"]
_labellers: list[Labeller] = []


def register_labels(labeller: Labeller) -> None:
    if labeller not in _labellers:
        _labellers.append(labeller)


def label(vocabulary: str, key: str, default: str | None = None) -> str:
    """The label of ``key``; ``default`` (else the key) if nobody knows it."""
    for labeller in _labellers:
        found = labeller(vocabulary, key)
        if found:
            return found
    return key if default is None else default


def _text(value: Any) -> str:
    """A stored value as one readable line, never as JSON."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


@dataclass(frozen=True)
class Contact:
    method: str
    handle: str


@dataclass
class PersonFacts:
    """One person as the case page shows them."""

    name: str = ""
    contacts: list[Contact] = field(default_factory=list)
    no_contact: bool = False
    area: str = ""
    place: str = ""
    # Anything else recorded, as (label, text).
    other: list[tuple[str, str]] = field(default_factory=list)
    # A contact handle of theirs belongs to a case suspected of infiltration.
    flagged: bool = False
    # Their record and place in the household (None for a case not yet moved).
    id: Any = None
    position: int = 0

    @property
    def described(self) -> bool:
        return bool(self.name or self.contacts or self.area or self.place or self.other)


@dataclass
class Household:
    """Who the case is about: the principal and those travelling with them."""

    principal: PersonFacts
    members: list[PersonFacts] = field(default_factory=list)
    notes: str = ""
    # False for a case stored before people were rows (its old identity is read).
    moved: bool = True

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def described_members(self) -> list[PersonFacts]:
        return [member for member in self.members if member.described]


def person_facts(
    identity: Identity,
    *,
    minor: bool | None = None,
    principal: bool = False,
    areas: dict[str, str] | None = None,
) -> PersonFacts:
    """A person's facts; where the principal is is always said ("not
    answered" too), a member's only when recorded. ``areas``: the areas'
    labels already read (a household reads each once)."""
    area = identity.location.area
    shown = area or principal
    area_label = ((areas or {}).get(area) or label("area", area)) if shown else ""
    other = [
        (_("Other names"), "; ".join(identity.other_names)),
        (_("Relationship"), identity.relationship),
        (_("Born"), identity.born),
        (_("Age"), "" if identity.age is None else str(identity.age)),
        (_("Minor"), "" if minor is None else _text(minor)),
        (_("Gender, in their words"), identity.gender),
        (_("Notes"), identity.notes),
    ]
    return PersonFacts(
        name=identity.name,
        contacts=[
            Contact(label("contact_method", contact.method), contact.handle)
            for contact in identity.contacts
        ],
        no_contact=identity.no_contact,
        area=area_label,
        place=identity.location.place,
        other=[(str(name), text) for name, text in other if text],
    )


def read_people(people: list[Person], notes: str | None) -> Household:
    """A household from its rows (opened: their identity is read)."""
    principal = next((p for p in people if p.role == Role.PRINCIPAL), None)
    members = [p for p in people if p.role != Role.PRINCIPAL]
    # Each area's label read once, not once a person.
    areas = {key: label("area", key) for key in {p.identity.location.area for p in people}}
    household = Household(
        principal=person_facts(
            principal.identity, minor=principal.minor, principal=True, areas=areas
        )
        if principal is not None
        else PersonFacts(),
        members=[
            person_facts(member.identity, minor=member.minor, areas=areas) for member in members
        ],
        notes=notes or "",
    )
    for facts, person in zip(
        [household.principal, *household.members], [principal, *members], strict=True
    ):
        if person is not None:
            facts.id, facts.position = person.pk, person.position
    return household


def household_of(user: User, case: Case) -> Household | None:
    """Who the case is about, as ``user`` may read it: None unless they may
    read its identity (access.may_read_identity: before acceptance,
    verifiers and coordinators only), whose people are then marked if a
    contact handle of theirs is flagged."""
    if not may_read_identity(user, case):
        return None
    if not case.people_moved:
        return read_identity(case.identity if isinstance(case.identity, dict) else {})
    people = kept.opened_people(case)
    household = read_people(people, case.household_notes)
    flagged = contacts.flagged_people(case)
    principal = next((p for p in people if p.role == Role.PRINCIPAL), None)
    members = [p for p in people if p.role != Role.PRINCIPAL]
    if principal is not None:
        household.principal.flagged = principal.pk in flagged
    for facts, person in zip(household.members, members, strict=True):
        facts.flagged = person.pk in flagged
    return household


def read_identity(identity: dict[str, Any]) -> Household:
    """A household as cases stored it before people were rows (one JSON
    object), read the way it will be moved (people.legacy_household)."""
    principal, members, notes = legacy_household(identity)
    return Household(
        principal=person_facts(principal, principal=True),
        members=[person_facts(member) for member in members],
        notes=notes,
        moved=False,
    )


@dataclass
class Narrative:
    paragraphs: list[str]
    # The request's other answers, as (label, text).
    details: list[tuple[str, str]]


def _details(extra: dict[str, Any]) -> list[tuple[str, str]]:
    lines = []
    for key, value in sorted(extra.items()):
        if value in (None, "", [], {}):
            continue
        if key == "lang":
            lines.append((_("Language of the request"), language_name(str(value))))
        elif key == "situation":
            lines.append((_("Situation"), "; ".join(label("situation", str(s)) for s in value)))
        elif key == "urgency_level":
            lines.append((_("Urgency"), label("urgency", str(value))))
        elif key == "answers" and isinstance(value, dict):
            lines.extend(
                (label("question", str(k)), label("answer", f"{k}={v}", default=_text(v)))
                for k, v in value.items()
            )
        else:
            lines.append((key, _text(value)))
    return lines


def read_answers(answers: list[Answer]) -> list[tuple[str, str]]:
    """The other answers a case was opened with, labelled by the app that asked."""
    return [
        (
            label("question", answer.question),
            "; ".join(
                label("answer", f"{answer.question}={value}", default=value)
                for value in answer.values
            ),
        )
        for answer in answers
        if answer.values
    ]


def read_narrative(narrative: str, answers: list[Answer] | None = None) -> Narrative:
    """A case's narrative as paragraphs, then its other answers as labelled
    lines. Cases opened before the answers were kept apart (``answers`` is
    None) have them after the text as a JSON object (one block, with no
    blank line in it), which becomes labelled lines; a narrative without
    such a block is all paragraphs."""
    blocks = [block.strip() for block in narrative.replace("\r\n", "\n").split("\n\n")]
    blocks = [block for block in blocks if block]
    if answers is not None:
        return Narrative(blocks, read_answers(answers))
    details: list[tuple[str, str]] = []
    if blocks and blocks[-1].startswith("{"):
        try:
            extra = json.loads(blocks[-1])
        except ValueError:
            extra = None
        if isinstance(extra, dict):
            blocks.pop()
            details = _details(extra)
    return Narrative(blocks, details)


def language_name(code: str) -> str:
    """A language code as its name in the reader's language; an unknown code
    stays as it is."""
    return str(dict(settings.LANGUAGES).get(code, code))
