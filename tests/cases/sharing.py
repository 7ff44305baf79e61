"""Households, partner organisations and consents for the tests of consent,
referrals and transfers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases import partners
from safepassage.cases.consent import record_consent
from safepassage.cases.models import Case, Consent, ConsentKind, PartnerOrganisation
from safepassage.cases.opening import Answer, Contact, Identity, Location, Opening
from safepassage.vault import exchange
from safepassage.vault.bundles import ExchangeSecret, partner_key_text
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, keyring_of

BOTH = ("identity", "narrative")


def household(org: Organisation, *, members: int = 1) -> Case:
    """An accepted case of the team (whose identity the team reads): Zelim,
    and his sister Kheda (a minor) if ``members``."""
    from safepassage.cases import actions

    opening = Opening(
        principal=Identity(
            name="Zelim Daudov",
            contacts=[Contact("signal", "+7 928 000 11 22")],
            location=Location("chechnya", "Argun"),
            gender="gay man",
        ),
        members=[Identity(name="Kheda Daudova", relationship="sister", age=16)][:members],
        household_notes="his sister travels with him",
        narrative=["They came at night.", "They took my phone."],
        answers=[Answer("has_passport", ["yes"])],
    )
    with using_keyring(keyring_of(org.coordinator)):
        case = actions.open_case(opening, by=org.coordinator)
    case.team = org.team
    case.stage = "accepted"
    case.accepted_on = timezone.localdate()
    case.save(update_fields=["team", "stage", "accepted_on"])
    if members:
        case.people.filter(position=1).update(minor=True)
    return case


def add_partner(
    org: Organisation, name: str = "Refuge Nord", *, checked: bool = True
) -> tuple[PartnerOrganisation, ExchangeSecret]:
    """A partner organisation and its partner key's secret (as they would hold it)."""
    secret = ExchangeSecret.generate()
    partner = partners.add_partner(
        name=name,
        contact="office@refuge.example",
        key_text=partner_key_text(secret.public),
        by=org.admin,
    )
    if checked:
        partners.verify_partner(partner, version=partner.version, by=org.admin)
    partner.refresh_from_db()
    return partner, secret


def our_key() -> None:
    """This organisation's partner key, as the key ceremony makes it."""
    exchange.make_key(by="cli")


def consent(
    user: User,
    case: Case,
    partner: PartnerOrganisation | None,
    *,
    scope: Iterable[str] = BOTH,
    people: Iterable[int] | None = None,
    kind: str = ConsentKind.PARTNER,
    given_on: datetime.date | None = None,
) -> list[Consent]:
    """Everyone of ``case`` (or those at these places) agrees to share with ``partner``."""
    made = []
    with using_keyring(keyring_of(user)):
        for person in case.people.order_by("position"):
            if people is not None and person.position not in people:
                continue
            made.append(
                record_consent(
                    person,
                    kind=kind,
                    partner=partner,
                    scope=list(scope),
                    given_on=given_on or timezone.localdate(),
                    method="in_person",
                    explanation="Who would receive what, and that they can say no.",
                    by=user,
                )
            )
    return made
