"""The timeline: acts (and events with no act yet) in the order of the first
day each may have happened on, each date shown as precisely as it is
known with the days it may cover, unknown dates last; filtered like the
list, page by page, in a bounded number of queries."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions
from safepassage.documentation.models import Act, Event
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def recorded(desk: Desk) -> dict[str, str]:
    """Codes of acts and events, by name."""
    with using_keyring(desk.vault.keyring):
        spring = record_detention(
            desk.documenter, title="Spring roundup", start=FuzzyDate.parse("2017-spring")
        )
        march = record_detention(
            desk.documenter,
            title="March torture",
            act_type="020111110000",
            start=FuzzyDate.parse("2017-03"),
        )
        # A second act in the spring event, on a known day.
        exact = actions.record_act(
            desk.documenter,
            event=spring.event,
            victim=spring.victim,
            act_type=term("act_type", "020111110000"),
            start=FuzzyDate.parse("2017-04-10"),
        )
        unknown = record_detention(desk.documenter, title="No date", start=FuzzyDate.unknown())
        bare = actions.record_event(
            desk.documenter,
            title="Reported, no act yet",
            start=FuzzyDate.parse("2017-03-early"),
            place=Place.of("district", term("place", "L-RU-CE-GROZNY")),
        )
    return {
        "spring": spring.act.code,
        "march": march.act.code,
        "exact": exact.code,
        "unknown": unknown.act.code,
        "bare": bare.code,
    }


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


def order(page: str, recorded: dict[str, str]) -> list[str]:
    """The names of what the page shows, in the order it shows them."""
    found = {name: page.find(f"#act-{code}") for name, code in recorded.items()}
    found["bare"] = page.find(f"/documentation/events/{recorded['bare']}/")
    return [name for name, at in sorted(found.items(), key=lambda item: item[1]) if at >= 0]


def items(page: str) -> list[str]:
    return re.findall(r'<li class="timeline-item[^"]*">(.*?)</li>', page, flags=re.S)


@pytest.mark.django_db
def test_it_orders_acts_by_the_first_day_they_may_have_happened(
    client: Client, recorded: dict[str, str]
) -> None:
    response = client.get("/documentation/timeline/")
    assert response.status_code == 200
    page = response.content.decode()
    # Spring and March both begin on 1 March (spring ends later), early
    # March ends sooner; 10 April; the unknown date last.
    assert order(page, recorded) == ["bare", "march", "spring", "exact", "unknown"]
    assert "2017</h2>" in page
    assert "Date unknown</h2>" in page
    assert AuditEntry.objects.filter(action="documentation.timeline_shown").last().details == {
        "shown": 5,
        "filtered": False,
        "searched": False,
    }


@pytest.mark.django_db
def test_each_date_is_shown_as_precisely_as_it_is_known(
    client: Client, recorded: dict[str, str]
) -> None:
    shown = items(client.get("/documentation/timeline/").content.decode())
    by_act = {name: next(i for i in shown if code in i) for name, code in recorded.items()}
    assert "spring 2017" in by_act["spring"]
    assert "between 1 March 2017 and 31 May 2017" in by_act["spring"]
    assert "March 2017" in by_act["march"]
    assert "between 1 March 2017 and 31 March 2017" in by_act["march"]
    assert "early March 2017" in by_act["bare"]
    assert "No act has been recorded in this event." in by_act["bare"]
    # One known day: no span to give.
    assert "10 April 2017" in by_act["exact"]
    assert "between" not in by_act["exact"]
    assert "date unknown" in by_act["unknown"]


@pytest.mark.django_db
def test_dates_read_in_the_readers_language(client: Client, recorded: dict[str, str]) -> None:
    client.cookies["django_language"] = "ru"
    page = client.get("/documentation/timeline/").content.decode()
    assert "весна 2017" in page
    assert "Дата неизвестна" in page


@pytest.mark.django_db
def test_it_is_filtered_like_the_list(client: Client, recorded: dict[str, str]) -> None:
    torture = term("act_type", "020111110000").pk
    page = client.get("/documentation/timeline/", {"act_type": str(torture)}).content.decode()
    # Only the acts of that type, not the other acts of the same events.
    assert order(page, recorded) == ["march", "exact"]
    # A period keeps the acts whose own days meet it.
    page = client.get(
        "/documentation/timeline/", {"period_from": "2017-04-05", "period_to": "2017-04-15"}
    ).content.decode()
    assert order(page, recorded) == ["spring", "exact"]
    grozny = term("place", "L-RU-CE-GROZNY").pk
    page = client.get("/documentation/timeline/", {"place": str(grozny)}).content.decode()
    assert order(page, recorded) == ["bare"]
    page = client.get("/documentation/timeline/", {"name": "Magomed Umarov"}).content.decode()
    assert order(page, recorded) == ["march", "spring", "exact", "unknown"]


@pytest.mark.django_db
def test_a_restricted_event_is_left_out_for_others_and_its_reads_audited(
    desk: Desk, client: Client, recorded: dict[str, str]
) -> None:
    with using_keyring(desk.vault.keyring):
        hidden = record_detention(
            desk.documenter, title="Hidden detention", confidentiality="restricted"
        )
    other = Client()
    sign_in(other, desk.stranger)
    page = other.get("/documentation/timeline/").content.decode()
    assert hidden.act.code not in page
    assert "Hidden detention" not in page
    assert not AuditEntry.objects.filter(action="documentation.restricted_event_read").exists()
    assert hidden.act.code in client.get("/documentation/timeline/").content.decode()
    read = AuditEntry.objects.get(action="documentation.restricted_event_read")
    assert read.target == f"event:{hidden.event.pk}"
    assert read.details == {"page": "timeline"}


@pytest.mark.django_db
def test_it_takes_a_bounded_number_of_queries(
    desk: Desk, client: Client, recorded: dict[str, str]
) -> None:
    client.get("/documentation/timeline/")
    with CaptureQueriesContext(connection) as few:
        client.get("/documentation/timeline/")
    with using_keyring(desk.vault.keyring):
        for number in range(8):
            record_detention(desk.documenter, title=f"More {number}")
        actions.record_event(desk.documenter, title="Bare too", start=FuzzyDate.parse("2017"))
    with CaptureQueriesContext(connection) as many:
        client.get("/documentation/timeline/")
    assert len(many) == len(few)


@pytest.mark.django_db
def test_it_goes_page_by_page_without_counting_every_act(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        for number in range(53):
            record_detention(desk.documenter, title=f"Detention {number}")
        unknown = record_detention(desk.documenter, title="No date", start=FuzzyDate.unknown())
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/documentation/timeline/").content.decode()
    assert len(items(first)) == 50
    # Not counted: the acts seen so far, and a page more.
    assert "More than 50 acts" in first
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "Page 1</span>" in first
    second = client.get("/documentation/timeline/", {"page": "2"}).content.decode()
    # The last three acts of known date, then the one of unknown date.
    assert len(items(second)) == 4
    assert items(second)[-1].count(unknown.act.code) == 1
    assert "54 acts" in second
    assert "Later</a>" not in second
    assert "Earlier</a>" in second
    beyond = client.get("/documentation/timeline/", {"page": "3"}).content.decode()
    assert not items(beyond)
    assert "No act on this page: the earlier pages hold them all." in beyond


@pytest.mark.django_db
def test_it_reads_only_what_it_shows_of_acts_victims_and_perpetrators(
    client: Client, recorded: dict[str, str]
) -> None:
    """No sealed column an act, a victim or a part does not show, no term
    joined to each act (each is read once for the page), and no part, nor
    the page's acts read by id, sorted by joining its act or its event
    again (bench/README.md: the page's own work)."""
    client.get("/documentation/timeline/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/documentation/timeline/").content.decode()
    assert term("act_type", "020111110000").label_en in page
    assert "Умаров Магомед" in page
    read = [query["sql"] for query in queries.captured_queries]
    acts = [sql for sql in read if 'FROM "documentation_act"' in sql and '"code"' in sql]
    assert acts
    assert all('"method"' not in sql and "documentation_term" not in sql for sql in acts)
    by_id = [sql for sql in acts if '"documentation_act"."id" IN (' in sql]
    assert by_id
    assert all("documentation_event" not in sql and "ORDER BY" not in sql for sql in by_id)
    people = [sql for sql in read if 'FROM "documentation_person"' in sql]
    assert people
    assert all('"born"' not in sql and '"contact"' not in sql for sql in people)
    assert not [sql for sql in read if 'JOIN "documentation_person"' in sql]
    parts = [sql for sql in read if 'FROM "documentation_involvement"' in sql]
    assert parts
    assert all('"unit"' not in sql and "documentation_act" not in sql for sql in parts)


@pytest.mark.django_db
def test_its_pages_run_on_from_the_dated_acts_to_the_undated(
    desk: Desk, recorded: dict[str, str]
) -> None:
    from safepassage.documentation import search
    from safepassage.documentation.models import Act

    in_order = search.timeline(desk.documenter, {})
    codes = dict(Act.objects.values_list("pk", "code"))
    whole = [codes[pk] for pk in in_order[0:10]]
    assert whole == [recorded[name] for name in ("march", "spring", "exact", "unknown")]
    for start, stop in [(0, 2), (2, 4), (3, 5), (4, 6), (5, 9), (1, 4)]:
        assert [codes[pk] for pk in in_order[start:stop]] == whole[start:stop]


def _without_acts(client: Client) -> list[str]:
    """The codes of the events the timeline shows as "recorded with no act yet"."""
    return [event.code for event in client.get("/documentation/timeline/").context["lonely"]]


@pytest.mark.django_db
def test_an_event_is_there_with_no_act_until_its_first_act_is_recorded(
    desk: Desk, client: Client, recorded: dict[str, str]
) -> None:
    assert _without_acts(client) == [recorded["bare"]]
    bare = Event.objects.get(code=recorded["bare"])
    assert not bare.has_acts
    with using_keyring(desk.vault.keyring):
        actions.record_act(
            desk.documenter,
            event=bare,
            victim=Act.objects.get(code=recorded["spring"]).victim,
            act_type=term("act_type", "020111110000"),
        )
    # On the instance the caller holds, and in the database.
    assert bare.has_acts
    bare.refresh_from_db()
    assert bare.has_acts
    assert _without_acts(client) == []


@pytest.mark.django_db
def test_the_upgrade_marks_the_events_that_already_have_acts(recorded: dict[str, str]) -> None:
    """What migration 0010 does for the events recorded before it."""
    upgrade = import_module("safepassage.documentation.migrations.0010_event_has_acts")
    Event.objects.update(has_acts=False)
    upgrade.mark_events_with_acts(django_apps, None)
    assert list(Event.objects.filter(has_acts=False).values_list("code", flat=True)) == [
        recorded["bare"]
    ]
