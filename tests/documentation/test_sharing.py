"""Per-record confidentiality from its own page: an event restricted and
shared with a team or named people (locked optimistically and audited),
and an audit entry, with the event as its target, for every page that
shows something sealed of a restricted event."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import access, actions, sources, statements
from safepassage.documentation.models import Event
from safepassage.vault.keyring import using_keyring
from tests.base import comparable, sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.fixture
def client(desk: Desk) -> Client:
    client = Client()
    sign_in(client, desk.documenter)
    return client


@pytest.mark.django_db
def test_an_event_is_restricted_and_shared_from_its_page(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
    url = f"/documentation/events/{event.code}/sharing/"
    page = client.get(url).content.decode()
    assert "Who may see this event" in page
    assert desk.stranger.username in page  # documenters can be named
    response = client.post(
        url,
        {
            "version": "1",
            "confidentiality": "restricted",
            "teams": [str(desk.org.team.pk)],
            "users": [str(desk.stranger.pk)],
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.restricted
    assert access.can_see_event(desk.stranger, event)
    assert not access.can_see_event(desk.colleague, event)
    entry = AuditEntry.objects.filter(action="documentation.event_changed").get()
    assert entry.details["confidentiality"] == "restricted"
    assert sorted(entry.details["changed"]) == ["confidentiality", "shares"]
    # The colleague now gets the same 404 as for nothing, here too.
    other = Client()
    sign_in(other, desk.colleague)
    forbidden = other.get(url)
    missing = other.get("/documentation/events/E-NOSUCH/sharing/")
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden) == comparable(missing)


@pytest.mark.django_db
def test_sharing_on_an_old_version_is_refused(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        actions.change_event(
            Event.objects.get(pk=event.pk),
            by=desk.colleague,
            version=1,
            confidentiality="restricted",
            teams=[desk.org.other_team],
            users=[],
        )
    url = f"/documentation/events/{event.code}/sharing/"
    refused = client.post(url, {"version": "1", "confidentiality": "compartment"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record" in page
    assert desk.org.other_team.name in page
    assert 'name="version" value="2"' in page
    assert client.post(url, {"version": "2", "confidentiality": "compartment"}).status_code == 302
    event.refresh_from_db()
    assert not event.restricted
    assert not event.shares.exists()


@pytest.mark.django_db
def test_every_page_showing_a_restricted_event_is_audited(desk: Desk, client: Client) -> None:
    with using_keyring(desk.vault.keyring):
        hidden = record_detention(
            desk.documenter, title="Hidden", victim="Тайный Человек", confidentiality="restricted"
        )
        open_one = record_detention(desk.documenter, title="Open")
        statement = statements.record_statement(
            desk.documenter, speaker="A spokesman", quote="Lies.", stance=term("stance", "L-DENIES")
        )
        for recorded in (hidden, open_one):
            statements.link_statement(
                desk.documenter, statement, event=recorded.event, act=recorded.act
            )
            sources.record_intervention(
                desk.documenter,
                event=recorded.event,
                kind=term("intervention_type", "L-PROSECUTOR"),
                intervening_party="Our lawyer",
            )
    pages = {
        "events": "/documentation/",
        "timeline": "/documentation/timeline/",
        "statement": f"/documentation/statements/{statement.code}/",
        "person": f"/documentation/people/{hidden.victim.code}/",
        "sources": "/documentation/sources/",
        "interventions": "/documentation/interventions/",
    }
    reads = AuditEntry.objects.filter(action="documentation.restricted_event_read")
    for name, url in pages.items():
        before = reads.count()
        assert client.get(url).status_code == 200, url
        assert reads.count() == before + 1, name
        read = reads.order_by("-seq").first()
        assert read.target == f"event:{hidden.event.pk}"
        assert read.details == {"page": name}
    # Its own page is audited as every event's page is.
    client.get(f"/documentation/events/{hidden.event.code}/")
    viewed = AuditEntry.objects.filter(action="documentation.event_viewed").last()
    assert viewed.target == f"event:{hidden.event.pk}"
    # Pages that show no restricted event write none.
    before = reads.count()
    client.get(f"/documentation/people/{open_one.victim.code}/")
    client.get("/documentation/", {"name": "Умаров"})
    assert reads.count() == before


@pytest.mark.django_db
def test_the_rule_for_many_people_is_the_rule_for_one(desk: Desk) -> None:
    from safepassage.documentation import people

    with using_keyring(desk.vault.keyring):
        hidden = record_detention(
            desk.documenter,
            victim="Only hidden",
            confidentiality="restricted",
            perpetrator="Officer of the hidden event",
        )
        both = record_detention(desk.documenter, victim="In both", confidentiality="restricted")
        open_event = record_detention(
            desk.documenter, victim="Open victim", perpetrator="Officer of an open event"
        )
        actions.record_act(
            desk.documenter,
            event=record_detention(desk.documenter, victim="Somebody else").event,
            victim=both.victim,
            act_type=term("act_type", "020111110000"),
        )
        nowhere = people.record_person(desk.colleague, name="In no event")
        by_stranger = people.record_person(desk.stranger, name="Recorded by the stranger")
        sources.record_information(
            desk.stranger,
            event=hidden.event,
            source=by_stranger,
            connection=term("source_connection", "010200000000"),
            reliability=term("reliability", "020000000000"),
        )
    everyone = [
        hidden.victim,
        both.victim,
        nowhere,
        by_stranger,
        hidden.act.information.first().source,
        hidden.act.involvements.get().perpetrator,
        open_event.act.involvements.get().perpetrator,
    ]
    for user in (desk.documenter, desk.colleague, desk.stranger):
        one_by_one = {person.pk for person in everyone if access.can_see_person(user, person)}
        assert access.people_seen_by(user, everyone) == one_by_one, user.username
    assert access.people_seen_by(desk.stranger, everyone) == {
        both.victim.pk,
        nowhere.pk,
        by_stranger.pk,
        open_event.act.involvements.get().perpetrator.pk,
    }
