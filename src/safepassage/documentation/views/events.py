"""The event list with its filters, an event's page (who did what to whom,
by whose account, beside what the officials said), and editing an event."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions, search
from safepassage.documentation.access import WRITE, documentation_keys, get_event_for
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import EventFilterForm, EventForm
from safepassage.documentation.models import (
    Act,
    Event,
    Information,
    Intervention,
    Involvement,
    Person,
    StatementLink,
    Term,
)
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.documentation.views.shared import in_order, open_all, stale, user_of

PAGE = 50


@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    form = EventFilterForm(request.GET or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = search.people_named_like(data.get("name") or "")
    events = search.filtered_events(user, data, people)
    # A page of ids first (sorted and skipped without joins), then the rows.
    page = Paginator(events.values_list("pk", flat=True), PAGE).get_page(request.GET.get("page"))
    rows = in_order(list(page.object_list), Event.objects.select_related(PLACE_PATH))
    acts = list(
        Act.objects.filter(event__in=rows)
        .select_related("act_type", "victim")
        .prefetch_related(
            Prefetch(
                "involvements",
                Involvement.objects.select_related("perpetrator_type", "perpetrator"),
            )
        )
        .order_by("period_from", "code")
    )
    by_event: dict[Any, list[Act]] = {}
    for act in acts:
        by_event.setdefault(act.event_id, []).append(act)
    named = _named(acts, people, data.get("name_role") or "") if people.searched else {}
    open_all(rows, "title", "place_detail")
    record(
        user,
        "documentation.events_listed",
        None,
        shown=len(rows),
        filtered=bool(data),
        searched=people.searched,
    )
    note_restricted_reads(user, rows, "events")
    return render(
        request,
        "documentation/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "event": event,
                    "acts": by_event.get(event.pk, []),
                    "perpetrators": _perpetrator_types(by_event.get(event.pk, [])),
                    "named": named.get(event.pk, []),
                }
                for event in rows
            ],
            "count": page.paginator.count,
            "query": _without_page(request),
            "can_record": user.can(WRITE),
            "searched": people.searched,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _named(acts: list[Act], people: search.People, role: str) -> dict[Any, list[Person]]:
    """For each event, the victims and perpetrators in it whose names the
    search found (sources are found through their accounts, not shown
    here), with their names opened: why the event matched."""
    found: dict[Any, dict[Any, Person]] = {}
    wanted = set(people.scores)
    for act in acts:
        if role in ("", "victim") and str(act.victim_id) in wanted:
            found.setdefault(act.event_id, {})[act.victim_id] = act.victim
        for involvement in act.involvements.all():
            person = involvement.perpetrator
            if role in ("", "perpetrator") and person is not None and str(person.pk) in wanted:
                found.setdefault(act.event_id, {})[person.pk] = person
    people_shown = [person for persons in found.values() for person in persons.values()]
    open_all(people_shown, "name")
    return {event: list(persons.values()) for event, persons in found.items()}


def _perpetrator_types(acts: list[Act]) -> list[Term]:
    found: dict[int, Term] = {}
    for act in acts:
        for involvement in act.involvements.all():
            found.setdefault(involvement.perpetrator_type_id, involvement.perpetrator_type)
    return list(found.values())


@require_GET
def event_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    event = get_event_for(user, code)
    acts = list(
        event.acts.select_related("act_type", "victim", "victim_status", PLACE_PATH).order_by(
            "period_from", "created_at"
        )
    )
    involvements = list(
        Involvement.objects.filter(act__event=event).select_related(
            "perpetrator", "perpetrator_type", "degree"
        )
    )
    information = list(
        Information.objects.filter(event=event).select_related(
            "source", "connection", "reliability", "language", "act"
        )
    )
    beside = list(
        StatementLink.objects.filter(event=event).select_related(
            "statement", "statement__stance", "act"
        )
    )
    interventions = list(
        Intervention.objects.filter(event=event).select_related("kind", "response", "act")
    )
    open_all([event], "title", "description", "place_detail")
    open_all(acts, "method", "stated_reason", "consequences", "place_detail")
    open_all([act.victim for act in acts], "name")
    open_all(involvements, "unit", "rank")
    open_all([i.perpetrator for i in involvements], "name")
    open_all(information, "account", "reference")
    open_all([i.source for i in information], "name")
    open_all([link.statement for link in beside], "speaker", "office")
    open_all(beside, "passage")
    open_all(interventions, "intervening_party", "addressed_to", "outcome")
    record(user, "documentation.event_viewed", event)
    rows = [
        {
            "act": act,
            "involvements": [i for i in involvements if i.act_id == act.pk],
            "information": [i for i in information if i.act_id == act.pk],
            "statements": [link for link in beside if link.act_id == act.pk],
        }
        for act in acts
    ]
    return render(
        request,
        "documentation/event.html",
        {
            "event": event,
            "rows": rows,
            "information": information,
            "beside": beside,
            "interventions": interventions,
            "chain": event.links.select_related("related", "kind"),
            "chained_from": event.linked_from.select_related("event", "kind"),
            "shares": event.shares.select_related("team", "user"),
            "can_record": user.can(WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    initial = {
        "version": event.version,
        "title": event.title,
        "start": event.start,
        "end": event.end,
        "place": event.place,
        "description": event.description or "",
        "violation_status": event.violation_status,
        "monitoring_status": event.monitoring_status,
        "confidentiality": event.confidentiality,
        "teams": [s.team for s in event.shares.filter(team__isnull=False).select_related("team")],
        "users": [s.user for s in event.shares.filter(user__isnull=False).select_related("user")],
    }
    form = EventForm(request.POST or None, initial=initial)
    offer_terms(form, {"place": event.place_area})
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            name: data[name]
            for name in (
                "title",
                "start",
                "end",
                "place",
                "description",
                "violation_status",
                "monitoring_status",
                "confidentiality",
            )
        }
        try:
            changed = actions.change_event(
                event,
                by=user,
                version=data["version"],
                teams=data["teams"],
                users=data["users"],
                **values,
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The event was saved."))
            return redirect("documentation:event", code=event.code)
    record(user, "documentation.event_viewed", event)
    return render(
        request,
        "documentation/event_edit.html",
        {"event": event, "form": form, "conflict": conflict, "current": event_now(event)},
        status=409 if conflict else (400 if form.errors else 200),
    )


def event_now(event: Event) -> Event | None:
    """The event as stored now (for an edit that was refused as stale)."""
    current = Event.objects.select_related(PLACE_PATH).filter(pk=event.pk).first()
    if current is not None:
        open_all([current], "title", "description", "place_detail")
    return current
