"""Who reported what: every account the reader may see, filtered by the
source's connection to the facts and reliability; another source's
account added to an event (about one act of it or the whole), the source
chosen from the event, by code or new; an account corrected with
optimistic locking."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people, sources
from safepassage.documentation.models import Information, Person
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


def account(**changes: Any) -> dict[str, Any]:
    data = {
        "source_name": "Memorial's Grozny office",
        "source_kind": "organisation",
        "act": "",
        "connection": str(term("source_connection", "040401000000").pk),
        "reliability": str(term("reliability", "010000000000").pk),
        "language": str(term("language", "ru").pk),
        "reported_on": "2017-04-02",
        "account": "Three men were held at the base for a week.",
        "reference": "Report 17/04",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_list_says_who_reported_what_and_how_reliably(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        first = record_detention(desk.documenter, title="At the checkpoint", source="Witness A")
        record_detention(
            desk.documenter,
            title="In the basement",
            source="Novaya Gazeta",
            connection="030100000000",
            reliability="030000000000",
        )
    page = client.get("/documentation/sources/").content.decode()
    for expected in (
        "Witness A",
        "Novaya Gazeta",
        "Reporter, media",
        "Unsure",
        "At the checkpoint",
    ):
        assert expected in page
    assert first.act.code in page
    media = term("source_connection", "030000000000").pk
    filtered = client.get("/documentation/sources/", {"connection": str(media)}).content.decode()
    assert "Novaya Gazeta" in filtered
    assert "Witness A" not in filtered
    likely = term("reliability", "020000000000").pk
    filtered = client.get("/documentation/sources/", {"reliability": str(likely)}).content.decode()
    assert "Witness A" in filtered
    assert "Novaya Gazeta" not in filtered
    assert AuditEntry.objects.filter(action="documentation.sources_listed").count() == 3


@pytest.mark.django_db
def test_a_second_source_is_added_to_an_act(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    url = f"/documentation/events/{recorded.event.code}/sources/new/"
    form = client.get(url, {"act": recorded.act.code}).content.decode()
    assert f'<option value="{recorded.act.code}" selected>' in form
    response = client.post(url, account(act=recorded.act.code))
    assert response.status_code == 302
    assert response["Location"].endswith("#sources")
    with using_keyring(desk.vault.keyring):
        added = Information.objects.get(source__kind="organisation")
        assert added.act == recorded.act
        assert added.source.name == "Memorial's Grozny office"
        assert added.account == "Three men were held at the base for a week."
    assert recorded.act.information.count() == 2
    page = client.get(f"/documentation/events/{recorded.event.code}/").content.decode()
    row = page[page.index(f'id="act-{recorded.act.code}"') :]
    assert "Memorial&#x27;s Grozny office" in row[: row.index("</tr>")]


@pytest.mark.django_db
def test_the_source_can_be_someone_in_the_event_or_recorded_elsewhere(
    desk: Desk, client: Client
) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        elsewhere = people.record_person(desk.documenter, name="A lawyer", kind="individual")
    url = f"/documentation/events/{recorded.event.code}/sources/new/"
    people_before = Person.objects.count()
    assert (
        client.post(url, account(source_name="", source_existing=recorded.victim.code)).status_code
        == 302
    )
    assert (
        client.post(url, account(source_name="", source_code=elsewhere.code.lower())).status_code
        == 302
    )
    assert Person.objects.count() == people_before
    assert {i.source for i in Information.objects.filter(act__isnull=True)} == {
        recorded.victim,
        elsewhere,
    }


@pytest.mark.django_db
def test_bad_input_is_refused_in_words_and_nothing_typed_is_lost(
    desk: Desk, client: Client
) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        other = record_detention(desk.documenter, title="Another event")
    url = f"/documentation/events/{recorded.event.code}/sources/new/"
    response = client.post(url, account(source_name=""))
    assert response.status_code == 400
    assert "Choose the source, or give a new source" in response.content.decode()
    assert "Three men were held at the base for a week." in response.content.decode()
    response = client.post(url, account(act=other.act.code, people_checked="on"))
    assert response.status_code == 400
    assert "That act belongs to another event." in response.content.decode()
    response = client.post(url, account(reliability=""))
    assert response.status_code == 400
    assert Information.objects.count() == 2
    assert not Person.objects.filter(kind="organisation").exists()


@pytest.mark.django_db
def test_an_account_is_corrected_with_optimistic_locking(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        information = recorded.act.information.get()
        sources.change_information(
            Information.objects.get(pk=information.pk),
            by=desk.colleague,
            version=1,
            account="The colleague's transcription.",
        )
    url = f"/documentation/sources/{information.pk}/edit/"
    page = client.get(url).content.decode()
    assert "The colleague&#x27;s transcription." in page
    form = {
        "version": "1",
        "act": recorded.act.code,
        "connection": str(information.connection_id),
        "reliability": str(term("reliability", "010000000000").pk),
        "reported_on": "",
        "account": "My transcription.",
        "reference": "Tape 4",
    }
    refused = client.post(url, form)
    assert refused.status_code == 409
    assert "Someone else saved this record" in refused.content.decode()
    assert "My transcription." in refused.content.decode()
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = Information.objects.get(pk=information.pk)
        assert (stored.account, stored.reference, stored.version) == (
            "My transcription.",
            "Tape 4",
            3,
        )
    assert AuditEntry.objects.filter(action="documentation.information_viewed").exists()


@pytest.mark.django_db
def test_the_list_takes_a_bounded_number_of_queries(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        record_detention(desk.documenter)
    client.get("/documentation/sources/")
    with CaptureQueriesContext(connection) as few:
        client.get("/documentation/sources/")
    with using_keyring(desk.vault.keyring):
        for number in range(6):
            record_detention(desk.documenter, source=f"Witness {number}")
    with CaptureQueriesContext(connection) as many:
        client.get("/documentation/sources/")
    assert len(many) == len(few)
