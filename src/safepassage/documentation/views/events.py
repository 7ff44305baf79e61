"""The event list with its filters, an event's page (who did what to whom,
by whose account, beside what the officials said), and editing an event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import actions, vocabularies
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_event_for,
    visible_events,
)
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import EventFilterForm, EventForm
from safepassage.documentation.models import (
    Act,
    Event,
    Information,
    Intervention,
    Involvement,
    StatementLink,
    Term,
)
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.documentation.views.shared import open_all, stale, user_of

PAGE = 50


@dataclass(frozen=True)
class Page:
    """A page of a list that is not counted: counting every match costs
    as much as finding the page, on tens of thousands of events. The row
    after the page says whether there is an older one."""

    number: int
    rows: list[Any]
    has_next: bool

    @classmethod
    def of(cls, found: QuerySet[Any], asked: str | None, size: int = PAGE) -> Page:
        number = int(asked) if asked and asked.isdigit() and 0 < int(asked) < 10**6 else 1
        start = (number - 1) * size
        rows = list(found[start : start + size + 1])
        return cls(number, rows[:size], len(rows) > size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def filtered_events(user: User, data: dict[str, Any]) -> QuerySet[Event]:
    """The events ``user`` may see that match the filters: a term matches
    itself and every term below it; the act filters (type, perpetrator
    type, how far it is established) must hold for one and the same act; a
    place matches the event's area or an act's; a period matches the events
    whose span of possible days meets it (an unknown date meets no period).
    Acts are asked in subqueries, not joined: an event comes once without
    DISTINCT (which would sort every sealed column)."""
    events = visible_events(user)
    act: dict[str, Any] = {}
    if data.get("act_type"):
        act["act_type__in"] = vocabularies.descendants(data["act_type"])
    if data.get("perpetrator_type"):
        kinds = vocabularies.descendants(data["perpetrator_type"])
        act["involvements__perpetrator_type__in"] = kinds
    if data.get("verification"):
        act["verification"] = data["verification"]
    if act:
        events = events.filter(pk__in=Act.objects.filter(**act).values("event_id"))
    if data.get("place"):
        areas = vocabularies.descendants(data["place"])
        in_acts = Act.objects.filter(place_area__in=areas).values("event_id")
        events = events.filter(Q(place_area__in=areas) | Q(pk__in=in_acts))
    if data.get("period_from"):
        events = events.filter(period_to__gte=data["period_from"])
    if data.get("period_to"):
        events = events.filter(period_from__lte=data["period_to"])
    return events.order_by("-period_from", "code")


@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    form = EventFilterForm(request.GET or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = filtered_events(user, data).select_related(PLACE_PATH)
    page = Page.of(events, request.GET.get("page"))
    rows = page.rows
    # Ordered by their own columns: the models' default orders reach back
    # through act and event, a join for nothing here.
    # Only the columns the list shows: an act's sealed texts stay unread.
    acts = list(
        Act.objects.filter(event__in=rows)
        .select_related("act_type")
        .only("id", "event_id", "verification", "act_type")
        .order_by("period_from", "code")
        .prefetch_related(
            Prefetch(
                "involvements",
                Involvement.objects.select_related("perpetrator_type")
                .only("id", "act_id", "perpetrator_type")
                .order_by("created_at"),
            )
        )
    )
    by_event: dict[Any, list[Act]] = {}
    for act in acts:
        by_event.setdefault(act.event_id, []).append(act)
    open_all(rows, "title", "place_detail")
    record(user, "documentation.events_listed", None, shown=len(rows), filtered=bool(data))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documentation/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (event, by_event.get(event.pk, []), _perpetrator_types(by_event.get(event.pk, [])))
                for event in rows
            ],
            "query": query.urlencode(),
            "can_record": user.can(WRITE),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


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
