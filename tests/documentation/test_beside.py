"""Statements beside the facts: the statement list says at a glance, for
each official statement, how many acts it is set beside and how far each
is established (as far as the reader may see them); a statement's page
gives each act with the passage quoted; the list filters by stance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.documentation import actions, statements
from safepassage.documentation.models import Statement
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


def _denial(desk: Desk, **changes: object) -> Statement:
    values = {
        "speaker": "A spokesman of the head of the republic",
        "quote": "There are no such people in Chechnya.",
        "stance": term("stance", "L-DENIES"),
        "said_on": dt.date(2017, 4, 1),
        **changes,
    }
    return statements.record_statement(desk.documenter, **values)  # type: ignore[arg-type]


def glance(page: str, statement: Statement) -> str:
    row = page[: page.index(f"/documentation/statements/{statement.code}/")]
    return row[row.rindex("<tr>") :]


@pytest.mark.django_db
def test_the_list_shows_each_statement_beside_the_facts(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        denial = _denial(desk)
        promise = _denial(desk, speaker="A minister", stance=term("stance", "L-PROMISES"))
        for verification in ("verified", "verified", "reported"):
            recorded = record_detention(desk.documenter, verification=verification)
            statements.link_statement(
                desk.documenter, denial, event=recorded.event, act=recorded.act, passage="no such"
            )
        whole = record_detention(desk.documenter, title="The whole wave").event
        statements.link_statement(desk.documenter, denial, event=whole)
        hidden = record_detention(
            desk.documenter, verification="corroborated", confidentiality="restricted"
        )
        statements.link_statement(desk.documenter, denial, event=hidden.event, act=hidden.act)
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get("/documentation/statements/").content.decode()
    row = glance(page, denial)
    assert "4 acts" in row
    assert "verified: 2" in row
    assert "corroborated: 1" in row
    assert "reported: 1" in row
    assert "1 event as a whole" in row
    assert "not set beside any fact you may see" in glance(page, promise)
    # Someone the restricted event is not shared with does not count it.
    sign_in(client, desk.stranger)
    row = glance(client.get("/documentation/statements/").content.decode(), denial)
    assert "3 acts" in row
    assert "corroborated" not in row
    # A stance finds its statements.
    denies = term("stance", "L-DENIES").pk
    page = client.get("/documentation/statements/", {"stance": str(denies)}).content.decode()
    assert denial.code in page
    assert promise.code not in page


@pytest.mark.django_db
def test_the_statement_page_gives_each_act_its_passage_and_status(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        denial = _denial(desk)
        recorded = record_detention(desk.documenter)
        statements.link_statement(
            desk.documenter,
            denial,
            event=recorded.event,
            act=recorded.act,
            passage="no such people",
        )
        actions.change_act(recorded.act, by=desk.documenter, version=1, verification="verified")
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get(f"/documentation/statements/{denial.code}/").content.decode()
    beside = page[page.index('class="responsive beside"') :]
    assert "«no such people»" in beside
    assert recorded.act.code in beside
    assert "Умаров Магомед" in beside
    assert "verified" in beside


@pytest.mark.django_db
def test_the_list_takes_a_bounded_number_of_queries(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        statements.link_statement(
            desk.documenter, _denial(desk), event=recorded.event, act=recorded.act
        )
    client = Client()
    sign_in(client, desk.documenter)
    client.get("/documentation/statements/")
    with CaptureQueriesContext(connection) as few:
        client.get("/documentation/statements/")
    with using_keyring(desk.vault.keyring):
        for number in range(6):
            statement = _denial(desk, speaker=f"Official {number}")
            statements.link_statement(
                desk.documenter, statement, event=recorded.event, act=recorded.act
            )
    with CaptureQueriesContext(connection) as many:
        client.get("/documentation/statements/")
    assert len(many) == len(few)
