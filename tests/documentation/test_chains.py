"""Chains of events: a documenter links an event to the events it led to
or followed from on the event's page (plain forms), sees the link on both
events' pages, and removes it from either; each change is audited; a
restricted event in a chain is neither shown to, nor linked or unlinked
by, someone who may not see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEntry
from safepassage.documentation.models import EventLink
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term

CAUSES = "030000000000"


def _client(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _link(client: Client, code: str, other: str, kind: str = CAUSES) -> object:
    chain = term("chain_type", kind)
    return client.post(
        reverse("documentation:chain_add", args=[code]), {"kind": chain.pk, "other": other}
    )


@pytest.mark.django_db
def test_it_links_an_event_to_the_one_it_led_to_and_shows_it_on_both_pages(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        detention = record_detention(desk.documenter, title="Detention in Argun").event
        disappearance = record_detention(desk.documenter, title="Disappearance of M.").event
    client = _client(desk.documenter)
    page = client.get(reverse("documentation:event", args=[detention.code])).content.decode()
    assert "Link it to another event" in page  # a plain form, no script needed
    response = _link(client, detention.code, f" {disappearance.code.lower()} ")
    assert response.status_code == 302
    link = EventLink.objects.get()
    assert (link.event, link.related, link.kind.code) == (detention, disappearance, CAUSES)
    onward = client.get(reverse("documentation:event", args=[detention.code])).content.decode()
    assert "Disappearance of M." in onward
    assert "Event which causes another event" in onward
    back = client.get(reverse("documentation:event", args=[disappearance.code])).content.decode()
    assert "Detention in Argun" in back
    assert "Event which causes another event" in back
    linked = AuditEntry.objects.get(action="documentation.events_linked")
    assert linked.details["event"] == disappearance.code


@pytest.mark.django_db
def test_it_refuses_a_link_to_itself_or_to_no_event_and_keeps_what_was_chosen(
    desk: Desk,
) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    client = _client(desk.documenter)
    itself = _link(client, event.code, event.code)
    assert itself.status_code == 400
    assert "cannot be linked to itself" in itself.content.decode()
    nowhere = _link(client, event.code, "E-NOSUCH")
    assert nowhere.status_code == 400
    assert "No event you may see has this code." in nowhere.content.decode()
    assert 'value="E-NOSUCH"' in nowhere.content.decode()
    assert not EventLink.objects.exists()


@pytest.mark.django_db
def test_it_removes_a_link_from_either_page_audited(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        first = record_detention(desk.documenter, title="First").event
        second = record_detention(desk.documenter, title="Second").event
    client = _client(desk.documenter)
    _link(client, first.code, second.code)
    link = EventLink.objects.get()
    removed = client.post(
        reverse("documentation:chain_remove", args=[link.pk]), {"from": second.code}
    )
    assert removed.status_code == 302
    assert removed["Location"].startswith(reverse("documentation:event", args=[second.code]))
    assert not EventLink.objects.exists()
    entry = AuditEntry.objects.get(action="documentation.events_unlinked")
    assert entry.details == {"event": second.code, "term": CAUSES}
    # Removing is a change: never by GET.
    _link(client, first.code, second.code)
    again = EventLink.objects.get()
    assert client.get(reverse("documentation:chain_remove", args=[again.pk])).status_code == 405


@pytest.mark.django_db
def test_a_restricted_event_in_a_chain_is_shown_only_to_those_who_may_see_it(
    desk: Desk,
) -> None:
    with using_keyring(desk.vault.keyring):
        open_event = record_detention(desk.colleague, title="Open detention").event
        hidden = record_detention(
            desk.colleague, title="Restricted disappearance", confidentiality="restricted"
        ).event
    colleague = _client(desk.colleague)
    assert _link(colleague, open_event.code, hidden.code).status_code == 302
    link = EventLink.objects.get()
    shown = colleague.get(reverse("documentation:event", args=[open_event.code])).content.decode()
    assert "Restricted disappearance" in shown
    read = AuditEntry.objects.filter(
        action="documentation.restricted_event_read", details__page="chain"
    )
    assert read.count() == 1
    # Someone who may not see the restricted event sees no trace of it...
    stranger = _client(desk.stranger)
    page = stranger.get(reverse("documentation:event", args=[open_event.code])).content.decode()
    assert hidden.code not in page
    assert "Restricted disappearance" not in page
    # ...cannot remove the link (the same 404 as for no link)...
    refused = stranger.post(reverse("documentation:chain_remove", args=[link.pk]))
    missing = stranger.post(reverse("documentation:chain_remove", args=[link.pk + 100]))
    assert refused.status_code == missing.status_code == 404
    assert EventLink.objects.filter(pk=link.pk).exists()
    # ...nor link to it: the same words as for a code that does not exist.
    with using_keyring(desk.vault.keyring):
        other = record_detention(desk.stranger, title="Another detention").event
    answer = _link(stranger, other.code, hidden.code)
    assert answer.status_code == 400
    assert "No event you may see has this code." in answer.content.decode()
    assert EventLink.objects.count() == 1
