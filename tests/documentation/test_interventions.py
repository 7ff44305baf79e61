"""What was done about it: an intervention added to an event (who acted,
to whom, the response, the outcome, where it stands), listed and filtered,
and corrected with optimistic locking."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import sources
from safepassage.documentation.models import Intervention
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


def complaint(**changes: Any) -> dict[str, Any]:
    data = {
        "act": "",
        "kind": str(term("intervention_type", "L-PROSECUTOR").pk),
        "intervening_party": "Our lawyer",
        "addressed_to": "The prosecutor of the Chechen Republic",
        "made_on": "2017-04-15",
        "response": str(term("response", "L-REFUSED-INVESTIGATION").pk),
        "outcome": "No criminal case was opened.",
        "status": "waiting",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_intervention_is_recorded_about_an_act(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    url = f"/documentation/events/{recorded.event.code}/interventions/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, complaint(act=recorded.act.code))
    assert response.status_code == 302
    assert response["Location"].endswith("#interventions")
    with using_keyring(desk.vault.keyring):
        made = Intervention.objects.get()
        assert (made.act, made.victim, made.status) == (recorded.act, recorded.victim, "waiting")
        assert made.addressed_to == "The prosecutor of the Chechen Republic"
    page = client.get(f"/documentation/events/{recorded.event.code}/").content.decode()
    section = page[page.index('id="interventions"') :]
    assert "Our lawyer" in section
    assert "Refused to open a criminal case" in section
    assert "sent, waiting for a response" in section
    assert AuditEntry.objects.filter(action="documentation.intervention_recorded").count() == 1


@pytest.mark.django_db
def test_bad_input_is_refused_in_words_and_kept(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    url = f"/documentation/events/{recorded.event.code}/interventions/new/"
    response = client.post(url, complaint(intervening_party="  "))
    assert response.status_code == 400
    assert "No criminal case was opened." in response.content.decode()
    response = client.post(url, complaint(act="A-NOSUCH"))
    assert response.status_code == 400
    assert "That act belongs to another event." in response.content.decode()
    assert not Intervention.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_where_each_stands_and_filters(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter, title="At the checkpoint").event
        sources.record_intervention(
            desk.documenter,
            event=event,
            kind=term("intervention_type", "L-ECHR"),
            intervening_party="A partner NGO",
            status="acting",
        )
        sources.record_intervention(
            desk.documenter,
            event=event,
            kind=term("intervention_type", "L-PROSECUTOR"),
            intervening_party="Our lawyer",
            status="closed",
        )
    page = client.get("/documentation/interventions/").content.decode()
    assert "A partner NGO" in page
    assert "Our lawyer" in page
    assert "At the checkpoint" in page
    closed = client.get("/documentation/interventions/", {"status": "closed"}).content.decode()
    assert "Our lawyer" in closed
    assert "A partner NGO" not in closed
    international = term("intervention_type", "L-INTERNATIONAL").pk
    found = client.get("/documentation/interventions/", {"kind": str(international)})
    assert "A partner NGO" in found.content.decode()
    assert "Our lawyer" not in found.content.decode()


@pytest.mark.django_db
def test_an_intervention_is_corrected_with_optimistic_locking(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        made = sources.record_intervention(
            desk.documenter,
            event=event,
            kind=term("intervention_type", "L-PROSECUTOR"),
            intervening_party="Our lawyer",
        )
        sources.change_intervention(
            Intervention.objects.get(pk=made.pk), by=desk.colleague, version=1, status="waiting"
        )
    url = f"/documentation/interventions/{made.pk}/edit/"
    assert client.get(url).status_code == 200
    form = complaint(version="1", status="closed", outcome="A case was opened in May.")
    refused = client.post(url, form)
    assert refused.status_code == 409
    assert "A case was opened in May." in refused.content.decode()
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = Intervention.objects.get(pk=made.pk)
        assert (stored.status, stored.outcome) == ("closed", "A case was opened in May.")
    assert AuditEntry.objects.filter(action="documentation.intervention_changed").count() == 2
