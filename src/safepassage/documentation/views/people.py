"""Finding people by name (the vault's fuzzy search over sealed names) and
a person's page: where they appear, as far as the reader may see."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import vocabularies
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_person_for,
    get_person_link_for,
    hidden_events,
)
from safepassage.documentation.actions import Refused, StaleRecord
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.edit_forms import PERSON_TEXTS, PersonForm, PersonLinkForm
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.models import Information, Involvement, Person, Term
from safepassage.documentation.models.people import SOGIESC
from safepassage.documentation.people import (
    change_person,
    find_people,
    link_people,
    links_of,
    recent_people,
    unlink_people,
)
from safepassage.documentation.views.consent import consent_form, consent_history
from safepassage.documentation.views.shared import open_all, stale, user_of

RECENT_PEOPLE = 50  # listed before any search


@require_GET
def people_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        found = find_people(user, query, limit=50, cutoff=60)
        record(user, "documentation.people_searched", None, shown=len(found))
    else:
        found = recent_people(user, limit=RECENT_PEOPLE)
        record(user, "documentation.people_listed", None, shown=len(found))
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
            "links": links_of(user, person),
            "link_form": link_form(user),
            "can_record": user.can(WRITE),
            "consent_form": consent_form(user, person),
            "consent_history": consent_history(person),
        },
    )


def link_form(user: User) -> PersonLinkForm | None:
    """The form that links the person to another, for those who record."""
    if not user.can(WRITE):
        return None
    form = PersonLinkForm()
    offer_terms(form)
    return form


@require_http_methods(["GET", "POST"])
def person_link_view(request: HttpRequest, code: str) -> HttpResponse:
    """Link a person to another (family, unit, command) from their page."""
    user = user_of(request)
    person = get_person_for(user, code, WRITE)
    form = PersonLinkForm(request.POST or None)
    offer_terms(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            other = get_person_for(user, data["other"], WRITE)
        except Http404:
            # The same words for nobody and for someone one may not see.
            form.add_error("other", _("Nobody you may see has this code."))
        else:
            try:
                link_people(user, person, other, data["relationship"], data["note"])
            except Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The link was recorded."))
                return redirect(reverse("documentation:person", args=[person.code]) + "#links")
    open_all([person], "name")
    return render(
        request,
        "documentation/person_link.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def person_unlink_view(request: HttpRequest, link_id: uuid.UUID) -> HttpResponse:
    """Remove a link between two people, from either person's page."""
    user = user_of(request)
    link = get_person_link_for(user, link_id, WRITE)
    # Back to the page the form was on: one of the link's two people.
    ends = {link.person.code, link.related.code}
    back = request.POST.get("from", "")
    unlink_people(user, link)
    messages.success(request, _("The link between the people was removed."))
    code = back if back in ends else link.person.code
    return redirect(reverse("documentation:person", args=[code]) + "#links")


@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    person = get_person_for(user, code, WRITE)
    open_all([person], *PERSON_TEXTS, "profile")
    profile = person.profile or {}
    initial: dict[str, Any] = {
        "version": person.version,
        "kind": person.kind,
        "group_size": person.group_size,
        **{name: getattr(person, name) or "" for name in PERSON_TEXTS},
    }
    keep: dict[str, Term | None] = {}
    for key in SOGIESC:
        if profile.get(key):
            keep[key] = vocabularies.term_named(key, profile[key])
            initial[key] = keep[key].pk  # type: ignore[union-attr]
    form = PersonForm(request.POST or None, initial=initial)
    offer_terms(form, keep)
    conflict = False
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if values["profile"] == (profile or None):
            # Unchanged (a retired term it already has is kept, not refused).
            del values["profile"]
        try:
            changed = change_person(person, by=user, version=form.cleaned_data["version"], **values)
        except StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The person was saved."))
            return redirect("documentation:person", code=person.code)
    current = Person.objects.filter(pk=person.pk).first()
    open_all([current], *PERSON_TEXTS)
    record(user, "documentation.person_viewed", person)
    return render(
        request,
        "documentation/person_edit.html",
        {"person": person, "form": form, "conflict": conflict, "current": current},
        status=409 if conflict else (400 if form.errors else 200),
    )
