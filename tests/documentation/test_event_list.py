"""Finding events again: by act type (a term finds the terms below it), by
period (the days an event may have happened on meet the period), by
place, by perpetrator type and by how far an act is established."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.documentation import search
from safepassage.documentation.models import Act
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def events(desk: Desk) -> dict[str, str]:
    with using_keyring(desk.vault.keyring):
        made = {
            "argun": record_detention(
                desk.documenter, title="Argun detention", start=FuzzyDate.parse("2017-03-late")
            ),
            "grozny": record_detention(
                desk.documenter,
                title="Grozny torture",
                act_type="020111110000",
                start=FuzzyDate.parse("2017-04"),
                place=Place.of("district", term("place", "L-RU-CE-GROZNY")),
                perpetrator_type="010106000000",
                verification="verified",
            ),
            "family": record_detention(
                desk.documenter,
                title="Family violence",
                act_type="L-HONOUR-VIOLENCE",
                start=FuzzyDate.parse("2017-summer"),
                place=Place.of("region", term("place", "L-RU-DA")),
                perpetrator_type="L-RELATIVES",
                verification="corroborated",
            ),
            "unknown": record_detention(
                desk.documenter, title="Date unknown", start=FuzzyDate.unknown()
            ),
        }
    return {name: recorded.event.code for name, recorded in made.items()}


def shown(client: Client, events: dict[str, str], **filters: str) -> set[str]:
    response = client.get("/documentation/", filters)
    assert response.status_code == 200
    page = response.content.decode()
    return {name for name, code in events.items() if code in page}


@pytest.mark.django_db
def test_the_list_filters_by_each_main_field(desk: Desk, events: dict[str, str]) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    assert shown(client, events) == set(events)
    # A broad term finds what is below it.
    liberty = term("act_type", "030000000000").pk
    assert shown(client, events, act_type=str(liberty)) == {"argun", "unknown"}
    integrity = term("act_type", "020000000000").pk
    assert shown(client, events, act_type=str(integrity)) == {"grozny", "family"}
    # "Late March" meets 29 March to 2 April; April does too; summer does not.
    assert shown(client, events, period_from="2017-03-29", period_to="2017-04-02") == {
        "argun",
        "grozny",
    }
    assert shown(client, events, period_from="2017-07-15") == {"family"}
    chechnya = term("place", "L-RU-CE").pk
    assert shown(client, events, place=str(chechnya)) == {"argun", "grozny", "unknown"}
    state = term("perpetrator_type", "010000000000").pk
    assert shown(client, events, perpetrator_type=str(state)) == {"argun", "grozny", "unknown"}
    relatives = term("perpetrator_type", "110000000000").pk
    assert shown(client, events, perpetrator_type=str(relatives)) == {"family"}
    assert shown(client, events, verification="verified") == {"grozny"}
    assert shown(client, events, verification="reported") == {"argun", "unknown"}
    assert shown(client, events, act_type=str(integrity), verification="corroborated") == {"family"}
    listed = AuditEntry.objects.filter(action="documentation.events_listed").last()
    assert listed.details == {"shown": 1, "filtered": True, "searched": False}


@pytest.mark.django_db
@pytest.mark.parametrize("listed_up_to", [0, 20_000])
def test_a_place_finds_events_there_or_with_an_act_there_whichever_way_it_is_asked(
    desk: Desk, events: dict[str, str], listed_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small place is listed first; a large one checked event by event
    # (search.LISTED_UP_TO): both give the same events.
    monkeypatch.setattr(search, "LISTED_UP_TO", listed_up_to)
    grozny = term("place", "L-RU-CE-GROZNY")
    Act.objects.filter(event__code=events["family"]).update(place_area=grozny)
    client = Client()
    sign_in(client, desk.documenter)
    with CaptureQueriesContext(connection) as asked:
        assert shown(client, events, place=str(grozny.pk)) == {"grozny", "family"}
    listed = any(" UNION " in query["sql"] for query in asked.captured_queries)
    assert listed == bool(listed_up_to)
    chechnya = term("place", "L-RU-CE").pk
    assert shown(client, events, place=str(chechnya)) == set(events)
    assert shown(client, events, place=str(term("place", "L-RU-DA").pk)) == {"family"}
    integrity = term("act_type", "020000000000").pk
    assert shown(client, events, place=str(chechnya), act_type=str(integrity)) == {
        "grozny",
        "family",
    }
    assert shown(client, events, place=str(grozny.pk), period_from="2017-07-01") == {"family"}


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_refused_in_words(
    desk: Desk, events: dict[str, str]
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    response = client.get(
        "/documentation/", {"period_from": "2017-05-01", "period_to": "2017-04-01"}
    )
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


@pytest.mark.django_db
def test_the_list_takes_a_bounded_number_of_queries(desk: Desk, events: dict[str, str]) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    client.get("/documentation/")
    with CaptureQueriesContext(connection) as few:
        client.get("/documentation/")
    with using_keyring(desk.vault.keyring):
        for number in range(12):
            record_detention(desk.documenter, title=f"More {number}")
    with CaptureQueriesContext(connection) as many:
        client.get("/documentation/")
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_list_reads_only_what_it_shows_of_acts_and_perpetrators(
    desk: Desk, events: dict[str, str]
) -> None:
    """No person's row, no sealed column of an event, an act or a part,
    and each term once for the page (bench/README.md: the rows' own work)."""
    client = Client()
    sign_in(client, desk.documenter)
    client.get("/documentation/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/documentation/").content.decode()
    assert term("act_type", "L-ARBITRARY-DETENTION").label_en in page
    read = [query["sql"] for query in queries.captured_queries]
    acts = [sql for sql in read if 'FROM "documentation_act"' in sql and "act_type_id" in sql]
    assert acts
    assert all('"method"' not in sql for sql in acts)
    parts = [sql for sql in read if 'FROM "documentation_involvement"' in sql]
    assert parts
    assert all('"unit"' not in sql and "documentation_act" not in sql for sql in parts)
    assert not [sql for sql in read if 'FROM "documentation_person"' in sql]
    assert not [sql for sql in read if 'JOIN "documentation_person"' in sql]
    # The events with the columns shown (no description), their places
    # apart from them (not joined to each event).
    events = [sql for sql in read if 'FROM "documentation_event"' in sql and '"title"' in sql]
    assert events
    assert all('"description"' not in sql and "JOIN" not in sql for sql in events)


@pytest.mark.django_db
def test_the_filters_keep_the_terms_chosen(desk: Desk, events: dict[str, str]) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    detention = term("act_type", "L-ARBITRARY-DETENTION")
    police = term("perpetrator_type", "010104000000")
    page = client.get(
        "/documentation/", {"act_type": detention.pk, "perpetrator_type": police.pk}
    ).content.decode()
    assert '<select name="act_type" id="id_act_type">' in page
    assert f'<option value="{detention.pk}" selected>' in page
    assert f'<option value="{police.pk}" selected>' in page
    assert f'<option value="{term("act_type", "L-FORCED-OUTING").pk}">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["April 2017", "Grozny", "Torture", "Intelligence agency; secret service"]),
        ("ru", ["Апрель 2017", "Грозный", "Пытки", "Спецслужбы"]),
    ],
)
def test_each_row_shows_when_where_what_and_by_whom_in_the_readers_language(
    desk: Desk, events: dict[str, str], language: str, words: list[str]
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get("/documentation/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    before, after = page.split(events["grozny"], 1)
    cells = before.rsplit("<tr>", 1)[1] + after.split("</tr>", 1)[0]
    for word in words:
        assert word in cells
    verified = "проверено" if language == "ru" else "verified"
    assert f'<span class="badge verification-verified">{verified}</span>' in cells


@pytest.mark.django_db
def test_a_term_label_with_markup_is_shown_as_text(desk: Desk) -> None:
    from safepassage.documentation import vocabularies
    from safepassage.documentation.models import Vocabulary

    labels = {"en": "<b>Beaten</b> & held", "ru": "<b>Избит</b>", "fr": "<b>Battu</b>"}
    vocabularies.add_term(
        Vocabulary.objects.get(key="act_type"), labels=labels, by=None, code="L-TEST-MARKUP"
    )
    with using_keyring(desk.vault.keyring):
        record_detention(desk.documenter, act_type="L-TEST-MARKUP", perpetrator_type="L-RELATIVES")
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get("/documentation/").content.decode()
    assert "&lt;b&gt;Beaten&lt;/b&gt; &amp; held" in page
    assert "<b>Beaten</b>" not in page
