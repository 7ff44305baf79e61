"""Per-record confidentiality: a restricted event is seen by the person who
recorded it and by the teams and people it is shared with; everything
that hangs from it follows it; everyone else in the compartment gets the
same 404 as for nothing, and lists leave it out."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import access, actions, statements
from safepassage.documentation.models import Event
from safepassage.vault.keyring import using_keyring
from tests.base import comparable, make_user, sign_in
from tests.documentation.conftest import Desk, record_detention, term


def _restricted(desk: Desk, **sharing: list) -> Event:
    with using_keyring(desk.vault.keyring):
        return record_detention(
            desk.documenter,
            title="A restricted detention",
            victim="Кадыров Хеда",
            confidentiality="restricted",
            **sharing,
        ).event


@pytest.mark.django_db
def test_a_restricted_event_is_seen_by_who_recorded_it_and_whom_it_is_shared_with(
    desk: Desk,
) -> None:
    named = make_user("named", desk.documenter.role_grants.get().role)
    event = _restricted(desk, teams=[desk.org.team], users=[named])
    in_team = make_user("in-team", desk.documenter.role_grants.get().role, teams=(desk.org.team,))
    for user in (desk.documenter, named, in_team):
        assert access.can_see_event(user, event)
    # Same team as the documenter, but the event is not shared with it.
    assert not access.can_see_event(desk.colleague, event)
    assert not access.can_see_event(desk.stranger, event)
    with using_keyring(desk.vault.keyring):
        for user in (desk.colleague, desk.stranger):
            with pytest.raises(Http404):
                access.get_event_for(user, event.code)
        assert access.get_event_for(in_team, event.code) == event


@pytest.mark.django_db
def test_what_hangs_from_a_restricted_event_follows_it(desk: Desk) -> None:
    event = _restricted(desk)
    act = event.acts.get()
    with using_keyring(desk.vault.keyring):
        # The victim appears only in this event; the source too.
        for function, target in (
            (access.get_act_for, act.code),
            (access.get_involvement_for, act.involvements.get().pk),
            (access.get_information_for, act.information.get().pk),
            (access.get_person_for, act.victim.code),
        ):
            assert function(desk.documenter, target)
            with pytest.raises(Http404):
                function(desk.stranger, target)
        # Once the victim also appears in an event everyone sees, they are seen.
        actions.record_act(
            desk.documenter,
            event=record_detention(desk.documenter).event,
            victim=act.victim,
            act_type=term("act_type", "020111110000"),
        )
        assert access.get_person_for(desk.stranger, act.victim.code) == act.victim


@pytest.mark.django_db
def test_pages_and_lists_leave_a_restricted_event_out(desk: Desk) -> None:
    event = _restricted(desk)
    with using_keyring(desk.vault.keyring):
        open_event = record_detention(desk.documenter, title="An open detention").event
        statement = statements.record_statement(
            desk.documenter, speaker="A spokesman", quote="Lies.", stance=term("stance", "L-DENIES")
        )
        for item in (event, open_event):
            statements.link_statement(desk.documenter, statement, event=item, act=item.acts.get())
    client = Client()
    sign_in(client, desk.stranger)
    listing = client.get("/documentation/").content.decode()
    assert "An open detention" in listing
    assert "A restricted detention" not in listing
    assert event.code not in listing
    beside = client.get(f"/documentation/statements/{statement.code}/").content.decode()
    assert open_event.acts.get().code in beside
    assert event.acts.get().code not in beside
    forbidden = client.get(f"/documentation/events/{event.code}/")
    missing = client.get("/documentation/events/E-NOSUCH/")
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden) == comparable(missing)
    # Who recorded it sees it everywhere.
    sign_in(client, desk.documenter)
    assert "A restricted detention" in client.get("/documentation/").content.decode()
    assert (
        event.acts.get().code
        in client.get(f"/documentation/statements/{statement.code}/").content.decode()
    )


@pytest.mark.django_db
def test_sharing_is_changed_on_the_edit_page_and_audited(desk: Desk) -> None:
    event = _restricted(desk)
    client = Client()
    sign_in(client, desk.documenter)
    form = {
        "version": "1",
        "title": "A restricted detention",
        "start_precision": "exact",
        "start_year": "2017",
        "start_month": "3",
        "start_day": "26",
        "end_precision": "unknown",
        "place_precision": "district",
        "place_area": str(term("place", "L-RU-CE-ARGUN").pk),
        "description": "Stopped at night and taken away in a white car.",
        "violation_status": "unknown",
        "monitoring_status": "active",
        "confidentiality": "restricted",
        "users": [str(desk.stranger.pk)],
    }
    assert client.post(f"/documentation/events/{event.code}/edit/", form).status_code == 302
    assert access.can_see_event(desk.stranger, event)
    entry = AuditEntry.objects.filter(action="documentation.event_changed").get()
    assert entry.details["changed"] == ["shares"]
    assert entry.details["confidentiality"] == "restricted"
    # Opened to every documenter: the shares are dropped.
    form.update(version="2", confidentiality="compartment")
    assert client.post(f"/documentation/events/{event.code}/edit/", form).status_code == 302
    event.refresh_from_db()
    assert not event.shares.exists()
    assert access.can_see_event(desk.colleague, event)
