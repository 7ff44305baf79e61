"""Promises and their follow-up: a promise recorded from the statement it
was made in; its page with the dated, sourced history of its status; each
follow-up added (never removed), refused without a source or a reference,
and locked optimistically; the list, where each stands and since when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people, statements
from safepassage.documentation.models import Commitment, CommitmentChange
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


@pytest.fixture
def promise(desk: Desk) -> Commitment:
    with using_keyring(desk.vault.keyring):
        statement = statements.record_statement(
            desk.documenter,
            speaker="The head of the republic",
            quote="We will monitor events in the region very regularly.",
            stance=term("stance", "L-PROMISES"),
            said_on=dt.date(2017, 5, 5),
        )
        return statements.record_commitment(
            desk.documenter,
            statement=statement,
            promised_by="The head of the republic",
            promised_to="The OSCE",
            promised_on=dt.date(2017, 5, 5),
            promise="Very regular monitoring of events in the region.",
        )


@pytest.mark.django_db
def test_a_promise_is_recorded_from_its_statement(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        statement = statements.record_statement(
            desk.documenter,
            speaker="The Investigative Committee",
            quote="An investigation will establish the complete truth.",
            stance=term("stance", "L-PROMISES"),
            said_on=dt.date(2017, 5, 20),
        )
    page = client.get(f"/documentation/statements/{statement.code}/").content.decode()
    assert f"/documentation/promises/new/?statement={statement.code}" in page
    url = f"/documentation/promises/new/?statement={statement.code}"
    form = client.get(url).content.decode()
    assert 'value="The Investigative Committee"' in form  # who said it, to start from
    response = client.post(
        url,
        {
            "statement": statement.code,
            "promised_by": "The Investigative Committee",
            "promised_to": "",
            "promised_on": "2017-05-20",
            "promise": "An investigation to establish the complete truth.",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert response["Location"] == f"/documentation/promises/{commitment.code}/"
    assert commitment.statement == statement
    assert (
        commitment.code
        in client.get(f"/documentation/statements/{statement.code}/").content.decode()
    )


@pytest.mark.django_db
def test_follow_ups_are_dated_sourced_and_only_added(
    desk: Desk, client: Client, promise: Commitment
) -> None:
    with using_keyring(desk.vault.keyring):
        reporter = people.record_person(desk.documenter, name="Novaya Gazeta", kind="organisation")
    url = f"/documentation/promises/{promise.code}/"
    page = client.get(url).content.decode()
    assert "No follow-up yet" in page
    first = client.post(
        url,
        {
            "version": "1",
            "status": "not_kept",
            "changed_on": "2017-09-01",
            "source_code": reporter.code,
            "reference": "",
            "note": "Detentions went on over the summer.",
        },
    )
    assert first.status_code == 302
    second = client.post(
        url,
        {
            "version": "2",
            "status": "partly_kept",
            "changed_on": "2018-01-15",
            "source_code": "",
            "reference": "OSCE report, 2018",
            "note": "",
        },
    )
    assert second.status_code == 302
    page = client.get(url).content.decode()
    history = page[page.index("What happened since") :]
    assert history.index("1 September 2017") < history.index("15 January 2018")
    assert "Novaya Gazeta" in history
    assert "OSCE report, 2018" in history
    assert "Detentions went on over the summer." in history
    promise.refresh_from_db()
    assert promise.status == "partly_kept"
    assert CommitmentChange.objects.filter(commitment=promise).count() == 2
    assert AuditEntry.objects.filter(action="documentation.commitment_status_changed").count() == 2
    assert AuditEntry.objects.filter(action="documentation.commitment_viewed").exists()


@pytest.mark.django_db
def test_a_follow_up_says_where_it_is_known_from(client: Client, promise: Commitment) -> None:
    url = f"/documentation/promises/{promise.code}/"
    typed = {
        "version": "1",
        "status": "kept",
        "changed_on": "2017-09-01",
        "source_code": "",
        "reference": "",
        "note": "Something happened.",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 400
    assert "Say where the change is known from" in refused.content.decode()
    assert "Something happened." in refused.content.decode()
    refused = client.post(url, {**typed, "source_code": "P-NOSUCH"})
    assert refused.status_code == 400
    assert "Nobody you may see has the code P-NOSUCH." in refused.content.decode()
    assert not CommitmentChange.objects.exists()


@pytest.mark.django_db
def test_a_follow_up_on_an_old_version_is_refused(
    desk: Desk, client: Client, promise: Commitment
) -> None:
    with using_keyring(desk.vault.keyring):
        statements.change_commitment_status(
            Commitment.objects.get(pk=promise.pk),
            by=desk.colleague,
            version=1,
            status="not_kept",
            changed_on=dt.date(2017, 8, 1),
            reference="A colleague's note",
        )
    url = f"/documentation/promises/{promise.code}/"
    typed = {
        "version": "1",
        "status": "kept",
        "changed_on": "2017-09-01",
        "source_code": "",
        "reference": "My reference",
        "note": "",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "A colleague&#x27;s note" in page  # the history as it is now
    assert 'value="My reference"' in page
    assert 'name="version" value="2"' in page
    assert client.post(url, {**typed, "version": "2"}).status_code == 302
    assert CommitmentChange.objects.count() == 2


@pytest.mark.django_db
def test_a_source_the_reader_may_not_see_is_not_named(desk: Desk, promise: Commitment) -> None:
    with using_keyring(desk.vault.keyring):
        hidden = record_detention(
            desk.documenter, source="A hidden witness", confidentiality="restricted"
        )
        witness = hidden.act.information.get().source
        statements.change_commitment_status(
            Commitment.objects.get(pk=promise.pk),
            by=desk.documenter,
            version=1,
            status="not_kept",
            changed_on=dt.date(2017, 8, 1),
            source=witness,
        )
    stranger = Client()
    sign_in(stranger, desk.stranger)
    page = stranger.get(f"/documentation/promises/{promise.code}/").content.decode()
    assert "A hidden witness" not in page
    assert witness.code not in page
    assert "a source you may not see" in page


@pytest.mark.django_db
def test_what_a_promise_says_is_corrected_with_optimistic_locking(
    desk: Desk, client: Client, promise: Commitment
) -> None:
    with using_keyring(desk.vault.keyring):
        statements.change_commitment(
            Commitment.objects.get(pk=promise.pk),
            by=desk.colleague,
            version=1,
            promised_to="The OSCE Moscow Mechanism",
        )
    url = f"/documentation/promises/{promise.code}/edit/"
    form = {
        "version": "1",
        "promised_by": "Ramzan Kadyrov",
        "promised_to": "The OSCE",
        "promised_on": "2017-05-05",
        "promise": "Very regular monitoring of events in the region.",
    }
    refused = client.post(url, form)
    assert refused.status_code == 409
    assert "The OSCE Moscow Mechanism" in refused.content.decode()
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    with using_keyring(desk.vault.keyring):
        assert Commitment.objects.get(pk=promise.pk).promised_by == "Ramzan Kadyrov"


@pytest.mark.django_db
def test_the_list_shows_where_each_promise_stands(
    desk: Desk, client: Client, promise: Commitment
) -> None:
    with using_keyring(desk.vault.keyring):
        other = statements.record_commitment(
            desk.documenter, promised_by="A minister", promise="Compensation for the families."
        )
        statements.change_commitment_status(
            promise,
            by=desk.documenter,
            version=1,
            status="not_kept",
            changed_on=dt.date(2017, 9, 1),
            reference="A report",
        )
    page = client.get("/documentation/promises/").content.decode()
    assert "Very regular monitoring" in page
    assert "Compensation for the families." in page
    assert "1 September 2017" in page
    assert "none yet" in page
    kept = client.get("/documentation/promises/", {"status": "not_kept"}).content.decode()
    assert promise.code in kept
    assert other.code not in kept
