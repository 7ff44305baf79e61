"""Optimistic locking: an edit made on an older version of a record is
refused, nothing is written, and the person keeps what they typed."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, people, sources, statements
from safepassage.documentation.models import Act, Event, Person, Statement
from safepassage.documentation.precision import FuzzyDate
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_the_second_of_two_edits_of_one_version_is_refused(desk: Desk) -> None:
    event = record_detention(desk.documenter).event
    mine = Event.objects.get(pk=event.pk)
    theirs = Event.objects.get(pk=event.pk)
    assert actions.change_event(theirs, by=desk.colleague, version=1, title="Their title")
    with pytest.raises(actions.StaleRecord) as refused:
        actions.change_event(mine, by=desk.documenter, version=1, title="My title")
    assert refused.value.current_version == 2
    stored = Event.objects.get(pk=event.pk)
    assert stored.title == "Their title"
    assert stored.version == 2
    assert AuditEntry.objects.filter(action="documentation.event_changed").count() == 1
    # Made knowingly on the version now stored, it goes through.
    assert actions.change_event(mine, by=desk.documenter, version=2, title="My title")
    assert Event.objects.get(pk=event.pk).version == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_every_kind_of_record_is_locked(desk: Desk) -> None:
    recorded = record_detention(desk.documenter)
    act = Act.objects.get(pk=recorded.act.pk)
    actions.change_act(act, by=desk.documenter, version=1, verification="corroborated")
    with pytest.raises(actions.StaleRecord):
        actions.change_act(Act.objects.get(pk=act.pk), by=desk.colleague, version=1, method="x")
    person = Person.objects.get(pk=recorded.victim.pk)
    people.change_person(person, by=desk.documenter, version=1, born="1990")
    with pytest.raises(actions.StaleRecord):
        people.change_person(person, by=desk.documenter, version=1, born="1991")
    involvement = act.involvements.get()
    actions.change_involvement(involvement, by=desk.documenter, version=1, rank="Major")
    with pytest.raises(actions.StaleRecord):
        actions.change_involvement(involvement, by=desk.documenter, version=1, rank="Colonel")
    information = act.information.get()
    sources.change_information(information, by=desk.documenter, version=1, reference="No. 7")
    with pytest.raises(actions.StaleRecord):
        sources.change_information(information, by=desk.documenter, version=1, reference="8")
    statement = statements.record_statement(
        desk.documenter,
        speaker="A spokesman",
        quote="Nothing happened.",
        stance=term("stance", "L-DENIES"),
    )
    statements.change_statement(statement, by=desk.documenter, version=1, office="Press office")
    with pytest.raises(actions.StaleRecord):
        statements.change_statement(
            Statement.objects.get(pk=statement.pk), by=desk.documenter, version=1, office="x"
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_a_save_that_changes_nothing_leaves_the_version(desk: Desk) -> None:
    event = record_detention(desk.documenter).event
    same = Event.objects.get(pk=event.pk)
    assert actions.change_event(same, by=desk.documenter, version=1, title=same.title) == []
    assert Event.objects.get(pk=event.pk).version == 1


@pytest.mark.django_db
def test_the_edit_page_refuses_a_stale_save_and_keeps_what_was_typed(desk: Desk) -> None:
    with_keys = Client()
    sign_in(with_keys, desk.documenter)
    from safepassage.vault.keyring import using_keyring

    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        actions.change_event(
            Event.objects.get(pk=event.pk),
            by=desk.colleague,
            version=1,
            title="Saved by a colleague",
            start=FuzzyDate.parse("2017-03-27"),
        )
    form = {
        "version": "1",
        "title": "My careful wording",
        "start_precision": "exact",
        "start_year": "2017",
        "start_month": "3",
        "start_day": "26",
        "end_precision": "unknown",
        "place_precision": "district",
        "place_area": str(term("place", "L-RU-CE-ARGUN").pk),
        "description": "My description",
        "violation_status": "likely",
        "monitoring_status": "active",
        "confidentiality": "compartment",
    }
    refused = with_keys.post(f"/documentation/events/{event.code}/edit/", form)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record" in page
    assert "My careful wording" in page  # what was typed, in the form
    assert "Saved by a colleague" in page  # what is stored, beside it
    assert 'name="version" value="2"' in page
    with using_keyring(desk.vault.keyring):
        assert Event.objects.get(pk=event.pk).title == "Saved by a colleague"
    # The second save, made knowingly, keeps the person's version.
    saved = with_keys.post(f"/documentation/events/{event.code}/edit/", {**form, "version": "2"})
    assert saved.status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = Event.objects.get(pk=event.pk)
        assert stored.title == "My careful wording"
        assert stored.violation_status == "likely"
        assert stored.version == 3
