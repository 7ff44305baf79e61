"""The event list at scale: pages of fifty, newest first, found without
counting every match (Newer and Older say where one can go), and the
same queries for any number of events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.documentation import actions
from safepassage.documentation.precision import FuzzyDate
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.mark.django_db
def test_the_list_goes_page_by_page_without_counting_every_event(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        for day in range(53):
            actions.record_event(
                desk.documenter,
                title=f"Event of day {day}",
                start=FuzzyDate.exact(dt.date(2017, 1, 1) + dt.timedelta(days=day)),
            )
    client = Client()
    sign_in(client, desk.documenter)
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/documentation/").content.decode()
    assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
    assert "Event of day 52" in first
    assert "Event of day 3<" in first
    assert "Event of day 2<" not in first
    assert "Page 1" in first
    assert "?page=2" in first
    assert "Newer" not in first
    second = client.get("/documentation/?page=2").content.decode()
    assert "Event of day 2<" in second
    assert "Event of day 0<" in second
    assert "Event of day 3<" not in second
    assert "Page 2" in second
    assert "?page=1" in second
    assert "Older" not in second
    # A page beyond the last, or not a number, is no error.
    assert client.get("/documentation/?page=9").status_code == 200
    assert "Event of day 52" in client.get("/documentation/?page=x").content.decode()


@pytest.mark.django_db
def test_a_filtered_list_takes_the_same_queries_for_few_events_or_many(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    police = f"perpetrator_type={term('perpetrator_type', '010104000000').pk}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/documentation/?{police}&period_from=2017-01-01").status_code == 200
        return len(captured.captured_queries)

    with using_keyring(desk.vault.keyring):
        record_detention(desk.documenter)
    few = queries()
    with using_keyring(desk.vault.keyring):
        for number in range(8):
            record_detention(desk.documenter, title=f"Detention {number}")
    assert queries() == few
