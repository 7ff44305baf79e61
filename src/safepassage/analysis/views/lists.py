"""The "Counting victims" page: the lists, importing one, the runs, and
starting a linkage run."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.analysis import headings
from safepassage.analysis.access import (
    documentation_keys_or_none,
    get_list_draft_for,
    require_any_analysis,
)
from safepassage.analysis.forms import ColumnsForm, CountForm, ImportForm, RunForm
from safepassage.analysis.importing import (
    ImportRefused,
    ImportReport,
    Problem,
    import_list,
    read_rows,
)
from safepassage.analysis.list_drafts import discard_draft, keep_draft, sweep_drafts
from safepassage.analysis.list_labels import label_lists
from safepassage.analysis.models import NAME_FIELDS, LinkageRun, ListDraft, VictimList
from safepassage.analysis.views.shared import may_count, recent_counts, user_of
from safepassage.jobs.status import state_of
from safepassage.vault import files
from safepassage.vault.errors import UploadRefused

# A victim list is parsed in memory; larger lists go through the command line.
IMPORT_MAX_BYTES = 50 * 1024 * 1024
# A new list's file is kept for its columns to be chosen up to this many
# rows; a larger one has its columns filled in on the first page instead.
DRAFT_MAX_ROWS = 50_000


def home_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_any_analysis(user)
    return home_page(request, user, ImportForm(), RunForm())


def home_page(
    request: HttpRequest, user: User, import_form: ImportForm, run_form: RunForm, **extra: Any
) -> HttpResponse:
    """The page with these forms (as sent back, with their errors)."""
    # List names are sealed: members of documentation read them, others
    # see the lists' sizes and dates only.
    readable = documentation_keys_or_none() is not None
    found = VictimList.objects.annotate(size=Count("records"))
    lists = list(found.opened() if readable else found)
    labels: dict[Any, str] = {}
    if readable:
        labels = {item.pk: item.label for item in label_lists(lists)}
        lists.sort(key=lambda item: item.label.casefold())
    runs = LinkageRun.objects.prefetch_related("lists")[:20]
    return render(
        request,
        "analysis/home.html",
        {
            "lists": lists,
            "readable": readable,
            "runs": [(run, state_of(run), _names(run, labels) if readable else "") for run in runs],
            "import_form": import_form if user.can(Perm.IMPORT_LISTS) else None,
            # With the keys, a new list's columns are chosen on the next page:
            # the boxes to type them in are folded away unless in use.
            "fold_columns": readable
            and not import_form.columns
            and not import_form.columns_typed(),
            "run_form": run_form if user.can(Perm.ANALYSE) and readable else None,
            "count_form": CountForm() if may_count(user) else None,
            # A new list's file left waiting for its columns, to go back to.
            "waiting": _waiting(user) if readable else None,
            "counts": recent_counts(),
            **extra,
        },
    )


def _waiting(user: User) -> ListDraft | None:
    """The user's file waiting for its columns, once those left for a day
    are deleted."""
    sweep_drafts()
    return ListDraft.objects.filter(created_by=user).first()


def _names(run: LinkageRun, labels: dict[Any, str]) -> str:
    """A run's lists by their labels on this page, sorted."""
    names = (labels.get(item.pk, str(item.name)) for item in run.lists.all())
    return ", ".join(sorted(names, key=str.casefold))


@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require(user, Perm.IMPORT_LISTS)
    form = ImportForm(request.POST, request.FILES)
    refused = files.refusals(request)
    if refused and "file" in form.errors:
        form.errors["file"] = form.error_class([_("The file is too large.")])
    if not form.is_valid():
        _discard(form)
        return home_page(request, user, form, RunForm(), import_failed=True)
    upload = form.cleaned_data["file"]
    try:
        if not isinstance(upload, files.StagedUpload):
            raise UploadRefused("not an encrypted upload")
        raw = files.read_staged(upload, IMPORT_MAX_BYTES)
        report = import_list(
            (upload.name or "list.csv", raw),
            form.cleaned_data["list_name"],
            form.mapping(),
            skip_invalid=form.cleaned_data["skip_invalid"],
            by=user,
        )
    except UploadRefused:
        form.add_error("file", _("The file is too large to import here: use the command line."))
        return home_page(request, user, form, RunForm(), import_failed=True)
    except ImportRefused as refusal:
        # A new list given no name column.
        unnamed = bool(refusal.columns) and not any(key in form.mapping() for key in NAME_FIELDS)
        if unnamed and documentation_keys_or_none() is not None:
            rows = read_rows(upload.name or "list.csv", raw)
            if len(rows) <= DRAFT_MAX_ROWS:
                # Its file kept, sealed, and its columns chosen from the
                # file's own on the next page (the headings' guess chosen).
                draft = keep_draft(
                    user,
                    upload.name or "",
                    form.cleaned_data["list_name"],
                    rows,
                    refusal.guess or form.mapping(),
                )
                return redirect("analysis:import_columns", draft=draft.pk)
        if refusal.guess:
            # A new list given no name column: its columns filled in as its
            # headings suggest, for the analyst to check before importing.
            form = form.with_columns(refusal.guess, refusal.columns)
            form.add_error(
                None,
                _(
                    "Nothing was imported yet: no column was given for the name. The columns "
                    "are filled in below as the file's headings suggest: check them, choose "
                    "the file again and import."
                ),
            )
            form.add_error(
                None,
                _("The file's columns: %(columns)s.") % {"columns": _columns(refusal.columns)},
            )
            return home_page(request, user, form, RunForm())
        if unnamed:
            form = form.with_columns(form.mapping(), refusal.columns)
            form.add_error(
                "name",
                _(
                    "Say which column holds the name, or the surname and given name (a new "
                    "list). The file's columns: %(columns)s."
                )
                % {"columns": _columns(refusal.columns)},
            )
            return home_page(request, user, form, RunForm(), import_failed=True)
        # The form keeps the source and the columns as typed: correct the
        # file or a column and choose the file again.
        form.add_error(None, _("Nothing was imported: %(reason)s.") % {"reason": refusal})
        problems = refusal.report.problems if refusal.report else []
        return home_page(request, user, form, RunForm(), import_failed=True, problems=problems)
    return _imported(request, user, report)


def _imported(request: HttpRequest, user: User, report: ImportReport) -> HttpResponse:
    """The page after an import: what was stored, and what was not."""
    # (Not the list's name: it is sealed, and a message travels in a cookie.)
    message = ngettext("%(count)s row imported.", "%(count)s rows imported.", report.stored) % {
        "count": report.stored
    }
    if report.titles_row > 1:
        message += " " + report.titles_message()
    if report.already:
        message += " " + report.already_message()
    if report.problems:
        skipped = report.rows_with_problems
        message += " " + ngettext(
            "%(count)s row was not: see below.", "%(count)s rows were not: see below.", skipped
        ) % {"count": skipped}
    messages.success(request, message)
    if report.problems or report.notices:
        return home_page(
            request,
            user,
            ImportForm(),
            RunForm(),
            problems=report.problems,
            notices=report.notices,
        )
    return redirect("analysis:home")


def import_columns_view(request: HttpRequest, draft: uuid.UUID) -> HttpResponse:
    """Step two of importing a new list: which of its file's columns holds
    what; then the import, as from the first page."""
    user = user_of(request)
    found = get_list_draft_for(user, draft)
    titles_row = headings.header_row(found.rows, found.mapping.values())
    header = [str(title) for title in found.rows[titles_row]]
    form = ColumnsForm(request.POST or None, header=header, initial=found.mapping)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = import_list(
                found.rows,
                found.source,
                form.mapping(),
                skip_invalid=form.cleaned_data["skip_invalid"],
                by=user,
            )
        except ImportRefused as refusal:
            form.add_error(None, _("Nothing was imported: %(reason)s.") % {"reason": refusal})
            problems = refusal.report.problems if refusal.report else []
        else:
            discard_draft(found)
            return _imported(request, user, report)
    return render(
        request,
        "analysis/import_columns.html",
        {"form": form, "draft": found, "problems": problems, "titles_row": titles_row + 1},
        status=400 if form.errors else 200,
    )


@require_POST
def import_cancel_view(request: HttpRequest, draft: uuid.UUID) -> HttpResponse:
    """Give up a file waiting for its columns: its rows are deleted."""
    user = user_of(request)
    discard_draft(get_list_draft_for(user, draft))
    return redirect("analysis:home")


def _columns(columns: list[str]) -> str:
    """A file's column names, each in the reader's quotation marks."""
    return ", ".join(_("“%(column)s”") % {"column": column} for column in columns)


def _discard(form: ImportForm) -> None:
    upload = form.files.get("file")
    if isinstance(upload, files.StagedUpload):
        upload.discard()
