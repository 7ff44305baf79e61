"""An event's page says who did what to whom: each act with its victim, its
perpetrators with their part, unit and rank, its sources and what
officials said of it. More acts and perpetrators are added to an event
from it (a person chosen from the event, by code, or new, with people of
a similar name offered first), and a perpetrator's part is corrected
with optimistic locking."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, people, statements
from safepassage.documentation.models import Act, Involvement, Person
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


def new_act(**changes: Any) -> dict[str, Any]:
    data = {
        "act_type": str(term("act_type", "020111110000").pk),
        "start_precision": "month",
        "start_year": "2017",
        "start_month": "3",
        "end_precision": "unknown",
        "place_precision": "district",
        "place_area": str(term("place", "L-RU-CE-ARGUN").pk),
        "verification": "corroborated",
        "victim_name": "Исаев Руслан",
        "victim_kind": "individual",
        "perpetrator_type": str(term("perpetrator_type", "L-SPECIAL-POLICE").pk),
        "degree": str(term("involvement_degree", "010100000000").pk),
        "perpetrator_name": "Officer known as Lom",
        "perpetrator_kind": "individual",
        "unit": "Terek",
        "rank": "sergeant",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_page_says_who_did_what_to_whom(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter, perpetrator="Лейтенант Дадаев")
        involvement = recorded.act.involvements.get()
        actions.change_involvement(involvement, by=desk.documenter, version=1, rank="lieutenant")
        denial = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="Nobody was detained.",
            stance=term("stance", "L-DENIES"),
        )
        statements.link_statement(desk.documenter, denial, event=recorded.event, act=recorded.act)
    page = client.get(f"/documentation/events/{recorded.event.code}/").content.decode()
    row = page[page.index(f'id="act-{recorded.act.code}"') :]
    row = row[: row.index("</tr>")]
    for expected in (
        "Arbitrary detention",
        "Умаров Магомед",
        "Лейтенант Дадаев",
        "Directly carried out the act",
        "unit Unit 4",
        "lieutenant",
        "Witness W-3",
        "Likely reliable",
        "A spokesman",
        "Denies the facts",
        "reported",
    ):
        assert expected in row, expected


@pytest.mark.django_db
def test_an_act_is_added_with_a_new_victim_and_perpetrator(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    url = f"/documentation/events/{event.code}/acts/new/"
    form = client.get(url).content.decode()
    # The event's people are offered, and its date and place are the start.
    assert "Умаров Магомед" in form
    assert 'name="start_precision"' in form
    response = client.post(url, new_act())
    assert response.status_code == 302
    with using_keyring(desk.vault.keyring):
        act = Act.objects.get(event=event, verification="corroborated")
        assert act.victim.name == "Исаев Руслан"
        assert str(act.start) == "2017-03"
        involvement = act.involvements.get()
        assert involvement.perpetrator.name == "Officer known as Lom"
        assert (involvement.unit, involvement.rank) == ("Terek", "sergeant")
    assert response["Location"].endswith(f"#act-{act.code}")
    for action in ("act_recorded", "involvement_recorded", "person_recorded"):
        assert AuditEntry.objects.filter(action=f"documentation.{action}").exists()


@pytest.mark.django_db
def test_the_victim_can_be_someone_of_the_event_and_the_perpetrator_unknown(
    desk: Desk, client: Client
) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    people_before = Person.objects.count()
    response = client.post(
        f"/documentation/events/{recorded.event.code}/acts/new/",
        new_act(
            victim_existing=recorded.victim.code,
            victim_name="",
            perpetrator_type="",
            degree="",
            perpetrator_name="",
            unit="",
            rank="",
        ),
    )
    assert response.status_code == 302
    act = Act.objects.exclude(pk=recorded.act.pk).get()
    assert act.victim == recorded.victim
    assert not act.involvements.exists()
    assert Person.objects.count() == people_before


@pytest.mark.django_db
def test_people_of_a_similar_name_are_offered_before_a_new_one(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        elsewhere = people.record_person(desk.documenter, name="Isaev Ruslan")
    url = f"/documentation/events/{event.code}/acts/new/"
    offered = client.post(url, new_act())
    assert offered.status_code == 200
    page = offered.content.decode()
    assert "Are these people already recorded?" in page
    assert f'value="{elsewhere.code}"' in page
    assert not Act.objects.filter(event=event, verification="corroborated").exists()
    # Chosen: the act is the known person's; no one new is recorded.
    chosen = client.post(url, new_act(people_checked="on", victim_existing=elsewhere.code))
    assert chosen.status_code == 302
    assert Act.objects.get(event=event, verification="corroborated").victim == elsewhere


@pytest.mark.django_db
def test_bad_input_is_refused_in_words_and_kept(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    url = f"/documentation/events/{event.code}/acts/new/"
    response = client.post(url, new_act(perpetrator_type="", people_checked="on"))
    assert response.status_code == 400
    assert "Say what kind of perpetrator it was." in response.content.decode()
    assert "Officer known as Lom" in response.content.decode()
    response = client.post(url, new_act(victim_name="", victim_code="P-NOSUCH"))
    assert response.status_code == 400
    assert "Nobody you may see has the code P-NOSUCH." in response.content.decode()
    response = client.post(url, new_act(victim_name=""))
    assert response.status_code == 400
    assert "Choose the victim, or give a new victim&#x27;s name." in response.content.decode()
    assert Act.objects.count() == 1


@pytest.mark.django_db
def test_another_perpetrator_is_added_to_an_act(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    response = client.post(
        f"/documentation/acts/{recorded.act.code}/perpetrators/new/",
        {
            "perpetrator_type": str(term("perpetrator_type", "L-REGIONAL-FORCES").pk),
            "degree": str(term("involvement_degree", "010200000000").pk),
            "perpetrator_name": "",
            "perpetrator_kind": "individual",
            "unit": "Battalion North",
            "rank": "",
        },
    )
    assert response.status_code == 302
    with using_keyring(desk.vault.keyring):
        units = sorted(i.unit for i in Involvement.objects.filter(act=recorded.act))
    assert units == ["Battalion North", "Unit 4"]


@pytest.mark.django_db
def test_a_perpetrators_part_is_corrected_with_optimistic_locking(
    desk: Desk, client: Client
) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        involvement = recorded.act.involvements.get()
        actions.change_involvement(
            Involvement.objects.get(pk=involvement.pk),
            by=desk.colleague,
            version=1,
            rank="captain",
        )
    url = f"/documentation/involvements/{involvement.pk}/edit/"
    form = {
        "version": "1",
        "perpetrator_type": str(involvement.perpetrator_type_id),
        "degree": str(involvement.degree_id),
        "unit": "Unit 4",
        "rank": "major",
    }
    refused = client.post(url, form)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record" in page
    assert "captain" in page
    assert 'value="major"' in page
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    with using_keyring(desk.vault.keyring):
        assert Involvement.objects.get(pk=involvement.pk).rank == "major"


@pytest.mark.django_db
def test_the_page_takes_a_bounded_number_of_queries(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
    url = f"/documentation/events/{recorded.event.code}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with using_keyring(desk.vault.keyring):
        for number in range(6):
            act = actions.record_act(
                desk.documenter,
                event=recorded.event,
                victim=people.record_person(desk.documenter, name=f"Victim {number}"),
                act_type=term("act_type", "020111110000"),
            )
            actions.record_involvement(
                desk.documenter,
                act=act,
                degree=term("involvement_degree", "010100000000"),
                perpetrator_type=term("perpetrator_type", "010104000000"),
                perpetrator=people.record_person(desk.documenter, name=f"Officer {number}"),
            )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
