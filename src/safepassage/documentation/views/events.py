"""The event list with its filters, an event's page (who did what to whom,
by whose account, beside what the officials said), and editing an event."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import actions, chains, search
from safepassage.documentation.access import WRITE, documentation_keys, get_event_for
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.evidence import evidence_beside
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
    Verification,
)
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.documentation.record_forms import ChainForm
from safepassage.documentation.views.paging import UncountedPage
from safepassage.documentation.views.shared import filters_of, in_order, open_all, stale, user_of

PAGE = 50


@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = EventFilterForm(filters or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = search.people_named_like(data.get("name") or "")
    events = search.filtered_events(user, data, people)
    # A page of ids first (sorted and skipped without joins, and not
    # counted: see views/paging.py), then the rows.
    page = UncountedPage.of(search.newest_first(events), request.GET.get("page"), PAGE)
    rows = _events(page.rows)
    acts, parts = _acts_of(rows)
    by_event: dict[Any, list[Any]] = {}
    for act in acts:
        by_event.setdefault(act.event_id, []).append(act)
    named = _named(acts, parts, people, data.get("name_role") or "") if people.searched else {}
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
            "rows": _listed(rows, by_event, parts, named),
            "count": page.count,
            "seen": page.seen,
            "query": filters.urlencode(),
            "can_record": user.can(WRITE),
            "searched": people.searched,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# What the list shows of an event: its code, title, date and place, and
# whether it is restricted.
LISTED_EVENT_COLUMNS = (
    "code",
    "title",
    "confidentiality",
    "start_precision",
    "start_on",
    "place_precision",
    "place_area",
    "place_detail",
)


def _events(ids: list[Any]) -> list[Event]:
    """A page of events with the columns the list shows, each place made
    once with the areas above it (not once for each event that is there)."""
    rows = in_order(ids, Event.objects.only(*LISTED_EVENT_COLUMNS))
    places = search.with_parents({event.place_area_id for event in rows} - {None})
    for event in rows:
        event.place_area = places.get(event.place_area_id) if event.place_area_id else None
    return rows


def _acts_of(rows: list[Event]) -> tuple[list[Any], dict[Any, list[Any]]]:
    """The acts of a page of events and their perpetrators' parts, as rows
    of the columns the list reads: a model instance for each of some four
    hundred was most of the page's own work (bench/README.md)."""
    acts: list[Any] = list(
        Act.objects.filter(event__in=rows)
        .order_by("period_from", "code")
        .values_list("id", "event_id", "victim_id", "act_type_id", "verification", named=True)
    )
    # Ordered by the act's id and not by the act (which joins the acts and
    # their events again to sort by the acts' own order).
    involvements = Involvement.objects.filter(act__in=[act.id for act in acts])
    parts: dict[Any, list[Any]] = {}
    for part in involvements.order_by("act_id", "created_at").values_list(
        "act_id", "perpetrator_id", "perpetrator_type_id", named=True
    ):
        parts.setdefault(part.act_id, []).append(part)
    return acts, parts


def _named(
    acts: list[Any], parts: dict[Any, list[Any]], people: search.People, role: str
) -> dict[Any, list[Person]]:
    """For each event, the victims and perpetrators in it whose names the
    search found (sources are found through their accounts, not shown
    here), with their names opened: why the event matched."""
    wanted = set(people.scores)
    chosen: dict[Any, list[Any]] = {}
    for act in acts:
        if role in ("", "victim") and str(act.victim_id) in wanted:
            chosen.setdefault(act.event_id, []).append(act.victim_id)
        for part in parts.get(act.id, []):
            found = part.perpetrator_id
            if role in ("", "perpetrator") and found is not None and str(found) in wanted:
                chosen.setdefault(act.event_id, []).append(found)
    persons = Person.objects.in_bulk({pk for ids in chosen.values() for pk in ids})
    open_all(persons.values(), "name")
    return {
        event: [persons[pk] for pk in dict.fromkeys(ids) if pk in persons]
        for event, ids in chosen.items()
    }


def _listed(
    rows: list[Event],
    by_event: dict[Any, list[Any]],
    parts: dict[Any, list[Any]],
    named: dict[Any, list[Person]],
) -> list[dict[str, Any]]:
    """The list's rows with their words ready: each term's label, each
    status's name and each place written once for the page, not once for
    each act that shows it (the template's own lookups and filters were
    half of the page's work: bench/README.md)."""
    wanted = {act.act_type_id for acts in by_event.values() for act in acts}
    wanted |= {part.perpetrator_type_id for found in parts.values() for part in found}
    labels = {pk: term.label() for pk, term in Term.objects.order_by().in_bulk(wanted).items()}
    statuses = {value: str(name) for value, name in Verification.choices}

    # Each item is written once for the page (a page's two hundred acts
    # are of a dozen types), and a row joins the items it has: each is
    # escaped by format_html, so their join is safe too.
    @cache
    def act_item(kind: int, status: str) -> str:
        return format_html(
            '<li>{} <span class="badge verification-{}">{}</span></li>',
            labels[kind],
            status,
            statuses[status],
        )

    @cache
    def perpetrator_item(kind: int) -> str:
        return format_html("<li>{}</li>", labels[kind])

    places: dict[tuple[Any, ...], str] = {}
    listed = []
    for event in rows:
        acts = by_event.get(event.pk, [])
        where = (event.place_precision, event.place_area_id, event.place_detail)
        if where not in places:
            places[where] = event.place.display()
        kinds = dict.fromkeys(
            part.perpetrator_type_id for act in acts for part in parts.get(act.id, [])
        )
        start = event.start
        listed.append(
            {
                "event": event,
                "when": start.display(),
                "when_machine": start.machine(),
                "where": places[where],
                "acts": mark_safe(  # noqa: S308 (items escaped above)
                    "".join(act_item(act.act_type_id, act.verification) for act in acts)
                ),
                "perpetrators": mark_safe(  # noqa: S308 (items escaped above)
                    "".join(perpetrator_item(kind) for kind in kinds)
                ),
                "named": named.get(event.pk, []),
            }
        )
    return listed


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
            "chain": chains.chain_of(user, event),
            "chain_form": chain_form(user),
            "shares": event.shares.select_related("team", "user"),
            "evidence": evidence_beside(user, event),
            "attach_to": event.code,
            "can_record": user.can(WRITE),
        },
    )


def chain_form(user: User) -> ChainForm | None:
    """The form that adds a link to the chain, for those who record."""
    if not user.can(WRITE):
        return None
    form = ChainForm()
    offer_terms(form)
    return form


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
