"""Editing a person and an official's statement from their pages, locked
optimistically as events and acts are: a save made on an older version
is refused (409), nothing is written, what was typed is kept beside what
was saved in the meantime, and a second save made knowingly goes through.
Each change is audited; bad input is refused in words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people, statements
from safepassage.documentation.models import Person, Statement
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


def _client(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _person_form(version: int, **values: object) -> dict[str, object]:
    form: dict[str, object] = {
        "version": version,
        "name": "Umarov Magomed",
        "kind": "individual",
        "born": "about 30 in 2017",
    }
    form.update(values)
    return form


@pytest.mark.django_db
def test_it_edits_a_person_from_their_page(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    client = _client(desk.documenter)
    page = client.get(reverse("documentation:person", args=[victim.code])).content.decode()
    assert reverse("documentation:person_edit", args=[victim.code]) in page
    orientation = term("sexual_orientation", "L-SO-GAY")
    answer = client.post(
        reverse("documentation:person_edit", args=[victim.code]),
        _person_form(1, other_names="Magomed U.", sexual_orientation=orientation.pk),
    )
    assert answer.status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = Person.objects.get(pk=victim.pk)
        assert (stored.name, stored.other_names, stored.born) == (
            "Umarov Magomed",
            "Magomed U.",
            "about 30 in 2017",
        )
        assert stored.profile == {"sexual_orientation": "L-SO-GAY"}
    assert stored.version == 2
    entry = AuditEntry.objects.get(action="documentation.person_changed")
    assert "other_names" in entry.details["changed"]
    # The new name is found again by the search.
    with using_keyring(desk.vault.keyring):
        assert [p.pk for p in people.find_people(desk.documenter, "Umarov Magomed")] == [victim.pk]


@pytest.mark.django_db
def test_a_stale_edit_of_a_person_is_refused_and_keeps_what_was_typed(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
        people.change_person(
            Person.objects.get(pk=victim.pk), by=desk.colleague, version=1, born="1987"
        )
    client = _client(desk.documenter)
    url = reverse("documentation:person_edit", args=[victim.code])
    refused = client.post(url, _person_form(1, description="Works at the market"))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record" in page
    assert "Works at the market" in page  # what was typed
    assert "1987" in page  # what was saved in the meantime
    with using_keyring(desk.vault.keyring):
        assert Person.objects.get(pk=victim.pk).born == "1987"
    assert 'name="version" value="2"' in page
    again = client.post(url, _person_form(2, description="Works at the market"))
    assert again.status_code == 302
    with using_keyring(desk.vault.keyring):
        assert Person.objects.get(pk=victim.pk).description == "Works at the market"


@pytest.mark.django_db
def test_a_person_without_a_name_is_refused_in_words(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    client = _client(desk.documenter)
    answer = client.post(
        reverse("documentation:person_edit", args=[victim.code]), _person_form(1, name=" ")
    )
    assert answer.status_code == 400
    assert Person.objects.get(pk=victim.pk).version == 1


def _statement(desk: Desk) -> Statement:
    with using_keyring(desk.vault.keyring):
        return statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )


def _statement_form(version: int, **values: object) -> dict[str, object]:
    form: dict[str, object] = {
        "version": version,
        "speaker": "A spokesman",
        "quote": "There are no such people here.",
        "stance": term("stance", "L-DENIES").pk,
    }
    form.update(values)
    return form


@pytest.mark.django_db
def test_it_edits_a_statement_from_its_page(desk: Desk) -> None:
    statement = _statement(desk)
    client = _client(desk.documenter)
    page = client.get(reverse("documentation:statement", args=[statement.code])).content.decode()
    assert reverse("documentation:statement_edit", args=[statement.code]) in page
    answer = client.post(
        reverse("documentation:statement_edit", args=[statement.code]),
        _statement_form(1, office="Press office", translation="Таких людей здесь нет."),
    )
    assert answer.status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = Statement.objects.get(pk=statement.pk)
        assert (stored.office, stored.translation) == ("Press office", "Таких людей здесь нет.")
    assert stored.version == 2
    assert AuditEntry.objects.filter(action="documentation.statement_changed").count() == 1


@pytest.mark.django_db
def test_a_stale_edit_of_a_statement_is_refused_and_keeps_what_was_typed(desk: Desk) -> None:
    statement = _statement(desk)
    with using_keyring(desk.vault.keyring):
        statements.change_statement(
            Statement.objects.get(pk=statement.pk),
            by=desk.colleague,
            version=1,
            office="Government spokesman",
        )
    client = _client(desk.documenter)
    url = reverse("documentation:statement_edit", args=[statement.code])
    refused = client.post(url, _statement_form(1, published_in="Interfax, 1 April 2017"))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Interfax, 1 April 2017" in page
    assert "Government spokesman" in page
    with using_keyring(desk.vault.keyring):
        assert Statement.objects.get(pk=statement.pk).published_in is None
    assert client.post(url, _statement_form(2, published_in="Interfax")).status_code == 302
    # Those who only read see no edit link and may not edit.
    assert AuditEntry.objects.filter(action="documentation.statement_changed").count() == 2


@pytest.mark.django_db
def test_an_outsider_gets_the_same_404_for_the_edit_pages(desk: Desk) -> None:
    statement = _statement(desk)
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    client = _client(desk.org.outsider)
    for name, code in (("person_edit", victim.code), ("statement_edit", statement.code)):
        present = client.get(reverse(f"documentation:{name}", args=[code]))
        assert present.status_code == 404
