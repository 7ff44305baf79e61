"""Recording who travels with the principal: a request says how many
they are, not who; the team records each of them (and adds those the
request did not mention) on a page of their own, audited, without
overwriting a colleague's change, and only for those who read the case's
identity."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.cases import people
from safepassage.cases.models import Case, Person
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.cases.helpers import open_from_request, request

pytestmark = pytest.mark.django_db


def _accepted_case(org: Organisation) -> Case:
    """A case opened from a request that says one person travels along."""
    case = open_from_request(org.coordinator, request(name="Zelim", household="1"))
    Case.objects.filter(pk=case.pk).update(
        team=org.team, stage="accepted", accepted_on=case.opened_on
    )
    case.refresh_from_db()
    return case


def _member(case: Case) -> Person:
    return case.people.get(position=1)


def _form(person: Person, **fields: str) -> dict[str, str]:
    data = {
        "name": "",
        "other_names": "",
        "relationship": "",
        "born": "",
        "age": "",
        "minor": "",
        "gender": "",
        "place": "",
        "notes": "",
        "version": str(person.version),
    }
    data.update(fields)
    return data


def test_it_records_who_a_household_member_is(org: Organisation, vault: Vault) -> None:
    case = _accepted_case(org)
    member = _member(case)
    client = Client()
    sign_in(client, org.caseworker)
    page = html.unescape(client.get(f"/cases/{case.code}/").content.decode())
    assert "Household member 1: nobody has recorded who they are yet." in page
    assert f'href="/cases/{case.code}/people/{member.pk}/"' in page
    form = client.get(f"/cases/{case.code}/people/{member.pk}/")
    assert form.status_code == 200
    response = client.post(
        f"/cases/{case.code}/people/{member.pk}/",
        _form(
            member,
            name="Kheda Daudova",
            other_names="Хеда Даудова\nKhedi",
            relationship="sister",
            age="16",
            minor="yes",
            method_1="telegram",
            handle_1="@kheda_d",
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    with using_keyring(keyring_of(org.caseworker)):
        identity = Person.objects.opened("identity").get(pk=member.pk).identity
        assert identity.name == "Kheda Daudova"
        assert identity.other_names == ["Хеда Даудова", "Khedi"]
        assert (identity.relationship, identity.age, member.minor) == ("sister", 16, True)
        assert [(c.method, c.handle) for c in identity.contacts] == [("telegram", "@kheda_d")]
        # Found by name again, in either script.
        found = people.find_people(org.coordinator, "Хеда Даудова")
        assert [item.person.pk for item in found] == [member.pk]
    entry = AuditEntry.objects.filter(action="case.person_described").get()
    assert set(entry.details["fields"]) == {
        "name",
        "other_names",
        "relationship",
        "age",
        "minor",
        "contacts",
    }
    assert "Kheda" not in str(entry.details)
    page = html.unescape(client.get(f"/cases/{case.code}/").content.decode())
    assert "Kheda Daudova" in page
    assert "Household member 1: nobody has recorded" not in page


def test_it_adds_someone_the_request_did_not_mention(org: Organisation, vault: Vault) -> None:
    case = _accepted_case(org)
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(f"/cases/{case.code}/people/new/")
    added = case.people.get(position=2)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.code}/people/{added.pk}/"
    assert added.role == "member"
    assert AuditEntry.objects.filter(action="case.person_added").count() == 1


def test_bad_input_comes_back_with_what_was_typed(org: Organisation, vault: Vault) -> None:
    case = _accepted_case(org)
    member = _member(case)
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(
        f"/cases/{case.code}/people/{member.pk}/",
        _form(member, name="Kheda", age="two hundred", handle_1="+7 900 000 00 00"),
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Enter a whole number." in page
    assert "Say which way this is (Signal, phone…)." in page
    assert 'value="Kheda"' in page
    member.refresh_from_db()
    assert member.version == 1
    assert not AuditEntry.objects.filter(action="case.person_described").exists()


def test_two_people_recording_the_same_person_do_not_overwrite_each_other(
    org: Organisation, vault: Vault
) -> None:
    case = _accepted_case(org)
    member = _member(case)
    first, second = Client(), Client()
    sign_in(first, org.caseworker)
    sign_in(second, org.coordinator)
    path = f"/cases/{case.code}/people/{member.pk}/"
    assert first.post(path, _form(member, name="Kheda")).status_code == 302
    late = second.post(path, _form(member, name="Zarema"))
    assert late.status_code == 400
    assert "Someone else changed this case after you opened it" in html.unescape(
        late.content.decode()
    )
    with using_keyring(keyring_of(org.coordinator)):
        assert Person.objects.opened("identity").get(pk=member.pk).identity.name == "Kheda"


def test_only_those_who_read_the_identity_record_it(org: Organisation, vault: Vault) -> None:
    case = _accepted_case(org)
    member = _member(case)
    path = f"/cases/{case.code}/people/{member.pk}/"
    missing = f"/cases/{case.code}/people/00000000-0000-4000-8000-000000000000/"
    client = Client()
    sign_in(client, org.outsider)
    for address in (path, missing):
        assert client.get(address).status_code == 404
    for address in (path, missing, f"/cases/{case.code}/people/new/"):
        assert client.post(address, _form(member, name="X")).status_code == 404
    # Before acceptance a caseworker of the team reads the code only.
    Case.objects.filter(pk=case.pk).update(stage="screening", accepted_on=None)
    sign_in(client, org.caseworker)
    assert client.get(path).status_code == 404
    assert "Record who they are" not in client.get(f"/cases/{case.code}/").content.decode()
    assert Person.objects.filter(case=case).count() == 2
