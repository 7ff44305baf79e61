"""The dossier page: a documenter chooses records (from an event, a
statement or an item's page, or by codes), which files go and why, and
downloads a zip that anyone can check (documentation.dossiers). Before
the export, the page lists the originals chosen and which of them consent
keeps back, and why (documentation.consent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import User
from safepassage.documentation import consent, dossier_files, dossiers, evidence
from safepassage.documentation.access import documentation_keys, people_seen_by
from safepassage.documentation.actions import Refused
from safepassage.documentation.evidence_forms import DossierForm
from safepassage.documentation.models import Evidence
from safepassage.documentation.views.shared import user_of

FIELDS = ("records", "mode", "why", "language")


@dataclass
class Planned:
    """One original chosen, as the page shows it before the export."""

    item: Evidence
    copy: Evidence | None
    withheld: consent.Withheld | None
    # Of the people whose consent lacks, those the reader may not see.
    unseen: int = 0


def _planned(user: User, codes: str) -> list[Planned] | None:
    """The originals ``codes`` name and what consent lets go of each (None
    when the codes name nothing the reader may see)."""
    try:
        chosen = dossiers.select(user, codes.split())
    except Http404:
        return None
    withheld = consent.withheld_for_consent(chosen)
    lacking = [p for why in withheld.values() for p in why.none + why.copies_only]
    seen = people_seen_by(user, lacking)
    copies = evidence.default_copies(chosen)
    planned = []
    for item in chosen:
        why = withheld.get(item.pk)
        unseen = 0
        if why is not None:
            unseen = sum(1 for p in why.none + why.copies_only if p.pk not in seen)
            why = consent.Withheld(
                [p for p in why.none if p.pk in seen], [p for p in why.copies_only if p.pk in seen]
            )
        planned.append(Planned(item, copies.get(item.pk), why, unseen))
    return planned


@require_http_methods(["GET", "POST"])
def dossier_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = user_of(request)
    keyring = documentation_keys(user)
    initial = {"records": request.GET.get("records", "")[:400], "language": get_language()}
    previewing = request.method == "POST" and "preview" in request.POST
    if previewing:
        # Only shown again: nothing is checked or exported yet.
        form = DossierForm(initial={name: request.POST.get(name, "")[:2000] for name in FIELDS})
    else:
        form = DossierForm(request.POST or None, initial=initial)
    if request.method == "POST" and not previewing and form.is_valid():
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
    codes = (request.POST if request.method == "POST" else request.GET).get("records", "")[:2000]
    planned = _planned(user, codes) if codes.strip() else None
    if previewing and planned is None:
        messages.error(request, _("No such record, or not one you may see: check the codes."))
    return render(
        request,
        "documentation/dossier.html",
        {"form": form, "planned": planned},
        status=400 if form.errors else 200,
    )
