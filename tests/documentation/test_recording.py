"""Recording an event in one step: the event, an act, its victim, a
perpetrator and a source, saved together or not at all; people already
recorded under a similar name are offered first; bad input loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people
from safepassage.documentation.models import Act, Event, Information, Involvement, Person
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, term


def flow(**changes: Any) -> dict[str, Any]:
    """What a documenter sends from the recording page."""
    data = {
        "title": "Detentions at the Argun checkpoint",
        "start_precision": "part_of_month",
        "start_year": "2017",
        "start_month": "3",
        "start_part": "late",
        "end_precision": "unknown",
        "place_precision": "locality",
        "place_area": str(term("place", "L-RU-CE-ARGUN").pk),
        "place_detail": "the checkpoint on the road to Gudermes",
        "description": "Three men were stopped at night.",
        "act_type": str(term("act_type", "L-ARBITRARY-DETENTION").pk),
        "method": "Held in a basement.",
        "verification": "reported",
        "victim_name": "Умаров Магомед",
        "victim_kind": "individual",
        "victim_sexual_orientation": str(term("sexual_orientation", "L-SO-PERCEIVED").pk),
        "perpetrator_type": str(term("perpetrator_type", "010104000000").pk),
        "degree": str(term("involvement_degree", "010100000000").pk),
        "perpetrator_name": "",
        "unit": "Patrol and checkpoint service",
        "source_name": "Witness W-3",
        "source_kind": "individual",
        "connection": str(term("source_connection", "L-FELLOW-DETAINEE").pk),
        "reliability": str(term("reliability", "020000000000").pk),
        "language": str(term("language", "ru").pk),
        "reported_on": "2017-04-20",
        "account": "He was in the same cell.",
        "confidentiality": "compartment",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_documenter_records_an_event_with_its_act_victim_perpetrator_and_source(
    desk: Desk,
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    assert client.get("/documentation/events/new/").status_code == 200
    response = client.post("/documentation/events/new/", flow())
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == f"/documentation/events/{event.code}/"
    act = Act.objects.get()
    involvement = Involvement.objects.get()
    information = Information.objects.get()
    assert act.event == event
    assert involvement.act == act
    assert involvement.perpetrator is None
    assert information.act == act
    assert information.source != act.victim
    assert str(event.start) == "2017-03-late"
    assert event.place_precision == "locality"
    with using_keyring(desk.vault.keyring):
        assert act.victim.name == "Умаров Магомед"
        assert act.victim.profile == {"sexual_orientation": "L-SO-PERCEIVED"}
        assert event.place_detail == "the checkpoint on the road to Gudermes"
        assert involvement.unit == "Patrol and checkpoint service"
    actions = list(
        AuditEntry.objects.filter(action__startswith="documentation.")
        .values_list("action", flat=True)
        .order_by("seq")
    )
    assert actions == [
        "documentation.event_recorded",
        "documentation.person_recorded",
        "documentation.act_recorded",
        "documentation.involvement_recorded",
        "documentation.person_recorded",
        "documentation.information_recorded",
    ]
    page = client.get(response["Location"]).content.decode()
    for text in (
        "Умаров Магомед",
        "Witness W-3",
        "Police",
        "Another detainee",
        "late March 2017",
        "Argun, the checkpoint on the road to Gudermes",
    ):
        assert text in page


@pytest.mark.django_db
def test_the_victim_can_be_the_source(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post(
        "/documentation/events/new/",
        flow(
            source_is_victim="on",
            source_name="",
            connection=str(term("source_connection", "010100000000").pk),
        ),
    )
    assert response.status_code == 302
    information = Information.objects.get()
    assert information.source == Act.objects.get().victim
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_refused_in_words_and_nothing_typed_is_lost(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post(
        "/documentation/events/new/",
        flow(act_type="", start_day="31", start_month="2", start_precision="exact", source_name=""),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "That month has no such day." in page
    assert "Name the source, or say the victim told us." in page
    assert "This field is required." in page
    for typed in (
        "Detentions at the Argun checkpoint",
        "Умаров Магомед",
        "He was in the same cell.",
        "Patrol and checkpoint service",
    ):
        assert typed in page
    assert not Event.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_people_recorded_under_a_similar_name_are_offered_first(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        known = people.record_person(desk.colleague, name="Magomed Umarov")
    client = Client()
    sign_in(client, desk.documenter)
    offered = client.post("/documentation/events/new/", flow())
    assert offered.status_code == 200
    page = offered.content.decode()
    assert "Are these people already recorded?" in page
    assert known.code in page
    assert "Magomed Umarov" in page
    assert 'name="people_checked" value="on"' in page or "people_checked" in page
    assert not Event.objects.exists()
    # Chosen: the act is against the person already recorded.
    chosen = client.post(
        "/documentation/events/new/", flow(people_checked="on", victim_existing=known.code)
    )
    assert chosen.status_code == 302
    assert Act.objects.get().victim == known
    assert Person.objects.count() == 2  # the known victim and the new source


@pytest.mark.django_db
def test_a_new_person_is_recorded_when_none_of_those_offered_is_chosen(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        people.record_person(desk.colleague, name="Magomed Umarov")
    client = Client()
    sign_in(client, desk.documenter)
    response = client.post("/documentation/events/new/", flow(people_checked="on"))
    assert response.status_code == 302
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_recording_needs_the_permission_to_record(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.org.auditor)
    assert client.post("/documentation/events/new/", flow()).status_code == 404
    assert not Event.objects.exists()
