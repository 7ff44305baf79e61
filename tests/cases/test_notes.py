"""Notes on a case: written by the team, sealed to casework, listed on the
case page newest first, changed by their author only, with optimistic
locking, and the same 404 for everything an outsider tries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.cases import notes
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case, Note
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of
from tests.cases.helpers import verifier_with_intake_only
from tests.cases.work_helpers import client_of, page, team_case, write_note

pytestmark = pytest.mark.django_db


def _section(html: str) -> str:
    found = re.search(r'<section id="notes".*?</section>', html, re.S)
    assert found is not None, "the case page has a Notes section"
    return found.group(0)


def test_it_writes_a_note_from_the_case_page(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    client = client_of(org.caseworker)
    response = client.post(
        f"/cases/{case.code}/notes/new/", {"text": "Mother called: they moved to Kazan."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.code}/#notes"
    note = Note.objects.get(case=case)
    assert note.author == org.caseworker
    assert note.number == 1
    section = _section(page(client, f"/cases/{case.code}/"))
    assert "Mother called: they moved to Kazan." in section
    assert "case" in section  # the author, by username
    entry = AuditEntry.objects.filter(action="case.note_added").get()
    assert entry.target == f"case:{case.pk}"
    assert entry.details == {"note": f"note:{note.pk}"}


def test_the_text_is_sealed_to_casework(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    note = write_note(org.caseworker, case, "Sentinel-note-text")
    stored = Note.objects.filter(pk=note.pk).values_list("text_sealed", flat=True).get()
    assert stored is not None
    assert b"Sentinel-note-text" not in bytes(stored)


def test_the_case_page_lists_the_newest_notes_first(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    for n in range(notes.SHOWN + 2):
        write_note(org.caseworker, case, f"Note number {n}.")
    section = _section(page(client_of(org.coordinator), f"/cases/{case.code}/"))
    shown = re.findall(r"Note number (\d+)\.", section)
    assert shown == [str(n) for n in range(notes.SHOWN + 1, 1, -1)]
    assert f"See all {notes.SHOWN + 2} notes" in section
    every = page(client_of(org.coordinator), f"/cases/{case.code}/notes/")
    assert "Note number 0." in every


def test_without_casework_keys_one_sees_that_notes_exist_not_what_they_say(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org, "screening")
    write_note(org.coordinator, case, "Doubts about the second interview.")
    reader = verifier_with_intake_only(org, vault)
    section = _section(page(client_of(reader), f"/cases/{case.code}/"))
    assert "Doubts about the second interview." not in section
    assert "sealed (casework)" in section
    assert "Write a note" not in section
    response = client_of(reader).post(f"/cases/{case.code}/notes/new/", {"text": "Mine"})
    assert response.status_code == 400
    assert "Notes are sealed to the casework compartment" in response.content.decode()
    assert Note.objects.count() == 1


def test_an_empty_note_is_refused_with_a_message(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    response = client_of(org.caseworker).post(f"/cases/{case.code}/notes/new/", {"text": "  "})
    assert response.status_code == 400
    assert "Write the note first." in response.content.decode()
    assert not Note.objects.exists()


def test_a_note_too_long_is_shown_again_as_typed(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    text = "x" * (notes.NOTE_LENGTH + 1)
    response = client_of(org.caseworker).post(f"/cases/{case.code}/notes/new/", {"text": text})
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Note.objects.exists()


def test_the_author_changes_their_own_note(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    note = write_note(org.caseworker, case, "They need a lawyer.")
    client = client_of(org.caseworker)
    form = page(client, f"/cases/{case.code}/notes/{note.pk}/")
    assert "They need a lawyer." in form
    response = client.post(
        f"/cases/{case.code}/notes/{note.pk}/",
        {"text": "They need a lawyer who speaks Chechen.", "version": "1"},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.version == 2
    assert note.changed_on is not None
    with using_keyring(keyring_of(org.caseworker)):
        assert note.text == "They need a lawyer who speaks Chechen."
    assert AuditEntry.objects.filter(action="case.note_changed").count() == 1
    assert "(changed on" in _section(page(client, f"/cases/{case.code}/"))


def test_nobody_else_changes_a_note_and_learns_nothing_trying(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org)
    note = write_note(org.caseworker, case, "Mine.")
    coordinator = client_of(org.coordinator)
    section = _section(page(coordinator, f"/cases/{case.code}/"))
    assert f"/notes/{note.pk}/" not in section
    someone_elses = coordinator.get(f"/cases/{case.code}/notes/{note.pk}/")
    missing = coordinator.get(f"/cases/{case.code}/notes/00000000-0000-0000-0000-000000000000/")
    assert someone_elses.status_code == missing.status_code == 404
    assert comparable(someone_elses) == comparable(missing)
    posted = coordinator.post(
        f"/cases/{case.code}/notes/{note.pk}/", {"text": "Overwritten", "version": "1"}
    )
    assert posted.status_code == 404
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(Refused):
        notes.change_note(note, text="Overwritten", by=org.coordinator, version=1)


def test_an_outsider_gets_the_same_404_as_for_a_missing_case(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org)
    note = write_note(org.caseworker, case, "Inside.")
    outsider = client_of(org.outsider)
    for address, missing in [
        (f"/cases/{case.code}/notes/", "/cases/C-ZZZZZZ/notes/"),
        (f"/cases/{case.code}/notes/{note.pk}/", f"/cases/C-ZZZZZZ/notes/{note.pk}/"),
    ]:
        theirs, nothing = outsider.get(address), outsider.get(missing)
        assert theirs.status_code == nothing.status_code == 404
        assert comparable(theirs) == comparable(nothing)
    response = outsider.post(f"/cases/{case.code}/notes/new/", {"text": "Hello"})
    assert response.status_code == 404
    assert Note.objects.count() == 1


def test_a_change_from_an_old_page_saves_nothing_and_keeps_what_was_typed(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org)
    note = write_note(org.caseworker, case, "First words.")
    client = client_of(org.caseworker)
    client.post(f"/cases/{case.code}/notes/{note.pk}/", {"text": "Second words.", "version": "1"})
    response = client.post(
        f"/cases/{case.code}/notes/{note.pk}/", {"text": "Third words.", "version": "1"}
    )
    assert response.status_code == 409
    shown = response.content.decode()
    assert "This note was changed after you opened it" in shown
    assert "Third words." in shown  # as typed
    assert "Second words." in shown  # as it is now
    assert 'name="version" value="2"' in shown
    note.refresh_from_db()
    with using_keyring(keyring_of(org.caseworker)):
        assert note.text == "Second words."


def test_a_locked_case_takes_no_note(org: Organisation, vault: Vault) -> None:
    import datetime as dt

    case = team_case(org, "screening", locked_on=dt.date(2017, 4, 1))
    section = _section(page(client_of(org.caseworker), f"/cases/{case.code}/"))
    assert "A locked case takes no new note." in section
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(Refused) as refused:
        notes.add_note(case, text="Hm.", by=org.caseworker)
    assert "locked" in refused.value.problems[0]
    assert not Note.objects.exists()


def test_writing_a_note_moves_the_cases_last_change_not_its_version(
    org: Organisation, vault: Vault
) -> None:
    import datetime as dt

    case = team_case(org)
    Case.objects.filter(pk=case.pk).update(changed_on=dt.date(2017, 4, 1))
    write_note(org.caseworker, case, "Seen today.")
    case.refresh_from_db()
    assert case.changed_on != dt.date(2017, 4, 1)
    assert case.version == 1


def test_more_notes_cost_no_more_queries(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    client = client_of(org.caseworker)
    write_note(org.caseworker, case, "One.")
    page(client, f"/cases/{case.code}/notes/")
    with CaptureQueriesContext(connection) as few:
        page(client, f"/cases/{case.code}/notes/")
    for n in range(30):
        write_note(org.coordinator if n % 2 else org.caseworker, case, f"Note {n}.")
    with CaptureQueriesContext(connection) as many:
        shown = page(client, f"/cases/{case.code}/notes/")
    assert "Page 1 of 2" in shown
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_the_section_speaks_russian(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    write_note(org.caseworker, case, "Текст заметки.")
    client = client_of(org.caseworker)
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    section = _section(page(client, f"/cases/{case.code}/"))
    assert "Заметки" in section
    assert "Notes" not in section


def test_retention_removes_a_cases_notes_and_says_so(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    other = team_case(org)
    for text in ("One.", "Two."):
        write_note(org.caseworker, case, text)
    write_note(org.caseworker, other, "Kept.")
    assert notes.notes_held(case) == 2
    assert notes.purge_case_notes(case, by="retention") == 2
    assert notes.purge_case_notes(case, by="retention") == 0
    assert list(Note.objects.values_list("case_id", flat=True)) == [other.pk]
    entry = AuditEntry.objects.get(action="case.notes_purged")
    assert (entry.actor, entry.target, entry.details) == (
        "retention",
        f"case:{case.pk}",
        {"records": 2},
    )
    assert "No note yet." in _section(page(client_of(org.caseworker), f"/cases/{case.code}/"))
