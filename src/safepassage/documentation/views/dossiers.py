"""The dossier page: a documenter chooses records (from an event, a
statement or an item's page, or by codes), which files go and why, and
downloads a zip that anyone can check (documentation.dossiers)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.documentation import dossier_files, dossiers
from safepassage.documentation.access import documentation_keys
from safepassage.documentation.actions import Refused
from safepassage.documentation.evidence_forms import DossierForm
from safepassage.documentation.views.shared import user_of


@require_http_methods(["GET", "POST"])
def dossier_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = user_of(request)
    keyring = documentation_keys(user)
    initial = {"records": request.GET.get("records", "")[:400], "language": get_language()}
    form = DossierForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = dossiers.select(user, form.cleaned_data["records"].split())
        except Http404:
            form.add_error("records", _("No such record, or not one you may see: check the codes."))
        else:
            try:
                dossier = dossiers.hand_over(
                    user,
                    chosen,
                    mode=form.cleaned_data["mode"],
                    why=form.cleaned_data["why"],
                    language=form.cleaned_data["language"],
                )
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                layout = dossier_files.lay_out(dossier, keyring, by=user)
                response = StreamingHttpResponse(
                    dossier_files.stream(layout, dossier.made), content_type="application/zip"
                )
                response["Content-Disposition"] = f'attachment; filename="{dossier.name}.zip"'
                response["Cache-Control"] = "no-store"
                response["X-Content-Type-Options"] = "nosniff"
                return response
    return render(
        request,
        "documentation/dossier.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
