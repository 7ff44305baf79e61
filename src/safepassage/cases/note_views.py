"""Pages of notes: a case's notes (/cases/<code>/notes/, every note, a
page at a time), writing one, and changing one's own. Views parse, call
one action of cases.notes, and either go back with a message or show the
form again as it was sent, with what stood in the way."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import notes
from safepassage.cases.access import get_case_for, get_note_for
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case, Note
from safepassage.cases.work_forms import NoteEditForm, NoteForm

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _notes_page(request: HttpRequest, case: Case, status: int = 200, **kwargs: Any) -> HttpResponse:
    user = _user(request)
    every = Note.objects.filter(case=case).select_related("author").order_by("-number")
    page = Paginator(every, PAGE_SIZE).get_page(request.GET.get("page"))
    context = notes.section_context(
        request, case, rows=page.object_list, count=page.paginator.count, **kwargs
    )
    section = context["notes"]
    record(user, "case.notes_viewed", case, shown=len(section.lines), narrative=section.readable)
    return render(
        request,
        "cases/notes.html",
        {"case": case, "page": page, "paged": True, **context},
        status=status,
    )


@require_GET
def notes_view(request: HttpRequest, code: str) -> HttpResponse:
    return _notes_page(request, get_case_for(_user(request), code))


@require_POST
def note_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    require(user, Perm.WRITE_NOTES)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            notes.add_note(case, text=form.cleaned_data["text"], by=user)
        except Refused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The note was added."))
            return redirect(reverse("cases:case", args=[case.code]) + "#notes")
    return _notes_page(request, case, status=400, form=form)


@require_http_methods(["GET", "POST"])
def note_edit_view(request: HttpRequest, code: str, note_id: str) -> HttpResponse:
    """One's own note, to change it (someone else's is the same 404 as a
    note that does not exist)."""
    user = _user(request)
    note = get_note_for(user, code, note_id, own=True)
    case = Case.objects.get(pk=note.case_id)
    require(user, Perm.WRITE_NOTES)
    if not notes.holds_casework():
        raise deny(user, "compartment", "compartment:casework")
    status = 200
    if request.method == "POST":
        form = NoteEditForm(request.POST)
        conflict = False
        if form.is_valid():
            try:
                changed = notes.change_note(
                    note,
                    text=form.cleaned_data["text"],
                    by=user,
                    version=form.cleaned_data["version"],
                )
            except Refused as refused:
                for problem in refused.problems:
                    form.add_error(None, problem)
                conflict = isinstance(refused, notes.NoteConflict)
            else:
                messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
                return redirect(reverse("cases:case", args=[case.code]) + "#notes")
        # Shown again as typed, with the note's version now.
        note.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(note.version)
        form.data = data
        status = 409 if conflict else 400
    else:
        form = NoteEditForm(initial={"text": note.text, "version": note.version})
        record(user, "case.notes_viewed", case, shown=1, narrative=True)
    context = {"case": case, "note": note, "current_text": note.text, "form": form}
    return render(request, "cases/note_edit.html", context, status=status)
