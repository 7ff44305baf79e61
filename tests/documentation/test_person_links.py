"""Biographic links between people (family, unit, command), added from a
person's page with a plain form and shown on both people's pages; a link
to someone the reader may not see is not shown; linking is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEntry
from safepassage.documentation.models import PersonLink
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term

COMMANDER_OF = "L-COMMANDER-OF"


def _client(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _link(client: Client, code: str, other: str, note: str = "") -> object:
    relationship = term("relationship", COMMANDER_OF)
    return client.post(
        reverse("documentation:person_link", args=[code]),
        {"relationship": relationship.pk, "other": other, "note": note},
    )


@pytest.mark.django_db
def test_it_links_two_people_from_a_page_and_shows_it_on_both(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        first = record_detention(desk.documenter, perpetrator="Officer Alkhanov").act
        second = record_detention(desk.documenter, perpetrator="Officer Dudayev").act
        commander = first.involvements.get().perpetrator
        officer = second.involvements.get().perpetrator
    client = _client(desk.documenter)
    page = client.get(reverse("documentation:person", args=[commander.code])).content.decode()
    assert "Link to another person (family, unit, command)" in page
    answer = _link(client, commander.code, officer.code.lower(), note="Seen giving orders")
    assert answer.status_code == 302
    link = PersonLink.objects.get()
    assert (link.person, link.related, link.relationship.code) == (commander, officer, COMMANDER_OF)
    onward = client.get(reverse("documentation:person", args=[commander.code])).content.decode()
    assert "Officer Dudayev" in onward
    assert "Commander of" in onward
    assert "Seen giving orders" in onward
    back = client.get(reverse("documentation:person", args=[officer.code])).content.decode()
    assert "Officer Alkhanov" in back
    assert "Commander of" in back
    entry = AuditEntry.objects.get(action="documentation.people_linked")
    assert entry.details["person"] == officer.code


@pytest.mark.django_db
def test_it_refuses_a_link_to_nobody_or_twice_in_words(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter, perpetrator="Officer Alkhanov")
        victim, perpetrator = recorded.victim, recorded.act.involvements.get().perpetrator
    client = _client(desk.documenter)
    nobody = _link(client, victim.code, "P-NOSUCH")
    assert nobody.status_code == 400
    assert "Nobody you may see has this code." in nobody.content.decode()
    itself = _link(client, victim.code, victim.code)
    assert itself.status_code == 400
    assert _link(client, perpetrator.code, victim.code).status_code == 302
    twice = _link(client, perpetrator.code, victim.code)
    assert twice.status_code == 400
    assert PersonLink.objects.count() == 1


@pytest.mark.django_db
def test_a_link_to_someone_one_may_not_see_is_not_shown(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        open_victim = record_detention(desk.colleague, victim="Open victim").victim
        hidden_victim = record_detention(
            desk.colleague, victim="Hidden victim", confidentiality="restricted"
        ).victim
    colleague = _client(desk.colleague)
    assert _link(colleague, open_victim.code, hidden_victim.code).status_code == 302
    stranger = _client(desk.stranger)
    page = stranger.get(reverse("documentation:person", args=[open_victim.code])).content.decode()
    assert "Hidden victim" not in page
    assert hidden_victim.code not in page
    refused = _link(stranger, open_victim.code, hidden_victim.code)
    assert refused.status_code == 400
    assert "Nobody you may see has this code." in refused.content.decode()


def _unlink(client: Client, link: PersonLink, on: str) -> object:
    return client.post(reverse("documentation:person_unlink", args=[link.pk]), {"from": on})


@pytest.mark.django_db
def test_it_removes_a_link_from_either_persons_page(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        first = record_detention(desk.documenter, perpetrator="Officer Alkhanov").act
        second = record_detention(desk.documenter, perpetrator="Officer Dudayev").act
        commander = first.involvements.get().perpetrator
        officer = second.involvements.get().perpetrator
    client = _client(desk.documenter)
    for page_of, other in ((commander, officer), (officer, commander)):
        assert _link(client, commander.code, officer.code).status_code == 302
        link = PersonLink.objects.get()
        page = client.get(reverse("documentation:person", args=[page_of.code])).content.decode()
        assert "Remove the link" in page
        assert reverse("documentation:person_unlink", args=[link.pk]) in page
        removed = _unlink(client, link, page_of.code)
        assert removed.status_code == 302
        # Back on the page the button was on.
        assert removed["Location"] == (
            reverse("documentation:person", args=[page_of.code]) + "#links"
        )
        assert not PersonLink.objects.exists()
        for code in (page_of.code, other.code):
            page = client.get(reverse("documentation:person", args=[code])).content.decode()
            assert "No link to another person has been recorded." in page
    entries = AuditEntry.objects.filter(action="documentation.people_unlinked")
    assert entries.count() == 2
    assert {entry.details["person"] for entry in entries} == {officer.code}
    assert {entry.details["term"] for entry in entries} == {COMMANDER_OF}


@pytest.mark.django_db
def test_a_link_to_someone_one_may_not_see_cannot_be_removed(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        open_victim = record_detention(desk.colleague, victim="Open victim").victim
        hidden_victim = record_detention(
            desk.colleague, victim="Hidden victim", confidentiality="restricted"
        ).victim
    assert _link(_client(desk.colleague), open_victim.code, hidden_victim.code).status_code == 302
    link = PersonLink.objects.get()
    for user in (desk.stranger, desk.keyless, desk.org.outsider):
        client = _client(user)
        refused = _unlink(client, link, open_victim.code)
        assert refused.status_code == 404
        page = client.get(reverse("documentation:person", args=[open_victim.code]))
        assert "Remove the link" not in page.content.decode()
    # Removing is a change: GET does nothing.
    colleague = _client(desk.colleague)
    assert colleague.get(reverse("documentation:person_unlink", args=[link.pk])).status_code == 405
    assert PersonLink.objects.count() == 1
    assert not AuditEntry.objects.filter(action="documentation.people_unlinked").exists()


@pytest.mark.django_db
def test_a_persons_page_title_is_only_their_code(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    page = _client(desk.documenter).get(reverse("documentation:person", args=[victim.code]))
    title = page.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title
    assert victim.code in title
