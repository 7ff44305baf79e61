"""Statements beside the facts: an official's statement recorded from an
act is set beside it with the passage that concerns it, and the
statement's page shows each act it concerns and how far it is established."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, statements
from safepassage.documentation.models import Statement, StatementLink
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term

DENIAL = "В Чечне нет таких людей. Нельзя задержать тех, кого нет."


@pytest.mark.django_db
def test_a_denial_is_recorded_from_an_act_and_set_beside_it(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter, verification="corroborated")
    act = recorded.act
    client = Client()
    sign_in(client, desk.documenter)
    event_page = client.get(f"/documentation/events/{act.event.code}/").content.decode()
    assert f"/documentation/acts/{act.code}/statement/" in event_page
    assert client.get(f"/documentation/acts/{act.code}/statement/").status_code == 200
    form = client.get(f"/documentation/statements/new/?act={act.code}").content.decode()
    assert act.code in form
    response = client.post(
        "/documentation/statements/new/",
        {
            "speaker": "A spokesman of the head of the republic",
            "office": "Press secretary",
            "said_on": "2017-04-01",
            "stance": str(term("stance", "L-DENIES").pk),
            "language": str(term("language", "ru").pk),
            "quote": DENIAL,
            "translation": "There are no such people in Chechnya.",
            "published_in": "Interfax, 1 April 2017",
            "act": act.code,
            "passage": "Нельзя задержать тех, кого нет.",
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    link = StatementLink.objects.get()
    assert (link.statement, link.event, link.act) == (statement, act.event, act)
    page = client.get(response["Location"]).content.decode()
    for text in (
        DENIAL,
        "Denies the facts",
        "corroborated",
        act.code,
        "Умаров Магомед",
        "Нельзя задержать тех, кого нет.",
        "1 April 2017",
    ):
        assert text in page
    assert 'lang="ru"' in page
    assert [
        e.action
        for e in AuditEntry.objects.filter(
            action__in=["documentation.statement_recorded", "documentation.statement_linked"]
        ).order_by("seq")
    ] == ["documentation.statement_recorded", "documentation.statement_linked"]
    # The event's page shows what the official said beside the act.
    assert (
        "Denies the facts"
        in client.get(f"/documentation/events/{act.event.code}/").content.decode()
    )


@pytest.mark.django_db
def test_a_statement_already_recorded_is_set_beside_another_act(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        first = record_detention(desk.documenter).act
        second = record_detention(desk.documenter, victim="Second victim").act
        statement = statements.record_statement(
            desk.documenter,
            speaker="The spokesman",
            quote=DENIAL,
            stance=term("stance", "L-DENIES"),
        )
        statements.link_statement(desk.documenter, statement, event=first.event, act=first)
        actions.change_act(second, by=desk.documenter, version=1, verification="verified")
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post(
        f"/documentation/acts/{second.code}/statement/",
        {"statement": statement.code, "passage": ""},
    )
    assert response.status_code == 302
    page = client.get(f"/documentation/statements/{statement.code}/").content.decode()
    assert first.code in page
    assert second.code in page
    assert "verified" in page
    # The same act twice is refused in words.
    again = client.post(
        f"/documentation/acts/{second.code}/statement/", {"statement": statement.code}
    )
    assert again.status_code == 400
    assert "already set beside this" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_a_commitments_status_changes_are_dated_and_sourced(desk: Desk) -> None:
    import datetime as dt

    commitment = statements.record_commitment(
        desk.documenter,
        promised_by="The federal ombudsman",
        promise="An investigation to establish the complete truth.",
        promised_on=dt.date(2017, 4, 20),
    )
    with pytest.raises(actions.Refused, match="known from"):
        statements.change_commitment_status(
            commitment,
            by=desk.documenter,
            version=1,
            status="not_kept",
            changed_on=dt.date(2018, 1, 1),
        )
    statements.change_commitment_status(
        commitment,
        by=desk.documenter,
        version=1,
        status="not_kept",
        changed_on=dt.date(2018, 1, 1),
        reference="OSCE Moscow Mechanism report, December 2018",
    )
    statements.change_commitment_status(
        commitment,
        by=desk.documenter,
        version=2,
        status="not_kept",
        changed_on=dt.date(2019, 1, 1),
        reference="A second report",
    )
    assert commitment.status == "not_kept"
    assert commitment.version == 3
    with pytest.raises(actions.Refused, match="follow-up"):
        statements.change_commitment(commitment, by=desk.documenter, version=3, status="kept")
    statements.change_commitment(
        commitment, by=desk.documenter, version=3, promised_to="The President"
    )
    with pytest.raises(actions.StaleRecord):
        statements.change_commitment(commitment, by=desk.colleague, version=3, promise="Else")
    assert [c.changed_on.year for c in commitment.changes.all()] == [2018, 2019]
