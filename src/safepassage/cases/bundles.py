"""What a referral or transfer bundle holds: the payload that
vault.bundles seals to a partner, as one typed struct (``Content``),
written here and read here on the other side.

A bundle holds only what the consent covers: each person's place in the
household, and who they are if the share includes identity; the story and
the request's other answers if it includes the narrative; the details of
documents if it includes them (no model holds case documents yet: the list
is empty until one does); the stage; and a manifest saying what was sent,
by whom, to whom, under which consents, and whether an override stood in
for a missing one.
"""

from __future__ import annotations

import datetime
import uuid

import msgspec

from safepassage.cases.consent import Consented
from safepassage.cases.models import Case, Part, PartnerOrganisation, Role, ShareKind
from safepassage.cases.opening import Answer, Identity

FORMAT = 1
MAX_PEOPLE = 50


class BundleConsent(msgspec.Struct, frozen=True):
    """A person's consent the share relied on: ``person`` is their place."""

    person: int
    given_on: str
    method: str
    scope: list[str]


class Manifest(msgspec.Struct, kw_only=True):
    format: int
    bundle: str
    kind: str
    made: str
    sender: str
    sender_case: str
    recipient: str
    stage: str
    parts: list[str]
    people: int
    consents: list[BundleConsent] = []
    overridden: bool = False
    documents: int = 0


class BundlePerson(msgspec.Struct, kw_only=True):
    role: str
    position: int
    minor: bool | None = None
    # None when the share does not include who they are.
    identity: Identity | None = None


class DocumentDetails(msgspec.Struct, kw_only=True):
    kind: str
    status: str = ""
    expires: str = ""


class Content(msgspec.Struct, kw_only=True):
    manifest: Manifest
    people: list[BundlePerson]
    household_notes: str = ""
    narrative: str = ""
    answers: list[Answer] = []
    documents: list[DocumentDetails] = []


class Unreadable(Exception):
    """A payload that opened but is not a bundle this version reads."""


def build(
    case: Case,
    *,
    bundle_id: uuid.UUID,
    kind: str,
    sender: str,
    partner: PartnerOrganisation,
    parts: list[str],
    consented: Consented,
    made: datetime.datetime,
) -> Content:
    """The content of a bundle of ``case`` (its people opened: needs
    identity's keys for identity, casework's for the narrative)."""
    people = list(case.people.order_by("position"))
    with_identity = Part.IDENTITY in parts
    with_narrative = Part.NARRATIVE in parts
    consents = [
        BundleConsent(
            person=person.position,
            given_on=consent.given_on.isoformat(),
            method=consent.method,
            scope=list(consent.scope),
        )
        for person in people
        if (consent := consented.consents.get(person.pk)) is not None
    ]
    return Content(
        manifest=Manifest(
            format=FORMAT,
            bundle=bundle_id.hex,
            kind=kind,
            made=made.isoformat(),
            sender=sender,
            sender_case=case.code,
            recipient=partner.name,
            stage=case.stage,
            parts=list(parts),
            people=len(people),
            consents=consents,
            overridden=consented.override is not None,
        ),
        people=[
            BundlePerson(
                role=person.role,
                position=person.position,
                minor=person.minor,
                identity=person.identity if with_identity else None,
            )
            for person in people
        ],
        household_notes=(case.household_notes or "") if with_identity else "",
        narrative=(case.narrative or "") if with_narrative else "",
        answers=list(case.answers or []) if with_narrative else [],
    )


def encode(content: Content) -> bytes:
    return msgspec.json.encode(content)


def decode(payload: bytes) -> Content:
    """The content of an opened bundle, checked: Unreadable for anything
    this version does not read as a whole (nothing is guessed)."""
    try:
        content = msgspec.json.decode(payload, type=Content)
    except msgspec.MsgspecError:
        raise Unreadable("not a bundle's content") from None
    manifest = content.manifest
    if manifest.format != FORMAT:
        raise Unreadable("a bundle of another format")
    if manifest.kind not in ShareKind.values:
        raise Unreadable("neither a referral nor a transfer")
    try:
        uuid.UUID(hex=manifest.bundle)
        datetime.datetime.fromisoformat(manifest.made)
    except ValueError:
        raise Unreadable("a manifest without its id or date") from None
    roles = [person.role for person in content.people]
    if roles.count(Role.PRINCIPAL) != 1 or any(role not in Role.values for role in roles):
        raise Unreadable("a household without one principal")
    if not 1 <= len(content.people) <= MAX_PEOPLE:
        raise Unreadable("a household of an impossible size")
    if len({person.position for person in content.people}) != len(content.people):
        raise Unreadable("two people in one place")
    return content
