"""Finding people by name (the vault's fuzzy search over sealed names) and
a person's page: where they appear, as far as the reader may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepassage.audit.chain import record
from safepassage.documentation import vocabularies
from safepassage.documentation.access import documentation_keys, get_person_for, hidden_events
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.models import Information, Involvement
from safepassage.documentation.models.people import SOGIESC
from safepassage.documentation.people import find_people
from safepassage.documentation.views.shared import open_all, user_of


@require_GET
def people_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    query = request.GET.get("q", "").strip()[:100]
    found = find_people(user, query, limit=50, cutoff=60) if query else []
    if query:
        record(user, "documentation.people_searched", None, shown=len(found))
    return render(request, "documentation/people.html", {"query": query, "people": found})


@require_GET
def person_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    person = get_person_for(user, code)
    hidden = hidden_events(user)
    acts = list(
        person.acts.exclude(event__in=hidden)
        .select_related("event", "act_type")
        .order_by("period_from")
    )
    involvements = list(
        Involvement.objects.filter(perpetrator=person)
        .exclude(act__event__in=hidden)
        .select_related("act", "act__event", "act__act_type", "degree", "perpetrator_type")
    )
    accounts = list(
        Information.objects.filter(source=person)
        .exclude(event__in=hidden)
        .select_related("event", "connection", "reliability")
    )
    open_all([person], "name", "other_names", "born", "contact", "description", "profile")
    open_all(
        [a.event for a in acts] + [i.act.event for i in involvements] + [i.event for i in accounts],
        "title",
    )
    open_all(involvements, "unit", "rank")
    profile = [
        (vocabularies.vocabulary(key).name(), vocabularies.term_named(key, term).label())
        for key in SOGIESC
        if (term := (person.profile or {}).get(key))
    ]
    record(user, "documentation.person_viewed", person)
    note_restricted_reads(
        user,
        [a.event for a in acts] + [i.act.event for i in involvements] + [i.event for i in accounts],
        "person",
    )
    return render(
        request,
        "documentation/person.html",
        {
            "person": person,
            "profile": profile,
            "acts": acts,
            "involvements": involvements,
            "accounts": accounts,
        },
    )
