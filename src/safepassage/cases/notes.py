"""Notes on a case: named actions, and the case page's "Notes" section.

A note is what a caseworker wants the team to know about a case, in their
own words: sealed to casework, with its author and the day (never the
time). The team's caseworkers, verifiers and coordinators
(Perm.WRITE_NOTES) write notes on the cases they see; each author may
change their own, and nobody else's. A change carries the version its
form was shown with and is refused (``NoteConflict``), saving nothing,
if the note changed since (the same author in another window). A locked
case takes no note, as it takes no other change.

Reading and writing the text needs casework's keys: anyone else who sees
the case sees that notes exist, who wrote them and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.access import visible_cases
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case, Note
from safepassage.vault.keyring import current_keyring_or_none

NOTE_LENGTH = 20000
# The newest notes on the case page; the case's notes page shows them all.
SHOWN = 10


class NoteConflict(Refused):
    """The note changed after its form was shown: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This note was changed after you opened it (in another window?): nothing was "
                "saved. Here is the note as it is now; make your change again if it is still "
                "needed."
            )
        )


def holds_casework() -> bool:
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("casework")


def may_write(user: User, case: Case) -> bool:
    """Whether ``user`` may write notes on ``case`` (the caller has it from
    get_case_for): by role, with casework's keys, and not while it is locked."""
    return user.is_active and user.can(Perm.WRITE_NOTES) and holds_casework() and not case.locked


def _problems(by: User, case: Case, text: str) -> list[str]:
    if not by.is_active or not by.can(Perm.WRITE_NOTES):
        return [_("Your role does not let you write notes.")]
    if not visible_cases(by).filter(pk=case.pk).exists():
        return [_("Your role does not let you write notes.")]
    if case.locked:
        return [
            _(
                "This case is locked after a suspicion of infiltration: "
                "a coordinator must unlock it first."
            )
        ]
    problems = []
    if not holds_casework():
        problems.append(_("Notes are sealed to the casework compartment: you need its keys."))
    if not text.strip():
        problems.append(_("Write the note first."))
    elif len(text.strip()) > NOTE_LENGTH:
        problems.append(_("This note is too long: split it in two (at most 20,000 characters)."))
    return problems


@transaction.atomic
def add_note(case: Case, *, text: str, by: User) -> Note:
    """Write a note on ``case``, today, by ``by``."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    problems = _problems(by, locked, text)
    if problems:
        raise Refused(*problems)
    last = Note.objects.filter(case=locked).aggregate(last=Max("number"))["last"]
    note = Note(case=locked, number=(last or 0) + 1, author=by)
    note.text = text.strip()
    note.save(force_insert=True)
    Case.objects.filter(pk=case.pk).update(changed_on=timezone.localdate())
    record(by, "case.note_added", locked, note=f"note:{note.pk}")
    return note


@transaction.atomic
def change_note(note: Note, *, text: str, by: User, version: int) -> bool:
    """Change one's own note. Returns whether anything changed."""
    case = Case.objects.get(pk=note.case_id)
    if note.author_id != by.pk:
        raise Refused(_("Only the person who wrote a note may change it."))
    problems = _problems(by, case, text)
    if problems:
        raise Refused(*problems)
    if note.version != version:
        raise NoteConflict()
    if note.text == text.strip():
        return False
    if Note.objects.filter(pk=note.pk, version=version).update(version=F("version") + 1) != 1:
        raise NoteConflict()
    note.version = version + 1
    note.text = text.strip()
    note.changed_on = timezone.localdate()
    note.save(update_fields=["text", "changed_on", "version"])
    Case.objects.filter(pk=case.pk).update(changed_on=timezone.localdate())
    record(by, "case.note_changed", case, note=f"note:{note.pk}")
    return True


# --- Retention ----------------------------------------------------------------------


def notes_held(case: Case) -> int:
    """How many notes of the case purge_case_notes would remove (a dry run)."""
    return Note.objects.filter(case=case).count()


@transaction.atomic
def purge_case_notes(case: Case, by: User | str) -> int:
    """Remove every note of ``case`` (for the retention rules: notes are
    free text, and free text can name or locate someone whatever the help
    text asks). Needs no keys; the case's stages, dates and tasks stay.
    Returns how many were removed; audited when some were."""
    removed, _by_model = Note.objects.filter(case=case).delete()
    if removed:
        record(by, "case.notes_purged", case, records=removed)
    return removed


# --- The case page's section -----------------------------------------------------------


@dataclass
class NoteLine:
    note: Note
    # The text, for members of casework (None: sealed to them).
    text: str | None
    mine: bool


@dataclass
class Section:
    case: Case
    lines: list[NoteLine]
    count: int
    readable: bool
    may_write: bool
    form: Any = None
    problems: list[str] | None = None

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


def note_lines(notes: Any, user: User, readable: bool) -> list[NoteLine]:
    """Notes as shown, their texts opened a batch at a time (vault.bulk)."""
    rows = notes.opened("text") if readable else notes
    return [
        NoteLine(note, note.text if readable else None, note.author_id == user.pk) for note in rows
    ]


def section_context(
    request: HttpRequest,
    case: Case,
    *,
    form: Any = None,
    problems: list[str] | None = None,
    rows: Any = None,
    count: int | None = None,
) -> dict[str, Any]:
    """The "Notes" section of a case: the newest notes, or ``rows`` (a page
    of them, for the case's notes page), and the form to write one."""
    from safepassage.cases.work_forms import NoteForm

    user: User = request.user  # type: ignore[assignment]
    readable = holds_casework()
    writing = may_write(user, case)
    notes = Note.objects.filter(case=case).select_related("author").order_by("-number")
    if form is not None and form.is_bound and not writing:
        # Refused to someone who may not write here: the reasons, no form.
        problems = [*(problems or []), *form.non_field_errors()]
    if form is None and writing:
        form = NoteForm()
    return {
        "notes": Section(
            case=case,
            lines=note_lines(notes[:SHOWN] if rows is None else rows, user, readable),
            count=notes.count() if count is None else count,
            readable=readable,
            may_write=writing,
            form=form if writing else None,
            problems=problems,
        )
    }


def section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case page's "Notes" section (cases.views.SECTIONS)."""
    user: User = request.user  # type: ignore[assignment]
    if not user.can(Perm.VIEW_CASES):
        return None
    return section_context(request, case)
