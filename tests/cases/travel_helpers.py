"""A household's case, hosts with a pathway, and travel records, for the
tests of travel."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases import travel_actions
from safepassage.cases.models import Case, Host, Pathway, Person
from safepassage.cases.models.travel import ArrivalDetails, DocumentDetails, LegDetails
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, keyring_of
from tests.cases.helpers import open_household, person


def household_case(org: Organisation) -> Case:
    """A principal and a member, the case accepted and given to the team
    (travel is work on accepted cases, whose identity the team reads)."""
    case = open_household(org.coordinator, person("Zelim Principal"), person("Kheda Member"))
    Case.objects.filter(pk=case.pk).update(
        team=org.team, stage="documents", accepted_on=timezone.localdate()
    )
    case.refresh_from_db()
    return case


def pathway(country: str = "DE", name: str = "Humanitarian visa") -> Pathway:
    host = Host.objects.filter(kind="country", country=country).first() or Host.objects.create(
        kind="country",
        country=country,
        name_en=f"Host {country}",
        name_ru=f"Страна {country}",
        name_fr=f"Pays {country}",
    )
    return Pathway.objects.create(
        host=host,
        kind="humanitarian_visa",
        name_en=name,
        name_ru="Гуманитарная виза",
        name_fr="Visa humanitaire",
        rules="Section 22",
    )


def people(case: Case) -> list[Person]:
    return list(case.people.order_by("position"))


def as_user(user: User) -> Any:
    return using_keyring(keyring_of(user))


def document(user: User, who: Person, **values: Any) -> Any:
    with as_user(user):
        return travel_actions.add_travel_document(
            who,
            by=user,
            kind=values.pop("kind", "foreign_passport"),
            status=values.pop("status", "issued"),
            details=values.pop("details", DocumentDetails(number="75 1234567")),
            **values,
        )


def application(user: User, case: Case, **values: Any) -> Any:
    with as_user(user):
        return travel_actions.add_application(
            case,
            values.pop("pathway", None) or pathway(),
            people=people(case),
            by=user,
            **values,
        )


def approved(user: User, case: Case) -> Any:
    return application(
        user,
        case,
        submitted_on=date(2017, 5, 2),
        decision="approved",
        decided_on=date(2017, 5, 20),
    )


def journey(user: User, case: Case, **values: Any) -> Any:
    with as_user(user):
        return travel_actions.add_journey(case, by=user, **values)


def leg(user: User, trip: Any, **values: Any) -> Any:
    with as_user(user):
        return travel_actions.add_leg(
            trip,
            by=user,
            departs_on=values.pop("departs_on", date(2017, 6, 1)),
            arrives_on=values.pop("arrives_on", date(2017, 6, 2)),
            details=values.pop("details", LegDetails(origin="Grozny", destination="Moscow")),
            **values,
        )


def arrive(user: User, trip: Any, on: date = date(2017, 6, 3)) -> Any:
    trip.refresh_from_db()
    host = Host.objects.get(country="DE")
    with as_user(user):
        return travel_actions.record_arrival(
            trip,
            version=trip.version,
            by=user,
            arrived_on=on,
            arrived_in=host,
            arrival=ArrivalDetails(place="Berlin", met_by="Quarteera"),
        )


def claim(user: User, case: Case, **values: Any) -> Any:
    host = Host.objects.get(country="DE")
    with as_user(user):
        return travel_actions.add_asylum_claim(
            case, people=people(case), by=user, host=host, authority="BAMF", **values
        )
