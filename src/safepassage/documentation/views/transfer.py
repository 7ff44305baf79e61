"""Importing and exporting: choosing a file, then which of its columns
holds what (the import itself is documentation.importing), and
downloading an export of what one may see (documentation.exporting)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.documentation import exporting, import_drafts, importing
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_import_draft_for,
    visible_events,
    visible_people,
)
from safepassage.documentation.import_columns import guess_mapping
from safepassage.documentation.import_rows import Problem
from safepassage.documentation.models import Act
from safepassage.documentation.transfer_forms import ColumnsForm, ExportForm, UploadForm
from safepassage.documentation.views.shared import user_of
from safepassage.vault import files
from safepassage.vault.errors import UploadRefused

TOO_LARGE = gettext_lazy("The file is too large to import here: use the command line.")


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Step one: the file, encrypted as it streams in, read in memory."""
    user = user_of(request)
    documentation_keys(user, WRITE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if files.refusals(request) and "file" in form.errors:
            form.errors["file"] = form.error_class([str(TOO_LARGE)])
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if not isinstance(upload, files.StagedUpload):
                    raise UploadRefused("not an encrypted upload")
                raw = files.read_staged(upload, importing.WEB_MAX_BYTES)
                table = importing.read_table(
                    upload.name or "list.csv", raw, max_rows=importing.WEB_MAX_ROWS
                )
            except UploadRefused:
                form.add_error("file", str(TOO_LARGE))
            except importing.ImportRefused as refusal:
                form.add_error(
                    "file", _("This file cannot be imported: %(reason)s.") % {"reason": refusal}
                )
            else:
                draft = import_drafts.keep_draft(user, upload.name or "", table)
                return redirect("documentation:import_columns", draft=draft.pk)
        else:
            upload = form.files.get("file")
            if isinstance(upload, files.StagedUpload):
                upload.discard()
    return render(
        request,
        "documentation/import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def import_columns_view(request: HttpRequest, draft: uuid.UUID) -> HttpResponse:
    """Step two: which column holds what; then the import, all or nothing."""
    user = user_of(request)
    found = get_import_draft_for(user, draft)
    table = importing.Table.from_json(found.table)
    form = ColumnsForm(
        request.POST or None, columns=table.columns(), initial=guess_mapping(table.header)
    )
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = importing.import_records(
                user,
                table,
                form.mapping(),
                allow_new_terms=data["allow_new_terms"],
                confidentiality=data["confidentiality"],
                draft=found,
            )
        except importing.ImportRefused as refusal:
            form.add_error(None, _("Nothing was imported: %(reason)s.") % {"reason": refusal})
            problems = refusal.problems
        else:
            messages.success(request, report.lines()[0])
            return render(request, "documentation/import_done.html", {"report": report})
    return render(
        request,
        "documentation/import_columns.html",
        {"form": form, "draft": found, "problems": problems},
        status=400 if form.errors else 200,
    )


@require_POST
def import_cancel_view(request: HttpRequest, draft: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    import_drafts.discard_draft(get_import_draft_for(user, draft))
    messages.info(request, _("The file was put away: nothing was imported."))
    return redirect("documentation:import")


@require_http_methods(["GET", "POST"])
def export_view(request: HttpRequest) -> HttpResponse:
    """What one may see, as a download (POST: it is audited)."""
    user = user_of(request)
    documentation_keys(user)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content, name = exporting.export(user, form.cleaned_data["format"])
        kind = "application/json" if name.endswith(".json") else "application/zip"
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    visible = visible_events(user)
    return render(
        request,
        "documentation/export.html",
        {
            "form": form,
            "events": visible.count(),
            "acts": Act.objects.filter(event__in=visible.values("pk")).count(),
            "people": visible_people(user).count(),
            "can_import": user.can(WRITE),
        },
        status=400 if form.errors else 200,
    )
