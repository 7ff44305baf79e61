"""Who reported what: every source's account the reader may see (filtered
by the source's connection to the facts and reliability), adding another
source's account to an event, and correcting one (locked optimistically)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
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
    get_information_for,
    hidden_events,
)
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.fields import initial_terms, offer_terms
from safepassage.documentation.models import Information
from safepassage.documentation.record_forms import InformationForm, SourceFilterForm
from safepassage.documentation.views.choosing import (
    act_of,
    acts_of,
    chosen,
    offer,
    offer_acts,
    people_in,
    similar_people,
)
from safepassage.documentation.views.shared import filters_of, in_order, open_all, stale, user_of

PAGE = 50
FIELDS = ("connection", "reliability", "language", "reported_on", "account", "reference")


@require_GET
def sources_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = SourceFilterForm(filters or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    accounts = Information.objects.exclude(event__in=hidden_events(user))
    for name in ("connection", "reliability"):
        if data.get(name):
            accounts = accounts.filter(**{f"{name}__in": vocabularies.descendants(data[name])})
    # A page of ids first (sorted without the rows' joins), then the rows.
    ordered = accounts.order_by(F("reported_on").desc(nulls_last=True), "-created_at", "pk")
    page = Paginator(ordered.values_list("pk", flat=True), PAGE).get_page(request.GET.get("page"))
    rows = in_order(
        list(page.object_list),
        Information.objects.select_related(
            "source", "connection", "reliability", "language", "event", "act", "act__act_type"
        ),
    )
    open_all(rows, "account", "reference")
    open_all([row.source for row in rows], "name")
    open_all([row.event for row in rows], "title")
    record(user, "documentation.sources_listed", None, shown=len(rows), filtered=bool(data))
    note_restricted_reads(user, [row.event for row in rows], "sources")
    return render(
        request,
        "documentation/sources.html",
        {"form": form, "page": page, "rows": rows, "query": filters.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def information_new_view(request: HttpRequest, code: str) -> HttpResponse:
    """Another source's account of an event, or of one act of it."""
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    form = InformationForm(request.POST or None, initial={"act": request.GET.get("act", "")})
    offer_terms(form)
    acts = acts_of(event)
    offer_acts(form, acts)
    similar: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        similar = similar_people(user, form, ("source",))
        if not similar:
            data = form.cleaned_data
            try:
                source = chosen(user, form, "source")
                if source is None:
                    raise actions.Refused(_("Choose the source, or give a new source's name."))
                with transaction.atomic():
                    sources.record_information(
                        user,
                        event=event,
                        act=act_of(acts, data["act"]),
                        source=source.save(user),
                        **{name: data[name] for name in FIELDS},
                    )
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The source's account was recorded."))
                return redirect(reverse("documentation:event", args=[event.code]) + "#sources")
    offer(form, "source", people_in(event), similar.get("source"))
    open_all([event], "title")
    record(user, "documentation.event_viewed", event)
    return render(
        request,
        "documentation/information_form.html",
        {"event": event, "form": form, "similar": bool(similar), "new": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def information_edit_view(request: HttpRequest, information_id: str) -> HttpResponse:
    user = user_of(request)
    information = get_information_for(user, information_id, WRITE)
    event = information.event
    initial = {
        "version": information.version,
        "act": information.act.code if information.act else "",
        "reported_on": information.reported_on,
        "account": information.account or "",
        "reference": information.reference or "",
        **initial_terms(information, ["connection", "reliability", "language"]),
    }
    form = InformationForm(request.POST or None, initial=initial, choose_person=False)
    form.fields["version"].required = True
    offer_terms(
        form,
        {
            "connection": information.connection,
            "reliability": information.reliability,
            "language": information.language,
        },
    )
    acts = acts_of(event)
    offer_acts(form, acts)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = sources.change_information(
                information,
                by=user,
                version=data["version"],
                act=act_of(acts, data["act"]),
                **{name: data[name] for name in FIELDS},
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The source's account was saved."))
            return redirect(reverse("documentation:event", args=[event.code]) + "#sources")
    current = (
        Information.objects.select_related("connection", "reliability", "source")
        .filter(pk=information.pk)
        .first()
    )
    open_all([current], "account", "reference")
    open_all([information.source], "name")
    open_all([event], "title")
    record(user, "documentation.information_viewed", information)
    return render(
        request,
        "documentation/information_form.html",
        {
            "event": event,
            "information": information,
            "form": form,
            "conflict": conflict,
            "current": current,
        },
        status=409 if conflict else (400 if form.errors else 200),
    )
