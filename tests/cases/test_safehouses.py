"""Safe houses: a label for everyone who works with them, where each one
is only for the staff cleared for it who hold identity's keys; occupancy
against capacity over time, in one query."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from safepassage.accounts.roles import Perm, Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import stays
from safepassage.cases.models import SafeHouse, Stay
from safepassage.cases.occupancy import occupancy
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases.safehouse_helpers import (
    ADDRESS,
    DIRECTIONS,
    HOST,
    NOTES,
    REGION,
    arrive,
    client_of,
    days,
    make_house,
    place,
    staff,
    team_case,
    today,
)

pytestmark = pytest.mark.django_db

SECRETS = (ADDRESS, DIRECTIONS, HOST, REGION)


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _section_html(user: object, case: object) -> str:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    context = stays.section(request, case)  # type: ignore[arg-type]
    assert context is not None
    return html.unescape(render_to_string("cases/sections/stays.html", context, request))


def _pages(house: SafeHouse, stay: Stay) -> list[str]:
    code = stay.case.code
    return [
        "/cases/safe-houses/",
        f"/cases/safe-houses/{house.pk}/",
        f"/cases/{code}/stays/",
        f"/cases/{code}/stays/{stay.pk}/move/",
        f"/cases/{code}/stays/{stay.pk}/edit/",
    ]


def test_it_adds_a_house_from_its_page_and_clears_whoever_added_it(
    org: Organisation, vault: Vault
) -> None:
    client = client_of(org.coordinator)
    response = client.post(
        "/cases/safe-houses/new/",
        {
            "label": "House 7",
            "capacity": "4",
            "region": REGION,
            "address": ADDRESS,
            "directions": DIRECTIONS,
            "host_contact": HOST,
            "notes": NOTES,
        },
    )
    house = SafeHouse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/safe-houses/{house.pk}/"
    assert list(house.cleared_staff.all()) == [org.coordinator]
    assert house.region_shown == ""
    entry = AuditEntry.objects.get(action="safehouse.created")
    assert entry.target == f"safehouse:{house.pk}"
    assert entry.details == {"capacity": 4, "location": True, "region_shown": False}
    page = _text(client.get(f"/cases/safe-houses/{house.pk}/"))
    for secret in (*SECRETS, NOTES):
        assert secret in page
    assert AuditEntry.objects.get(action="safehouse.viewed").details == {
        "location": True,
        "names": 0,
    }


def test_it_keeps_where_a_house_is_and_its_notes_sealed_at_rest(
    org: Organisation, vault: Vault
) -> None:
    make_house(org)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address, directions, host_contact, region, notes FROM cases_safehouse"
        )
        stored = b"".join(bytes(value) for value in cursor.fetchone())
    for secret in (*SECRETS, NOTES):
        assert secret.encode() not in stored


def test_it_never_puts_an_address_in_the_html_of_someone_not_cleared(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org)
    case = team_case(org)
    stay = arrive(org, place(org, case, house, until=days(5)))
    make_house(org, "House 8", 3)  # a house to move to
    other_coordinator = staff(org, vault, "coord2", Role.COORDINATOR, "identity", "casework")
    cleared_without_identity = staff(org, vault, "case2", Role.CASEWORKER, "casework")
    house.cleared_staff.add(cleared_without_identity)
    not_cleared = {
        "a caseworker of identity": org.caseworker,
        "a coordinator of identity": other_coordinator,
        "cleared without identity's keys": cleared_without_identity,
    }
    for who, user in not_cleared.items():
        client = client_of(user)
        pages = [*_pages(house, stay), f"/cases/safe-houses/{house.pk}/edit/"]
        for path in pages:
            response = client.get(path)
            managing = path.startswith("/cases/safe-houses/") and path.endswith("/edit/")
            if managing and not user.can(Perm.MANAGE_SAFE_HOUSES):
                assert response.status_code == 404
                continue
            assert response.status_code == 200, (who, path)
            page = _text(response)
            assert "House 7" in page
            for secret in SECRETS:
                assert secret not in page, (who, path, secret)
        section = _section_html(user, case)
        assert "House 7" in section
        for secret in SECRETS:
            assert secret not in section, (who, secret)
    # The one cleared, with identity's keys, sees it.
    page = _text(client_of(org.coordinator).get(f"/cases/safe-houses/{house.pk}/"))
    for secret in SECRETS:
        assert secret in page


def test_it_shows_where_a_house_is_to_the_members_of_a_cleared_team(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org)
    client = client_of(org.caseworker)
    page = _text(client.get(f"/cases/safe-houses/{house.pk}/"))
    assert ADDRESS not in page
    assert "Only the staff cleared for this house" in page
    house.cleared_teams.add(org.team)
    page = _text(client.get(f"/cases/safe-houses/{house.pk}/"))
    assert ADDRESS in page
    assert REGION in _text(client.get("/cases/safe-houses/"))
    # The sealed region read on the list is audited.
    assert AuditEntry.objects.filter(action="safehouse.list_viewed").last().details == {
        "regions": 1
    }


def test_it_shows_the_region_to_everyone_only_if_the_organisation_chose_to(
    org: Organisation, vault: Vault
) -> None:
    sealed = make_house(org)
    shown = make_house(org, "House 9", region_shown=True)
    assert sealed.region_shown == ""
    assert shown.region_shown == REGION
    assert shown.region_sealed is None  # type: ignore[attr-defined]
    listing = _text(client_of(org.caseworker).get("/cases/safe-houses/"))
    assert listing.count(REGION) == 1
    assert ADDRESS not in listing


def test_it_leaves_where_a_house_is_to_those_who_may_know_it(
    org: Organisation, vault: Vault
) -> None:
    """A coordinator not cleared changes the beds; the address stays as it was."""
    house = make_house(org)
    other = staff(org, vault, "coord2", Role.COORDINATOR, "identity", "casework")
    client = client_of(other)
    form = _text(client.get(f"/cases/safe-houses/{house.pk}/edit/"))
    assert 'name="address"' not in form
    assert ADDRESS not in form
    response = client.post(
        f"/cases/safe-houses/{house.pk}/edit/",
        {"label": "House 7", "capacity": "5", "active": "on", "notes": NOTES, "version": "1"},
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert house.capacity == 5
    assert house.version == 2
    with using_keyring(keyring_of(org.coordinator)):
        assert house.address == ADDRESS
    entry = AuditEntry.objects.get(action="safehouse.changed")
    assert entry.details["location"] is False
    assert entry.details["capacity"] == 5


def test_it_refuses_a_change_made_on_an_old_version(org: Organisation, vault: Vault) -> None:
    house = make_house(org)
    first = client_of(org.coordinator)
    second = client_of(staff(org, vault, "coord2", Role.COORDINATOR, "casework"))
    data = {"label": "House 7", "capacity": "3", "active": "on", "notes": NOTES, "version": "1"}
    assert first.post(f"/cases/safe-houses/{house.pk}/edit/", data).status_code == 302
    response = second.post(f"/cases/safe-houses/{house.pk}/edit/", {**data, "capacity": "9"})
    assert response.status_code == 409
    assert "Someone else changed this while you were editing it" in _text(response)
    assert 'name="version" value="2"' in response.content.decode()
    house.refresh_from_db()
    assert house.capacity == 3
    assert AuditEntry.objects.filter(action="safehouse.changed").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "", "capacity": "3"}, "This field is required."),
        ({"label": "House 7", "capacity": "0"}, "greater than or equal to 1"),
        ({"label": "house 7", "capacity": "3"}, "Another house already has this label"),
    ],
)
def test_it_refuses_bad_house_input_and_saves_nothing(
    org: Organisation, vault: Vault, data: dict[str, str], message: str
) -> None:
    make_house(org)
    response = client_of(org.coordinator).post(
        "/cases/safe-houses/new/", {**data, "address": "Typed and kept"}
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert "Typed and kept" in _text(response)
    assert SafeHouse.objects.count() == 1


def test_it_changes_who_may_know_where_a_house_is(org: Organisation, vault: Vault) -> None:
    house = make_house(org)
    client = client_of(org.coordinator)
    response = client.post(
        f"/cases/safe-houses/{house.pk}/clearance/",
        {"staff": [org.caseworker.pk], "teams": [org.other_team.pk], "version": "1"},
    )
    assert response.status_code == 302
    assert list(house.cleared_staff.all()) == [org.caseworker]
    assert list(house.cleared_teams.all()) == [org.other_team]
    entry = AuditEntry.objects.get(action="safehouse.clearance_changed")
    assert entry.details == {
        "added": sorted([f"user:{org.caseworker.pk}", f"team:{org.other_team.pk}"]),
        "removed": [f"user:{org.coordinator.pk}"],
        "staff": 1,
        "teams": 1,
    }
    # Staff who do not work with safe houses are not offered.
    form = client.get(f"/cases/safe-houses/{house.pk}/clearance/").content.decode()
    assert f'value="{org.auditor.pk}"' not in form
    # Two at once: the second is refused.
    stale = client.post(
        f"/cases/safe-houses/{house.pk}/clearance/", {"staff": [], "teams": [], "version": "1"}
    )
    assert stale.status_code == 409
    assert list(house.cleared_staff.all()) == [org.caseworker]


def test_the_list_shows_occupancy_arrivals_departures_and_over_capacity(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=2)
    ours = team_case(org)
    theirs = team_case(org, "Ruslan")
    theirs.team = org.other_team
    theirs.save(update_fields=["team"])
    arrive(org, place(org, ours, house, start=days(-3), until=days(3)))
    place(org, theirs, house, start=days(1), until=days(6), reason="Nowhere else tonight")
    page = _text(client_of(org.caseworker).get("/cases/safe-houses/"))
    assert "2 of 2 beds" in page
    assert "More people than beds ahead" in page
    assert "2 days over capacity" in page
    arrivals = page.split("Arrivals in the next", 1)[1].split("Departures in the next", 1)[0]
    assert "a case of another team" in arrivals
    assert theirs.code not in page
    departures = page.split("Departures in the next", 1)[1]
    assert ours.code in departures


def test_occupancy_counts_every_house_day_by_day_in_one_query(
    org: Organisation, vault: Vault, django_assert_num_queries: object
) -> None:
    small = make_house(org, "House 1", capacity=2)
    empty = make_house(org, "House 2", capacity=5)
    first = team_case(org, "A", "B")
    second = team_case(org, "C")
    third = team_case(org, "D", "E")
    arrive(org, place(org, first, small, start=days(-2), until=days(2)))  # 2 beds
    place(org, second, small, start=days(2), until=days(4))  # 1 bed, the day they leave
    cancelled = place(org, third, small, start=days(0), count=1, reason="x")
    with using_keyring(keyring_of(org.coordinator)):
        stays.cancel_stay(cancelled, version=1, by=org.coordinator)
    with django_assert_num_queries(1):  # type: ignore[operator]
        counted = occupancy(days(-3), days(5))
    assert counted[small.pk].beds == [0, 2, 2, 2, 2, 1, 1, 0, 0]
    assert counted[small.pk].over_days == []
    assert counted[empty.pk].beds == [0] * 9
    assert [(run.beds, run.days) for run in counted[small.pk].runs()] == [
        (0, 1),
        (2, 4),
        (1, 2),
        (0, 2),
    ]


def test_occupancy_counts_someone_still_there_after_their_planned_departure(
    org: Organisation, vault: Vault
) -> None:
    house = make_house(org, capacity=2)
    arrive(org, place(org, team_case(org), house, start=days(-10), until=days(-2)))
    counted = occupancy(days(-3), days(3))[house.pk]
    assert counted.beds == [2] * 7
    assert counted.on(today()) == 2


def test_the_pages_of_houses_and_stays_read_a_fixed_number_of_queries(
    org: Organisation, vault: Vault
) -> None:
    """More houses, cases and stays add no query (no N+1)."""
    first = make_house(org, "House 1", capacity=9)
    case = team_case(org)
    arrive(org, place(org, case, first, start=days(-2), until=days(3), count=1))
    client = client_of(org.coordinator)
    paths = ["/cases/safe-houses/", f"/cases/safe-houses/{first.pk}/", f"/cases/{case.code}/stays/"]

    def counted() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    before = counted()
    for n, label in enumerate(("House 2", "House 3")):
        other = make_house(org, label, capacity=9)
        for house in (first, other):
            arrive(org, place(org, team_case(org, "P", "Q"), house, start=days(-2), until=days(3)))
        place(org, case, other, start=days(5 + 3 * n), until=days(7 + 3 * n))
    assert counted() == before
