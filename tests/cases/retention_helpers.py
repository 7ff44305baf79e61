"""Cases for the tests of retention: a household that stayed in a safe
house, travelled and arrived some days ago; one declined some days ago,
with its verification, consent and history written."""

from __future__ import annotations

from typing import Any

from safepassage.cases import stays
from safepassage.cases.consent import record_consent
from safepassage.cases.models import Case, Check, StageChange, Verification
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, keyring_of
from tests.cases.safehouse_helpers import arrive as arrive_in_house
from tests.cases.safehouse_helpers import days, make_house, place
from tests.cases.sharing import household
from tests.cases.travel_helpers import approved, journey, leg
from tests.cases.travel_helpers import arrive as arrive_abroad

# What these cases' pages and reports must never show once forgotten.
SECRETS = ("Zelim", "Kheda", "Argun", "+7 928", "They came at night", "Grozny", "Berlin")


def _history(case: Case, by: Any, *moves: tuple[str, str, int]) -> None:
    """History lines as stage moves write them, each with a sealed reason."""
    with using_keyring(keyring_of(by)):
        since = case.opened_on
        for number, (source, target, ago) in enumerate(moves, start=1):
            change = StageChange(
                case=case,
                number=number,
                on=days(-ago),
                since=since,
                by=by,
                from_stage=source,
                to_stage=target,
            )
            since = change.on
            change.reason = f"Zelim said so on day {ago}"
            change.save(force_insert=True)


def arrived_case(org: Organisation, arrived_ago: int) -> Case:
    """A household that stayed in a safe house, travelled to Germany and
    arrived ``arrived_ago`` days ago."""
    case = household(org)
    house = make_house(org, f"House {arrived_ago}", capacity=3)
    start = arrived_ago + 60
    stay = arrive_in_house(org, place(org, case, house, start=days(-start), notes="Zelim snores"))
    with using_keyring(keyring_of(org.coordinator)):
        stays.record_departure(
            stay, days(-arrived_ago - 2), version=stay.version, by=org.coordinator
        )
    approved(org.coordinator, case)
    trip = journey(org.coordinator, case)
    leg(org.coordinator, trip, departs_on=days(-arrived_ago - 2), arrives_on=days(-arrived_ago))
    arrive_abroad(org.coordinator, trip, on=days(-arrived_ago))
    Case.objects.filter(pk=case.pk).update(stage="arrived", stage_since=days(-arrived_ago))
    _history(
        case,
        org.coordinator,
        ("accepted", "in_safe_house", start),
        ("travelling", "arrived", arrived_ago),
    )
    case.refresh_from_db()
    return case


def declined_case(org: Organisation, declined_ago: int, stage: str = "declined") -> Case:
    """Zelim's household, screened, its consent recorded, then declined
    ``declined_ago`` days ago."""
    case = household(org)
    with using_keyring(keyring_of(org.coordinator)):
        round_ = Verification(case=case, number=1, outcome="not_verified", finished_on=days(-40))
        round_.reasons = "Zelim's story did not hold"
        round_.save(force_insert=True)
        check = Check(verification=round_, kind="interview", finding="doubts", number=1)
        check.note = "Kheda contradicted Zelim about Argun"
        check.save(force_insert=True)
        record_consent(
            case.people.get(position=0),
            kind="statistics",
            given_on=days(-50),
            method="in_person",
            explanation="We told Zelim what statistics are",
            by=org.coordinator,
        )
    Case.objects.filter(pk=case.pk).update(stage=stage, stage_since=days(-declined_ago))
    _history(case, org.coordinator, ("screening", stage, declined_ago))
    case.refresh_from_db()
    return case
