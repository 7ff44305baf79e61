"""Finding events again beyond the main fields: by a perpetrator's unit
(its blind index), by the source's connection to the facts and
reliability (one and the same account), and by a victim's, perpetrator's
or source's name (the vault's encrypted directory, in either alphabet),
page by page; a name search opens no row to search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people as documentation_people
from safepassage.documentation.models import Person
from safepassage.documentation.views import shared
from safepassage.vault.fields import EncryptedField
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def events(desk: Desk) -> dict[str, str]:
    with using_keyring(desk.vault.keyring):
        made = {
            "checkpoint": record_detention(
                desk.documenter,
                title="Checkpoint detention",
                victim="Умаров Магомед",
                unit="Patrol and checkpoint service",
                perpetrator="Лейтенант Дадаев",
                source="Novaya Gazeta",
                connection="030100000000",
                reliability="010000000000",
            ),
            "basement": record_detention(
                desk.documenter,
                title="Basement in Argun",
                victim="Исаев Руслан",
                unit="Terek special unit",
                source="Another detainee",
                connection="L-FELLOW-DETAINEE",
                reliability="030000000000",
            ),
            "family": record_detention(
                desk.documenter,
                title="Family violence",
                victim="Хеда Алиева",
                act_type="L-HONOUR-VIOLENCE",
                perpetrator_type="L-RELATIVES",
                unit="",
                source="Хеда Алиева",
                connection="010100000000",
                reliability="020000000000",
            ),
        }
    return {name: recorded.event.code for name, recorded in made.items()}


def shown(client: Client, events: dict[str, str], **filters: str) -> set[str]:
    response = client.get("/documentation/", filters)
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.content.decode()
    return {name for name, code in events.items() if code in page}


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


@pytest.mark.django_db
def test_it_finds_the_events_of_a_unit_written_as_recorded(
    client: Client, events: dict[str, str]
) -> None:
    assert shown(client, events, unit="Patrol and checkpoint service") == {"checkpoint"}
    # Case and spaces aside; another unit's name finds nothing else.
    assert shown(client, events, unit="  patrol AND checkpoint   service ") == {"checkpoint"}
    assert shown(client, events, unit="Terek special unit") == {"basement"}
    assert shown(client, events, unit="Terek") == set()


@pytest.mark.django_db
def test_it_finds_the_events_by_the_source_and_its_reliability(
    client: Client, events: dict[str, str]
) -> None:
    media = term("source_connection", "030100000000").pk
    assert shown(client, events, connection=str(media)) == {"checkpoint"}
    # A broad connection finds those below it: another detainee is a witness.
    involved = term("source_connection", "010000000000").pk
    assert shown(client, events, connection=str(involved)) == {"basement", "family"}
    unsure = term("reliability", "030000000000").pk
    assert shown(client, events, reliability=str(unsure)) == {"basement"}
    # Both must hold for one and the same account.
    likely = term("reliability", "020000000000").pk
    assert shown(client, events, connection=str(media), reliability=str(likely)) == set()
    assert shown(client, events, connection=str(involved), reliability=str(likely)) == {"family"}


@pytest.mark.django_db
def test_it_finds_the_events_of_a_name_in_either_alphabet(
    client: Client, events: dict[str, str]
) -> None:
    # Victims and perpetrators by default; a source only when asked.
    assert shown(client, events, name="Magomed Umarov") == {"checkpoint"}
    assert shown(client, events, name="Dadaev") == {"checkpoint"}
    assert shown(client, events, name="Исаев Руслан", name_role="victim") == {"basement"}
    assert shown(client, events, name="Dadaev", name_role="victim") == set()
    assert shown(client, events, name="Dadaev", name_role="perpetrator") == {"checkpoint"}
    assert shown(client, events, name="Novaya Gazeta") == set()
    assert shown(client, events, name="Novaya Gazeta", name_role="source") == {"checkpoint"}
    assert shown(client, events, name="Nobody Like This") == set()
    # A name with the other filters: all must hold.
    detention = term("act_type", "L-ARBITRARY-DETENTION").pk
    assert shown(client, events, name="Heda Alieva", act_type=str(detention)) == set()
    # The page says why an event matched: the names found in it.
    page = client.get("/documentation/", {"name": "Magomed Umarov"}).content.decode()
    assert "Names found:" in page
    assert "Умаров Магомед" in page
    listed = AuditEntry.objects.filter(action="documentation.events_listed").last()
    assert listed.details == {"shown": 1, "filtered": True, "searched": True}


@pytest.mark.django_db
def test_a_name_search_opens_no_row_to_search(
    desk: Desk, client: Client, events: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names are searched in the encrypted directory: more people make
    no more queries, and no person's row is opened but those shown."""
    client.get("/documentation/", {"name": "Magomed"})
    with CaptureQueriesContext(connection) as few:
        client.get("/documentation/", {"name": "Magomed"})
    with using_keyring(desk.vault.keyring):
        for number in range(15):
            documentation_people.record_person(desk.documenter, name=f"Magomed Other {number}x")
    opened: list[object] = []
    one_by_one = EncryptedField.open
    in_bulk = shared.open_rows

    def open_one(field: EncryptedField, instance: object, value: bytes) -> object:
        if isinstance(instance, Person):
            opened.append(instance.pk)
        return one_by_one(field, instance, value)  # type: ignore[arg-type]

    def open_many(rows: list, fields: object = None) -> int:
        opened.extend(row.pk for row in rows if isinstance(row, Person))
        return in_bulk(rows, fields)  # type: ignore[arg-type]

    monkeypatch.setattr(EncryptedField, "open", open_one)
    monkeypatch.setattr(shared, "open_rows", open_many)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/documentation/", {"name": "Magomed"})
    assert response.status_code == 200
    assert len(many) == len(few)
    victim = Person.objects.get(acts__event__code=events["checkpoint"])
    assert set(opened) == {victim.pk}


@pytest.mark.django_db
def test_a_stranger_finds_no_restricted_event_by_name(desk: Desk, events: dict[str, str]) -> None:
    with using_keyring(desk.vault.keyring):
        hidden = record_detention(
            desk.documenter,
            title="Hidden detention",
            victim="Зелимхан Бакаев",
            confidentiality="restricted",
        ).event.code
    client = Client()
    sign_in(client, desk.stranger)
    response = client.get("/documentation/", {"name": "Zelimkhan Bakaev"})
    assert hidden not in response.content.decode()
    assert "Зелимхан" not in response.content.decode()
    sign_in(client, desk.documenter)
    assert hidden in client.get("/documentation/", {"name": "Zelimkhan Bakaev"}).content.decode()


@pytest.mark.django_db
def test_the_list_goes_page_by_page_keeping_its_filters(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        for number in range(53):
            record_detention(desk.documenter, title=f"Detention {number}", unit="Unit 9")
        other = record_detention(desk.documenter, title="Another unit", unit="Unit 1").event
    first = client.get("/documentation/", {"unit": "Unit 9"}).content.decode()
    assert "53 events" in first
    assert first.count('data-label="Event"') == 50
    assert "unit=Unit+9&amp;page=2" in first
    second = client.get("/documentation/", {"unit": "Unit 9", "page": "2"}).content.decode()
    assert second.count('data-label="Event"') == 3
    assert other.code not in first + second
    assert "See them on the timeline" in first
    assert "/documentation/timeline/?unit=Unit+9" in first


@pytest.mark.django_db
def test_unknown_dates_come_last_on_every_database(desk: Desk, client: Client) -> None:
    from safepassage.documentation.precision import FuzzyDate

    with using_keyring(desk.vault.keyring):
        unknown = record_detention(desk.documenter, title="When?", start=FuzzyDate.unknown())
        known = record_detention(desk.documenter, title="Then", start=FuzzyDate.parse("2017-04"))
    page = client.get("/documentation/").content.decode()
    assert page.index(known.event.code) < page.index(unknown.event.code)
