"""The timeline: the acts of the events that match the list's filters, in
the order of the first day each may have happened on, each date as
precisely as it is known and no more; the events recorded with no act yet
above them, on the first page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepassage.audit.chain import record
from safepassage.documentation import search
from safepassage.documentation.access import documentation_keys
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import EventFilterForm
from safepassage.documentation.models import Event
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.documentation.views.paging import UncountedPage
from safepassage.documentation.views.shared import filters_of, open_all, user_of

PAGE = 50
# Events with no act yet, shown above the first page (the list has them all).
WITHOUT_ACTS = 20


@require_GET
def timeline_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = EventFilterForm(filters or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = search.people_named_like(data.get("name") or "")
    # A page of ids (sorted and skipped without joins, and not counted:
    # views/paging.py), then what the page shows of them.
    acts_in_order: Any = search.timeline(user, data, people)
    page = UncountedPage.of(acts_in_order, request.GET.get("page"), PAGE)
    acts = search.timeline_page(page.rows)
    lonely: list[Event] = []
    if page.number == 1:
        ids = list(
            search.without_acts(user, data, people).values_list("pk", flat=True)[: WITHOUT_ACTS + 1]
        )
        lonely = sorted(
            Event.objects.filter(pk__in=ids).select_related(PLACE_PATH),
            key=lambda event: (event.period_from is None, event.period_from, event.code),
        )
    open_all([act.event for act in acts] + lonely, "title")
    open_all(acts, "place_detail")
    open_all(lonely, "place_detail")
    open_all([act.victim for act in acts], "name")
    record(
        user,
        "documentation.timeline_shown",
        None,
        shown=len(acts) + len(lonely[:WITHOUT_ACTS]),
        filtered=bool(data),
        searched=people.searched,
    )
    note_restricted_reads(user, [act.event for act in acts] + lonely, "timeline")
    return render(
        request,
        "documentation/timeline.html",
        {
            "form": form,
            "page": page,
            "acts": acts,
            "lonely": lonely[:WITHOUT_ACTS],
            "more_lonely": len(lonely) > WITHOUT_ACTS,
            "count": page.count,
            "seen": page.seen,
            "query": filters.urlencode(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
