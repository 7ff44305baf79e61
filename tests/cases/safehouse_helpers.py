"""Safe houses, cases and stays for the tests of safe houses."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases import safehouses, stays
from safepassage.cases.models import Case, Person, SafeHouse, Stay
from safepassage.cases.safehouses import HouseDetails, Location
from safepassage.vault import keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, make_user, sign_in
from tests.cases.helpers import at_stage, open_household, person

ADDRESS = "Садовая улица 14, квартира 3"
DIRECTIONS = "Blue gate behind the pharmacy"
HOST = "Aslan, Signal +7 900 555 01 02"
REGION = "Nalchik"
NOTES = "Quiet neighbours; no visitors after nine"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def make_house(
    org: Organisation,
    label: str = "House 7",
    capacity: int = 2,
    *,
    by: User | None = None,
    region_shown: bool = False,
) -> SafeHouse:
    by = by or org.coordinator
    with using_keyring(keyring_of(by)):
        return safehouses.create_house(
            HouseDetails(
                label=label,
                capacity=capacity,
                notes=NOTES,
                location=Location(REGION, region_shown, ADDRESS, DIRECTIONS, HOST),
            ),
            by=by,
        )


def team_case(org: Organisation, *names: str) -> Case:
    """A case of the team, accepted (people are placed in houses once their
    case is accepted), its principal and members named."""
    names = names or ("Zelim", "Kheda")
    case = open_household(org.coordinator, person(names[0]), *(person(n) for n in names[1:]))
    Case.objects.filter(pk=case.pk).update(team=org.team)
    return at_stage(case, "accepted")


def people(case: Case, count: int | None = None) -> list[Person]:
    found = list(case.people.order_by("position"))
    return found if count is None else found[:count]


def place(
    org: Organisation,
    case: Case,
    house: SafeHouse,
    *,
    start: dt.date | None = None,
    until: dt.date | None = None,
    count: int | None = None,
    by: User | None = None,
    reason: str = "",
    notes: str | None = None,
) -> Stay:
    by = by or org.coordinator
    with using_keyring(keyring_of(by)):
        return stays.place_case(
            case,
            stays.Placement(
                house=house,
                people=people(case, count),
                planned_arrival=start or today(),
                planned_departure=until,
                notes=notes,
                override_reason=reason,
            ),
            by=by,
        )


def arrive(org: Organisation, stay: Stay, on: dt.date | None = None) -> Stay:
    with using_keyring(keyring_of(org.coordinator)):
        return stays.record_arrival(
            stay, on or stay.planned_arrival, version=stay.version, by=org.coordinator
        )


def staff(
    org: Organisation, vault: Vault, name: str, role: Role, *compartments: str, team: bool = True
) -> User:
    user = make_user(name, role, teams=(org.team,) if team else ())
    for compartment in compartments:
        keys.grant(vault.keyring, compartment, user.pk, by="cli")
    return user


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client
