"""Stays: placing a case in a safe house (within its beds, or beyond them
with a coordinator's reason, audited), recording arrival, departure and
moves, correcting dates, two people at once, the stage precondition, the
case page's section, and forgetting where a case stayed."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import formats

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import stays
from safepassage.cases.models import Stay
from safepassage.cases.occupancy import occupancy
from safepassage.cases.safehouses import Conflict, Refused
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases.safehouse_helpers import (
    arrive,
    client_of,
    days,
    make_house,
    people,
    place,
    staff,
    team_case,
    today,
)

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _place_data(where: Any, case: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "house": str(where.pk),
        "people": [str(p.pk) for p in people(case)],
        "planned_arrival": today().isoformat(),
        "planned_departure": days(7).isoformat(),
        "notes": "Needs a quiet room",
        **overrides,
    }


def test_it_places_a_case_from_its_stays_page(org: Organisation, vault: Vault) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    client = client_of(org.caseworker)
    response = client.post(f"/cases/{case.code}/stays/", _place_data(house, case))
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert stay.house == house
    assert stay.beds == 2
    assert set(stay.people.all()) == set(people(case))
    assert stay.planned_departure == days(7)
    assert stay.placed_by == org.caseworker
    with using_keyring(keyring_of(org.caseworker)):
        assert stay.notes == "Needs a quiet room"
    entry = AuditEntry.objects.get(action="case.stay_placed")
    assert entry.target == f"case:{case.pk}"
    assert entry.details == {
        "stay": f"stay:{stay.pk}",
        "house": f"safehouse:{house.pk}",
        "beds": 2,
        "over_capacity": False,
    }
    page = _text(client.get(f"/cases/{case.code}/stays/"))
    assert "The case was placed in House 7." in page
    assert "placed, not yet arrived" in page


def test_it_refuses_a_placement_beyond_the_beds(org: Organisation, vault: Vault) -> None:
    house = make_house(org, capacity=2)
    arrive(org, place(org, team_case(org, "Adam"), house, start=days(-1), until=days(3), count=1))
    case = team_case(org)
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/stays/",
        _place_data(house, case, override_reason="Nowhere else"),
    )
    assert response.status_code == 400
    first = formats.date_format(today(), "DATE_FORMAT")
    assert (
        f"House 7 has 2 beds. With them, 3 people would stay there on 3 days, from {first}."
        in _text(response)
    )
    # A caseworker is offered no override, and one sent anyway counts for nothing.
    assert 'name="override_reason"' not in response.content.decode()
    assert Stay.objects.count() == 1
    assert not AuditEntry.objects.filter(action="case.stay_placed", target=f"case:{case.pk}")


def test_a_coordinator_places_beyond_the_beds_with_a_reason_and_it_is_audited(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=2)
    arrive(org, place(org, team_case(org, "Adam"), house, start=days(-1), count=1))
    case = team_case(org)
    client = client_of(org.coordinator)
    refused = client.post(f"/cases/{case.code}/stays/", _place_data(house, case))
    assert refused.status_code == 400
    assert 'name="override_reason"' in refused.content.decode()
    response = client.post(
        f"/cases/{case.code}/stays/",
        _place_data(house, case, override_reason="Raid on their flat tonight"),
    )
    assert response.status_code == 302
    stay = Stay.objects.get(case=case)
    assert stay.over_capacity
    with using_keyring(keyring_of(org.coordinator)):
        assert stay.override_reason == "Raid on their flat tonight"
    override = AuditEntry.objects.get(action="safehouse.capacity_overridden")
    assert override.actor == f"user:{org.coordinator.pk}"
    assert override.target == f"safehouse:{house.pk}"
    assert override.details == {
        "case": case.code,
        "stay": f"stay:{stay.pk}",
        "capacity": 2,
        "peak": 3,
        "days": 7,
    }
    assert AuditEntry.objects.get(action="case.stay_placed", target=f"case:{case.pk}").details[
        "over_capacity"
    ]
    listing = _text(client.get("/cases/safe-houses/"))
    assert "More people than beds ahead" in listing


def test_the_action_refuses_an_override_from_someone_not_allowed(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=1)
    case = team_case(org)
    with pytest.raises(stays.OverCapacity):
        place(org, case, house, by=org.caseworker, reason="I say so")
    assert Stay.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"planned_departure": days(-1).isoformat()},
            "planned_departure",
            "The planned departure is before the planned arrival.",
        ),
        ({"people": []}, "people", "This field is required."),
        ({"planned_arrival": "31/31/2026"}, "planned_arrival", "Enter a valid date."),
        ({"house": ""}, "house", "This field is required."),
    ],
)
def test_it_refuses_a_bad_placement_and_saves_nothing(
    org: Organisation, vault: Vault, overrides: dict[str, Any], field: str, message: str
) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/stays/", _place_data(house, case, **overrides)
    )
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Needs a quiet room" in page  # what was typed comes back
    assert Stay.objects.count() == 0


def test_it_refuses_someone_in_two_houses_at_once(org: Organisation, vault: Vault) -> None:
    first, second = make_house(org, capacity=3), make_house(org, "House 8", capacity=3)
    case = team_case(org)
    place(org, case, first, start=days(0), until=days(5), count=1)
    with pytest.raises(Refused, match="already has a stay"):
        place(org, case, second, start=days(4), until=days(8))
    place(org, case, second, start=days(5), until=days(8), count=1)
    assert Stay.objects.count() == 2


def test_it_records_the_arrival_and_the_departure(org: Organisation, vault: Vault) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    stay = place(org, case, house, start=days(-2), until=days(5))
    assert stays.REQUIREMENTS["in_safe_house"](case) == (
        "The case is in no safe house: place it in one and record the arrival."
    )
    client = client_of(org.caseworker)
    prefix = f"arrival-{stay.pk}"
    response = client.post(
        f"/cases/{case.code}/stays/{stay.pk}/arrival/",
        {f"{prefix}-arrived_on": days(-1).isoformat(), f"{prefix}-version": "1"},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.arrived_on == days(-1)
    assert stay.version == 2
    assert stays.REQUIREMENTS["in_safe_house"](case) is None
    assert stays.current_stay(case) == stay
    prefix = f"departure-{stay.pk}"
    response = client.post(
        f"/cases/{case.code}/stays/{stay.pk}/departure/",
        {f"{prefix}-left_on": today().isoformat(), f"{prefix}-version": "2"},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.left_on == today()
    assert stays.REQUIREMENTS["in_safe_house"](case) is not None
    actions = list(
        AuditEntry.objects.filter(target=f"case:{case.pk}", action__startswith="case.stay_")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["case.stay_placed", "case.stay_arrived", "case.stay_left"]


def test_it_refuses_a_departure_before_the_arrival_and_saves_nothing(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    stay = arrive(org, place(org, case, house, start=days(-2)))
    client = client_of(org.caseworker)
    prefix = f"departure-{stay.pk}"
    response = client.post(
        f"/cases/{case.code}/stays/{stay.pk}/departure/",
        {f"{prefix}-left_on": days(-3).isoformat(), f"{prefix}-version": "2"},
    )
    assert response.status_code == 400
    assert "The departure is before the arrival." in _text(response)
    # The same on the form that corrects every date.
    response = client.post(
        f"/cases/{case.code}/stays/{stay.pk}/edit/",
        {
            "planned_arrival": days(-2).isoformat(),
            "arrived_on": days(-2).isoformat(),
            "left_on": days(-4).isoformat(),
            "notes": "kept",
            "version": "2",
        },
    )
    assert response.status_code == 400
    assert "The departure is before the arrival." in _text(response)
    assert "kept" in _text(response)
    stay.refresh_from_db()
    assert stay.left_on is None
    assert stay.version == 2
    assert not AuditEntry.objects.filter(action__in=["case.stay_left", "case.stay_changed"])


def test_it_refuses_an_arrival_in_the_future(org: Organisation, vault: Vault) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    stay = place(org, case, house, start=days(2))
    prefix = f"arrival-{stay.pk}"
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/stays/{stay.pk}/arrival/",
        {f"{prefix}-arrived_on": days(1).isoformat(), f"{prefix}-version": "1"},
    )
    assert response.status_code == 400
    assert "this date is in the future" in _text(response)
    stay.refresh_from_db()
    assert stay.arrived_on is None


def test_two_people_recording_at_once_do_not_overwrite_each_other(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    stay = place(org, case, house, start=days(-2))
    prefix = f"arrival-{stay.pk}"
    first, second = client_of(org.caseworker), client_of(org.coordinator)
    shown = {f"{prefix}-version": "1"}
    assert (
        first.post(
            f"/cases/{case.code}/stays/{stay.pk}/arrival/",
            {**shown, f"{prefix}-arrived_on": days(-2).isoformat()},
        ).status_code
        == 302
    )
    response = second.post(
        f"/cases/{case.code}/stays/{stay.pk}/arrival/",
        {**shown, f"{prefix}-arrived_on": days(-1).isoformat()},
    )
    assert response.status_code == 409
    assert "Someone else changed this while you were editing it" in _text(response)
    stay.refresh_from_db()
    assert stay.arrived_on == days(-2)
    # Correcting the dates from a form shown before that: refused too.
    response = second.post(
        f"/cases/{case.code}/stays/{stay.pk}/edit/",
        {"planned_arrival": days(-2).isoformat(), "version": "1"},
    )
    assert response.status_code == 409
    stay.refresh_from_db()
    assert stay.arrived_on == days(-2)
    assert AuditEntry.objects.filter(action="case.stay_arrived").count() == 1
    assert not AuditEntry.objects.filter(action="case.stay_changed")


def test_it_moves_a_household_to_another_house(org: Organisation, vault: Vault) -> None:
    first, second = make_house(org, capacity=3), make_house(org, "House 8", capacity=2)
    case = team_case(org)
    stay = arrive(org, place(org, case, first, start=days(-5), until=days(10)))
    client = client_of(org.caseworker)
    page = _text(client.get(f"/cases/{case.code}/stays/{stay.pk}/move/"))
    assert "House 8: 0 of 2 beds taken today" in page
    assert "House 7:" not in page
    response = client.post(
        f"/cases/{case.code}/stays/{stay.pk}/move/",
        {"house": str(second.pk), "on": today().isoformat(), "version": "2"},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    moved = Stay.objects.get(moved_from=stay)
    assert stay.left_on == today()
    assert moved.house == second
    assert moved.arrived_on == today()
    assert moved.planned_departure == days(10)
    assert set(moved.people.all()) == set(people(case))
    assert stays.current_stay(case) == moved
    assert AuditEntry.objects.get(action="case.stay_moved").details["moved_from"] == (
        f"stay:{stay.pk}"
    )
    counted = occupancy(today(), today())
    assert counted[first.pk].on(today()) == 0
    assert counted[second.pk].on(today()) == 2


def test_a_move_is_checked_against_the_other_house_s_beds(org: Organisation, vault: Vault) -> None:
    first, full = make_house(org, capacity=3), make_house(org, "House 8", capacity=1)
    case = team_case(org)
    stay = arrive(org, place(org, case, first, start=days(-5)))
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/stays/{stay.pk}/move/",
        {"house": str(full.pk), "on": today().isoformat(), "version": "2"},
    )
    assert response.status_code == 400
    assert "House 8 has 1 bed." in _text(response)
    stay.refresh_from_db()
    assert stay.left_on is None
    assert Stay.objects.count() == 1


def test_it_cancels_a_placement_that_did_not_happen(org: Organisation, vault: Vault) -> None:
    house = make_house(org, capacity=2)
    case = team_case(org)
    stay = place(org, case, house, start=days(1))
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/stays/{stay.pk}/cancel/", {"version": "1"}
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.cancelled
    assert occupancy(days(1), days(1))[house.pk].beds == [0]
    assert AuditEntry.objects.filter(action="case.stay_cancelled").count() == 1
    with pytest.raises(Refused), using_keyring(keyring_of(org.coordinator)):
        stays.record_arrival(stay, today(), version=stay.version, by=org.coordinator)


def test_days_a_correction_adds_are_checked_against_the_beds(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=2)
    place(org, team_case(org, "Adam", "Eva"), house, start=days(5), until=days(9))
    case = team_case(org)
    stay = place(org, case, house, start=days(0), until=days(5))
    with using_keyring(keyring_of(org.caseworker)):
        with pytest.raises(stays.OverCapacity):
            stays.change_stay(
                stay,
                stays.StayDates(planned_arrival=days(0), planned_departure=days(6)),
                version=1,
                by=org.caseworker,
            )
        stays.change_stay(
            stay,
            stays.StayDates(planned_arrival=days(-1), planned_departure=days(5)),
            version=1,
            by=org.caseworker,
        )
    stay.refresh_from_db()
    assert stay.planned_arrival == days(-1)
    assert not stay.over_capacity


def test_it_lets_a_caseworker_place_only_the_cases_of_their_team(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org)
    verifier = staff(org, vault, "verifier", Role.VERIFIER, "identity")
    with pytest.raises(Http404):
        place(org, case, house, by=verifier)
    response = client_of(verifier).post(f"/cases/{case.code}/stays/", _place_data(house, case))
    assert response.status_code == 404
    # A caseworker of another team neither; one of the team does.
    with pytest.raises(Http404):
        place(org, case, house, by=org.outsider)
    assert Stay.objects.count() == 0
    place(org, case, house, by=org.caseworker)
    assert Stay.objects.get().placed_by == org.caseworker


def test_the_section_names_people_only_for_those_who_may_read_identity(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=3)
    case = team_case(org, "Zelim", "Kheda")
    place(org, case, house)
    without_identity = staff(org, vault, "case2", Role.CASEWORKER, "casework")

    def section(user: Any) -> str:
        from django.template.loader import render_to_string

        request = RequestFactory().get("/")
        request.user = user
        with using_keyring(keyring_of(user)):
            context = stays.section(request, case)
            assert context is not None
            return html.unescape(render_to_string("cases/sections/stays.html", context, request))

    named = section(org.caseworker)
    assert "Zelim" in named
    assert "Kheda" in named
    assert "Place in a safe house" in named
    anonymous = section(without_identity)
    assert "Zelim" not in anonymous
    assert "Kheda" not in anonymous
    assert "Principal" in anonymous
    assert "Household member 1" in anonymous
    request = RequestFactory().get("/")
    request.user = org.auditor  # type: ignore[assignment]
    assert stays.section(request, case) is None


def test_purge_forgets_where_a_case_stayed_and_keeps_the_dates(
    org: Organisation, vault: Vault
) -> None:
    first, second = make_house(org, capacity=3), make_house(org, "House 8", capacity=3)
    case = team_case(org)
    old = arrive(
        org,
        place(org, case, first, start=days(-9), until=days(-5), notes="Met at the station"),
    )
    with using_keyring(keyring_of(org.coordinator)):
        old = stays.record_departure(old, days(-5), version=old.version, by=org.coordinator)
    now = arrive(org, place(org, case, second, start=days(-2), count=1))
    result = stays.purge_stays(case, by="system")
    assert result == stays.Purged(stays=1, skipped=1)
    old.refresh_from_db()
    assert old.house is None
    assert list(old.people.all()) == []
    assert old.notes_sealed is None  # type: ignore[attr-defined]
    assert old.override_reason_sealed is None  # type: ignore[attr-defined]
    assert old.purged_on == today()
    assert (old.planned_arrival, old.arrived_on, old.left_on, old.beds) == (
        days(-9),
        days(-9),
        days(-5),
        2,
    )
    now.refresh_from_db()
    assert now.house == second
    assert occupancy(days(-9), days(-9))[first.pk].beds == [0]
    entry = AuditEntry.objects.get(action="case.stays_purged")
    assert entry.details == {"stays": 1, "kept": 1}
    page = _text(client_of(org.caseworker).get(f"/cases/{case.code}/stays/"))
    assert "where they stayed is no longer kept" in page
    with pytest.raises(Refused), using_keyring(keyring_of(org.coordinator)):
        stays.change_stay(
            old,
            stays.StayDates(planned_arrival=days(-9)),
            version=old.version,
            by=org.coordinator,
        )


def test_a_conflict_is_a_refusal_with_the_translated_message() -> None:
    from django.utils import translation

    from safepassage.cases.safehouses import conflict

    with translation.override("ru"):
        assert isinstance(conflict(), Conflict)
        assert "Someone else" not in conflict().message
