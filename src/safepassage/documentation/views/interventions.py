"""What was done about it: every intervention the reader may see (who
acted, to whom, the authorities' response, the outcome, where it stands),
adding one to an event, and correcting one (locked optimistically)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions, sources, vocabularies
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_event_for,
    get_intervention_for,
    hidden_events,
)
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.fields import initial_terms, offer_terms
from safepassage.documentation.models import Intervention
from safepassage.documentation.record_forms import InterventionFilterForm, InterventionForm
from safepassage.documentation.views.choosing import act_of, acts_of, offer_acts
from safepassage.documentation.views.shared import filters_of, in_order, open_all, stale, user_of

PAGE = 50
FIELDS = ("kind", "intervening_party", "addressed_to", "made_on", "response", "outcome", "status")
TEXTS = ("intervening_party", "addressed_to", "outcome")


@require_GET
def interventions_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = InterventionFilterForm(filters or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = Intervention.objects.exclude(event__in=hidden_events(user))
    if data.get("kind"):
        found = found.filter(kind__in=vocabularies.descendants(data["kind"]))
    if data.get("status"):
        found = found.filter(status=data["status"])
    # A page of ids first (sorted without the rows' joins), then the rows.
    ordered = found.order_by(F("made_on").desc(nulls_last=True), "-created_at", "pk")
    page = Paginator(ordered.values_list("pk", flat=True), PAGE).get_page(request.GET.get("page"))
    rows = in_order(
        list(page.object_list),
        Intervention.objects.select_related("kind", "response", "event", "act", "act__act_type"),
    )
    open_all(rows, *TEXTS)
    open_all([row.event for row in rows], "title")
    record(user, "documentation.interventions_listed", None, shown=len(rows), filtered=bool(data))
    note_restricted_reads(user, [row.event for row in rows], "interventions")
    return render(
        request,
        "documentation/interventions.html",
        {"form": form, "page": page, "rows": rows, "query": filters.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def intervention_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    form = InterventionForm(request.POST or None, initial={"act": request.GET.get("act", "")})
    offer_terms(form)
    acts = acts_of(event)
    offer_acts(form, acts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            act = act_of(acts, data["act"])
            sources.record_intervention(
                user,
                event=event,
                act=act,
                victim=act.victim if act else None,
                **{name: data[name] for name in FIELDS},
            )
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The intervention was recorded."))
            return redirect(reverse("documentation:event", args=[event.code]) + "#interventions")
    open_all([event], "title")
    record(user, "documentation.event_viewed", event)
    return render(
        request,
        "documentation/intervention_form.html",
        {"event": event, "form": form, "new": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def intervention_edit_view(request: HttpRequest, intervention_id: str) -> HttpResponse:
    user = user_of(request)
    intervention = get_intervention_for(user, intervention_id, WRITE)
    event = intervention.event
    initial = {
        "version": intervention.version,
        "act": intervention.act.code if intervention.act else "",
        "intervening_party": intervention.intervening_party,
        "addressed_to": intervention.addressed_to or "",
        "made_on": intervention.made_on,
        "outcome": intervention.outcome or "",
        "status": intervention.status,
        **initial_terms(intervention, ["kind", "response"]),
    }
    form = InterventionForm(request.POST or None, initial=initial)
    form.fields["version"].required = True
    offer_terms(form, {"kind": intervention.kind, "response": intervention.response})
    acts = acts_of(event)
    offer_acts(form, acts)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            act = act_of(acts, data["act"])
            changed = sources.change_intervention(
                intervention,
                by=user,
                version=data["version"],
                act=act,
                victim=act.victim if act else intervention.victim,
                **{name: data[name] for name in FIELDS},
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The intervention was saved."))
            return redirect(reverse("documentation:event", args=[event.code]) + "#interventions")
    current = (
        Intervention.objects.select_related("kind", "response").filter(pk=intervention.pk).first()
    )
    open_all([current], *TEXTS)
    open_all([event], "title")
    record(user, "documentation.intervention_viewed", intervention)
    return render(
        request,
        "documentation/intervention_form.html",
        {"event": event, "form": form, "conflict": conflict, "current": current},
        status=409 if conflict else (400 if form.errors else 200),
    )
