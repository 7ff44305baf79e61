"""The timeline: the acts of the events that match the list's filters (and
the events with no act yet), in the order of the first day each may have
happened on, each date as precisely as it is known and no more."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepassage.audit.chain import record
from safepassage.documentation import search
from safepassage.documentation.access import documentation_keys
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import EventFilterForm
from safepassage.documentation.models import Act, Event, Involvement
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.documentation.views.shared import open_all, user_of

PAGE = 100


def _read(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """A page of timeline rows as the page shows them: each act with its
    event, victim and perpetrators, each event with no act, names opened."""
    act_ids = [row[0] for row in rows if row[1] == "act"]
    event_ids = [row[0] for row in rows if row[1] == "event"]
    acts = {
        act.pk: act
        for act in Act.objects.filter(pk__in=act_ids)
        .select_related("act_type", "victim", "event", PLACE_PATH)
        .prefetch_related(
            Prefetch("involvements", Involvement.objects.select_related("perpetrator_type"))
        )
    }
    events = {e.pk: e for e in Event.objects.filter(pk__in=event_ids).select_related(PLACE_PATH)}
    open_all([act.event for act in acts.values()] + list(events.values()), "title")
    open_all(acts.values(), "place_detail")
    open_all(events.values(), "place_detail")
    open_all([act.victim for act in acts.values()], "name")
    items = []
    for pk, kind, unknown, first, _last, _code in rows:
        record_ = acts.get(pk) if kind == "act" else events.get(pk)
        if record_ is None:  # gone since the page was counted
            continue
        items.append(
            {
                "kind": kind,
                "act": record_ if kind == "act" else None,
                "event": record_.event if isinstance(record_, Act) else record_,
                "record": record_,
                "year": None if unknown else first.year,
            }
        )
    return items


@require_GET
def timeline_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    form = EventFilterForm(request.GET or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = search.people_named_like(data.get("name") or "")
    page = Paginator(search.timeline(user, data, people), PAGE).get_page(request.GET.get("page"))
    items = _read(list(page.object_list))
    record(
        user,
        "documentation.timeline_shown",
        None,
        shown=len(items),
        filtered=bool(data),
        searched=people.searched,
    )
    note_restricted_reads(user, [item["event"] for item in items], "timeline")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documentation/timeline.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "count": page.paginator.count,
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
