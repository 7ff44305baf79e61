"""People are rows: each person of a household is found again by exact
name (a blind index) and by a name that resembles it (the vault's
encrypted fuzzy search), by members of identity only, within the cases
they may see; nothing that identifies them is plain at rest; and each
person is reached through one access function with the same 404 for
what is missing and what is not theirs."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.http import Http404

from safepassage.audit.models import AuditEntry
from safepassage.cases import actions, people
from safepassage.cases.access import get_person_for, visible_cases
from safepassage.cases.models import Case, Person
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases.helpers import open_household, person, verifier_with_intake_only

pytestmark = pytest.mark.django_db


def _names(found: list[people.Found]) -> list[str]:
    return [item.person.identity.name for item in found]


def test_it_finds_a_person_by_exact_name_through_the_blind_index(
    org: Organisation, vault: Vault
) -> None:
    case = open_household(
        org.coordinator, person("Zelim Bakaev"), person("Aminat Bakaeva", relationship="mother")
    )
    open_household(org.coordinator, person("Zelimkhan"))
    mother = case.people.get(role="member")
    assert len(mother.name_index) == 32
    with using_keyring(keyring_of(org.coordinator)):
        assert people.people_named(org.coordinator, "  aminat   BAKAEVA ") == [mother]
        assert people.people_named(org.coordinator, "Aminat") == []
    assert AuditEntry.objects.filter(action="case.people_searched").count() == 2


def test_it_finds_names_that_resemble_across_scripts(org: Organisation, vault: Vault) -> None:
    open_household(org.coordinator, person("Магомед Исаев"), person("Хеда", relationship="sister"))
    open_household(org.coordinator, person("Ruslan Umarov", other_names=["Руся"]))
    with using_keyring(keyring_of(org.coordinator)):
        assert _names(people.find_people(org.coordinator, "magomed isaev")) == ["Магомед Исаев"]
        assert _names(people.find_people(org.coordinator, "Kheda")) == ["Хеда"]
        # Other names are searched too.
        assert _names(people.find_people(org.coordinator, "rusya")) == ["Ruslan Umarov"]
        assert people.find_people(org.coordinator, "Petrov") == []
    entry = AuditEntry.objects.filter(action="case.people_searched").latest("seq")
    assert entry.details == {"shown": 0}


def test_only_members_of_identity_search_by_name(org: Organisation, vault: Vault) -> None:
    open_household(org.coordinator, person("Magomed"))
    verifier = verifier_with_intake_only(org, vault)
    for user in (verifier, org.outsider, org.auditor):
        with using_keyring(keyring_of(user)):
            with pytest.raises(Http404):
                people.find_people(user, "Magomed")
            with pytest.raises(Http404):
                people.people_named(user, "Magomed")
    assert not AuditEntry.objects.filter(action="case.people_searched").exists()
    assert AuditEntry.objects.filter(action="access.denied").count() == 6


def test_a_search_shows_only_the_cases_one_may_see(org: Organisation, vault: Vault) -> None:
    """The caseworker holds identity but is in no case's team here: the
    case opened by the coordinator (no team yet) is not theirs; in their
    team, its names are still the verifiers' until it is accepted."""
    case = open_household(org.coordinator, person("Magomed"))
    with using_keyring(keyring_of(org.caseworker)):
        assert people.find_people(org.caseworker, "Magomed") == []
        assert people.people_named(org.caseworker, "Magomed") == []
    Case.objects.filter(pk=case.pk).update(team=org.team)
    with using_keyring(keyring_of(org.caseworker)):
        assert people.find_people(org.caseworker, "Magomed") == []
        assert people.people_named(org.caseworker, "Magomed") == []
    Case.objects.filter(pk=case.pk).update(accepted_on=case.opened_on)
    with using_keyring(keyring_of(org.caseworker)):
        assert _names(people.find_people(org.caseworker, "Magomed")) == ["Magomed"]
        assert len(people.people_named(org.caseworker, "Magomed")) == 1
    assert list(visible_cases(org.outsider)) == []


def test_people_recorded_without_identity_keys_are_found_before_and_after_indexing(
    org: Organisation, vault: Vault
) -> None:
    verifier = verifier_with_intake_only(org, vault)
    case = open_household(verifier, person("Aslan Dudayev"), person("Zarema", relationship="wife"))
    Case.objects.filter(pk=case.pk).update(opened_by=org.coordinator)
    assert Person.objects.filter(indexed=False).count() == 2
    with using_keyring(keyring_of(org.coordinator)):
        assert _names(people.find_people(org.coordinator, "aslan dudaev")) == ["Aslan Dudayev"]
        assert len(people.people_named(org.coordinator, "zarema")) == 1
        done = actions.migrate_people(by=org.coordinator)
        assert done.indexed == 2
        assert Person.objects.filter(indexed=False).count() == 0
        assert _names(people.find_people(org.coordinator, "aslan dudaev")) == ["Aslan Dudayev"]
        assert len(people.people_named(org.coordinator, "zarema")) == 1
    assert AuditEntry.objects.get(action="case.people_indexed").details == {"people": 2}


def test_a_person_row_holds_nothing_identifying_in_plaintext(
    org: Organisation, vault: Vault
) -> None:
    open_household(
        org.coordinator,
        person("Sentinelprincipal", handle="@Sentinelhandle", born="Sentinelborn"),
        person("Sentinelmember", relationship="Sentinelbrother", gender="Sentinelgender"),
    )
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = cursor.fetchall()
    text = repr(rows).lower()
    # Letters no hexadecimal id or digest holds.
    for secret in ("sentinel", "brother", "handle"):
        assert secret not in text
    plain = {
        field.column
        for field in Person._meta.concrete_fields
        if field.get_internal_type() != "BinaryField"
    }
    assert plain == {
        "id",
        "case_id",
        "role",
        "position",
        "minor",
        "name_index",
        "indexed",
        "version",
    }


def test_a_person_is_reached_through_their_case_with_one_404(
    org: Organisation, vault: Vault
) -> None:
    case = open_household(org.coordinator, person("Magomed"), person("Kheda"))
    other = open_household(org.coordinator, person("Someone"))
    member = case.people.get(role="member")
    assert get_person_for(org.coordinator, case.code, str(member.pk)) == member
    attempts = [
        (org.coordinator, case.code, str(uuid.uuid4())),  # no such person
        (org.coordinator, case.code, "not-an-id"),
        (org.coordinator, other.code, str(member.pk)),  # a person of another case
        (org.coordinator, "C-NOSUCH", str(member.pk)),
        (org.outsider, case.code, str(member.pk)),  # not their case
        (org.auditor, case.code, str(member.pk)),
    ]
    for user, code, person_id in attempts:
        with pytest.raises(Http404):
            get_person_for(user, code, person_id)
    assert AuditEntry.objects.filter(action="access.denied").count() == len(attempts)
