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
    assert "More than 50 events" in first
    second = client.get("/documentation/?page=2").content.decode()
    assert "Event of day 2<" in second
    assert "Event of day 0<" in second
    assert "Event of day 3<" not in second
    assert "Page 2" in second
    assert "?page=1" in second
    assert "Older" not in second
    assert "53 events" in second
    # A page beyond the last, or not a number, is no error.
    beyond = client.get("/documentation/?page=9")
    assert beyond.status_code == 200
    assert "?page=8" in beyond.content.decode()
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


@pytest.mark.django_db
def test_events_of_unknown_date_come_last_by_code_across_the_pages(desk: Desk) -> None:
    """The list reads the dated events, newest first (by code within a
    day), then those of unknown date (by code): a page may hold the end of
    the one and the start of the other, and a page past the end still
    says where to go."""
    made = []
    with using_keyring(desk.vault.keyring):
        for number in range(48):
            day = dt.date(2017, 1, 1) + dt.timedelta(days=number // 2)  # two a day
            made.append(
                actions.record_event(
                    desk.documenter, title=f"Dated {number}", start=FuzzyDate.exact(day)
                )
            )
        for number in range(5):
            made.append(
                actions.record_event(
                    desk.documenter, title=f"Undated {number}", start=FuzzyDate.unknown()
                )
            )
    dated = sorted(made[:48], key=lambda e: (-e.period_from.toordinal(), e.code))
    undated = sorted(made[48:], key=lambda e: e.code)
    client = Client()
    sign_in(client, desk.documenter)

    def codes(page: int) -> list[str]:
        response = client.get(f"/documentation/?page={page}")
        rows = response.context["rows"]
        return [row["event"].code for row in rows]

    assert codes(1) == [e.code for e in dated + undated[:2]]
    assert codes(2) == [e.code for e in undated[2:]]
    second = client.get("/documentation/?page=2").content.decode()
    assert "53 events" in second
    beyond = client.get("/documentation/?page=4").content.decode()
    assert "?page=3" in beyond
    assert "No event on this page" in beyond
