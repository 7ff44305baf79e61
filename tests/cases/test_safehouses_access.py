"""Every access function of safe houses and stays gives an outsider the
same 404 as a record that does not exist, on every page, and audits the
refusal."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cases import access
from safepassage.cases.models import SafeHouse, Stay
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of
from tests.cases.safehouse_helpers import arrive, client_of, make_house, place, team_case

pytestmark = pytest.mark.django_db

MISSING = str(uuid.uuid4())


@pytest.fixture
def stay(org: Organisation, vault: Vault) -> Stay:
    return arrive(org, place(org, team_case(org), make_house(org, capacity=3)))


def _same_404(client: Client, method: str, path: str, missing: str) -> None:
    send: Callable[[str], Any] = getattr(client, method)
    refused, absent = send(path), send(missing)
    assert refused.status_code == 404, path
    assert absent.status_code == 404, missing
    assert comparable(refused) == comparable(absent), path


def _house_paths(house: SafeHouse) -> list[tuple[str, str, str]]:
    return [
        ("get", f"/cases/safe-houses/{house.pk}/", f"/cases/safe-houses/{MISSING}/"),
        ("get", f"/cases/safe-houses/{house.pk}/", "/cases/safe-houses/not-an-id/"),
        ("get", f"/cases/safe-houses/{house.pk}/edit/", f"/cases/safe-houses/{MISSING}/edit/"),
        ("post", f"/cases/safe-houses/{house.pk}/edit/", f"/cases/safe-houses/{MISSING}/edit/"),
        (
            "get",
            f"/cases/safe-houses/{house.pk}/clearance/",
            f"/cases/safe-houses/{MISSING}/clearance/",
        ),
        (
            "post",
            f"/cases/safe-houses/{house.pk}/clearance/",
            f"/cases/safe-houses/{MISSING}/clearance/",
        ),
    ]


def _stay_paths(stay: Stay) -> list[tuple[str, str, str]]:
    code = stay.case.code
    paths = [
        ("get", f"/cases/{code}/stays/", "/cases/C-NONE00/stays/"),
        ("post", f"/cases/{code}/stays/", "/cases/C-NONE00/stays/"),
    ]
    for step, method in [
        ("arrival", "post"),
        ("departure", "post"),
        ("cancel", "post"),
        ("move", "get"),
        ("move", "post"),
        ("edit", "get"),
        ("edit", "post"),
    ]:
        paths.append(
            (
                method,
                f"/cases/{code}/stays/{stay.pk}/{step}/",
                f"/cases/{code}/stays/{MISSING}/{step}/",
            )
        )
        paths.append(
            (method, f"/cases/{code}/stays/{stay.pk}/{step}/", f"/cases/C-NONE00/stays/x/{step}/")
        )
    return paths


def test_staff_who_do_not_work_with_safe_houses_get_the_same_404(
    org: Organisation, stay: Stay
) -> None:
    house = stay.house
    assert house is not None
    for user in (org.auditor, org.admin):
        client = client_of(user)
        assert client.get("/cases/safe-houses/").status_code == 404
        assert client.get("/cases/safe-houses/new/").status_code == 404
        for method, path, missing in _house_paths(house):
            _same_404(client, method, path, missing)


def test_caseworkers_get_the_same_404_on_the_pages_that_manage_houses(
    org: Organisation, stay: Stay
) -> None:
    house = stay.house
    assert house is not None
    client = client_of(org.caseworker)
    assert client.get(f"/cases/safe-houses/{house.pk}/").status_code == 200
    assert client.get("/cases/safe-houses/new/").status_code == 404
    for method, path, missing in _house_paths(house)[2:]:
        _same_404(client, method, path, missing)


def test_an_outsider_gets_the_same_404_for_a_case_s_stays(org: Organisation, stay: Stay) -> None:
    client = client_of(org.outsider)
    for method, path, missing in _stay_paths(stay):
        _same_404(client, method, path, missing)
    stay.refresh_from_db()
    assert stay.version == 2
    assert Stay.objects.count() == 1


def test_a_deactivated_account_gets_the_same_404(org: Organisation, stay: Stay) -> None:
    User.objects.filter(pk=org.coordinator.pk).update(is_active=False)
    org.coordinator.refresh_from_db()
    for function in _functions(stay):
        with pytest.raises(Http404):
            function(org.coordinator)


def _functions(stay: Stay) -> list[Callable[[User], object]]:
    code, house = stay.case.code, str(stay.house_id)
    return [
        lambda user: access.get_safe_house_for(user, house),
        lambda user: access.get_safe_house_for(user, house, manage=True),
        lambda user: access.get_case_stays_for(user, code),
        lambda user: access.get_case_to_place_for(user, code),
        lambda user: access.get_stay_for(user, code, str(stay.pk)),
        lambda user: access.get_stay_for(user, code, str(stay.pk), change=True),
    ]


def _missing(stay: Stay) -> list[Callable[[User], object]]:
    code = stay.case.code
    return [
        lambda user: access.get_safe_house_for(user, MISSING),
        lambda user: access.get_safe_house_for(user, MISSING, manage=True),
        lambda user: access.get_case_stays_for(user, "C-NONE00"),
        lambda user: access.get_case_to_place_for(user, "C-NONE00"),
        lambda user: access.get_stay_for(user, code, MISSING),
        lambda user: access.get_stay_for(user, code, MISSING, change=True),
    ]


def test_every_access_function_refuses_an_outsider_as_a_missing_record(
    org: Organisation, stay: Stay
) -> None:
    outsiders = {
        # Who may not see safe houses at all, then whose team is not the case's.
        0: org.auditor,
        1: org.caseworker,
        2: org.outsider,
        3: org.outsider,
        4: org.outsider,
        5: org.outsider,
    }
    for index, (function, missing) in enumerate(zip(_functions(stay), _missing(stay), strict=True)):
        before = AuditEntry.objects.filter(action="access.denied").count()
        with pytest.raises(Http404):
            function(outsiders[index])
        with pytest.raises(Http404):
            missing(org.coordinator)
        assert AuditEntry.objects.filter(action="access.denied").count() == before + 2
        assert function(org.coordinator) is not None


def test_only_the_cleared_with_identity_s_keys_may_know_where_a_house_is(
    org: Organisation, stay: Stay
) -> None:
    house = stay.house
    assert house is not None
    with using_keyring(keyring_of(org.coordinator)):
        assert access.may_know_location(org.coordinator, house)
    with using_keyring(keyring_of(org.caseworker)):
        assert not access.may_know_location(org.caseworker, house)
        house.cleared_teams.add(org.team)
        assert access.may_know_location(org.caseworker, house)
    with using_keyring(None):
        assert not access.may_know_location(org.coordinator, house)
    with using_keyring(keyring_of(org.outsider)):  # cleared, without identity
        house.cleared_staff.add(org.outsider)
        assert not access.may_know_location(org.outsider, house)
