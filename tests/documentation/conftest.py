"""Documenters with the documentation compartment's keys, and records
made through the named actions as a documenter would make them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.documentation import recording
from safepassage.documentation.models import Term
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, make_user


@dataclass
class Desk:
    """Documenters of the documentation team, one without a team, and one
    without the compartment's keys; all hold the documenter's role."""

    org: Organisation
    vault: Vault
    documenter: User
    colleague: User
    stranger: User
    keyless: User


@pytest.fixture
def desk(org: Organisation, vault: Vault) -> Desk:
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.other_team,))
    colleague = make_user("doc-two", Role.DOCUMENTER, teams=(org.other_team,))
    stranger = make_user("doc-three", Role.DOCUMENTER)
    keyless = make_user("doc-four", Role.DOCUMENTER, teams=(org.other_team,))
    for user in (documenter, colleague, stranger):
        vault_keys.grant(vault.keyring, "documentation", user.pk, by="cli")
    return Desk(org, vault, documenter, colleague, stranger, keyless)


@pytest.fixture
def keys(vault: Vault) -> Iterator[None]:
    """The keys of every compartment, for tests that call actions directly."""
    with using_keyring(vault.keyring):
        yield


def term(key: str, code: str) -> Term:
    return Term.objects.select_related("vocabulary").get(vocabulary__key=key, code=code)


def record_detention(
    by: User,
    *,
    title: str = "Detentions at the Argun checkpoint",
    victim: str = "Умаров Магомед",
    start: FuzzyDate | None = None,
    place: Place | None = None,
    act_type: str = "L-ARBITRARY-DETENTION",
    perpetrator_type: str = "010104000000",
    verification: str = "reported",
    confidentiality: str = "compartment",
    teams: list | None = None,
    users: list | None = None,
    unit: str = "Unit 4",
    perpetrator: str = "",
    source: str = "Witness W-3",
    connection: str = "010200000000",
    reliability: str = "020000000000",
) -> recording.Recorded:
    """An event with one act, its victim, a police perpetrator and a witness."""
    return recording.record_event_with_act(
        by,
        event=recording.EventPart(
            title=title,
            start=start or FuzzyDate.parse("2017-03-26"),
            end=FuzzyDate.unknown(),
            place=place or Place.of("district", term("place", "L-RU-CE-ARGUN")),
            description="Stopped at night and taken away in a white car.",
            confidentiality=confidentiality,
            teams=teams or [],
            users=users or [],
        ),
        act=recording.ActPart(
            act_type=term("act_type", act_type),
            method="Held in a basement for nine days.",
            verification=verification,
        ),
        victim=recording.PersonPart(name=victim),
        perpetrator=recording.PerpetratorPart(
            perpetrator_type=term("perpetrator_type", perpetrator_type),
            degree=term("involvement_degree", "010100000000"),
            person=recording.PersonPart(name=perpetrator) if perpetrator else None,
            unit=unit,
        ),
        source=recording.SourcePart(
            connection=term("source_connection", connection),
            reliability=term("reliability", reliability),
            person=recording.PersonPart(name=source),
            account="Saw the car and knew the driver.",
        ),
    )


def allow_originals(by: User, person: object) -> None:
    """The person agreed: their testimony is used and the originals of
    the evidence about them may go in a dossier (documentation.consent)."""
    from django.utils import timezone

    from safepassage.documentation import consent

    consent.record_consent(
        person,  # type: ignore[arg-type]
        by=by,
        testimony=True,
        originals=True,
        given_on=timezone.localdate(),
        note="Agreed in person; told the dossier goes to the OSCE rapporteur.",
    )
