"""Recording an event in one calm step: what happened, when and where; what
was done to whom; who did it; who told us. Before saving, people already
recorded under similar names are offered (the vault's fuzzy search over
the sealed names), so the same victim is not recorded twice by mistake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import User
from safepassage.documentation import actions, recording
from safepassage.documentation.access import WRITE, documentation_keys, get_person_for
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import RecordEventForm
from safepassage.documentation.models import Person
from safepassage.documentation.people import find_people
from safepassage.documentation.views.shared import user_of

ROLES = ("victim", "perpetrator", "source")
# How alike a name must be to be offered as perhaps the same person.
SIMILAR = 85.0


def _similar(user: User, form: RecordEventForm) -> dict[str, list[Person]]:
    """For each new person named, people already recorded under a similar name."""
    data = form.cleaned_data
    found: dict[str, list[Person]] = {}
    for role in ROLES:
        name = (data.get(f"{role}_name") or "").strip()
        if not name or data.get(f"{role}_existing"):
            continue
        if role == "source" and data.get("source_is_victim"):
            continue
        matches = find_people(user, name, limit=5, cutoff=SIMILAR)
        if matches:
            found[role] = matches
    return found


def _person(user: User, form: RecordEventForm, role: str) -> recording.PersonPart | None:
    data = form.cleaned_data
    code = (data.get(f"{role}_existing") or "").strip()
    if code:
        return recording.PersonPart(existing=get_person_for(user, code, WRITE))
    name = (data.get(f"{role}_name") or "").strip()
    if not name:
        return None
    part = recording.PersonPart(name=name, kind=data.get(f"{role}_kind") or "individual")
    if role == "victim":
        part.born = data.get("victim_born") or ""
        part.profile = {
            key: term.code
            for key in ("sexual_orientation", "gender_identity", "gender_expression")
            if (term := data.get(f"victim_{key}")) is not None
        }
    return part


def _parts(user: User, form: RecordEventForm) -> dict[str, Any]:
    data = form.cleaned_data
    victim = _person(user, form, "victim")
    if victim is None:
        raise actions.Refused(_("Give the victim's name, or a description."))
    return {
        "event": recording.EventPart(
            title=data["title"],
            start=data["start"],
            end=data["end"],
            place=data["place"],
            description=data["description"],
            confidentiality=data["confidentiality"],
            teams=list(data["teams"]),
            users=list(data["users"]),
        ),
        "act": recording.ActPart(
            act_type=data["act_type"],
            method=data["method"],
            stated_reason=data["stated_reason"],
            consequences=data["consequences"],
            victim_status=data["victim_status"],
            verification=data["verification"],
        ),
        "victim": victim,
        "perpetrator": recording.PerpetratorPart(
            perpetrator_type=data["perpetrator_type"],
            degree=data["degree"],
            person=_person(user, form, "perpetrator"),
            unit=data["unit"],
            rank=data["rank"],
        ),
        "source": recording.SourcePart(
            connection=data["connection"],
            reliability=data["reliability"],
            person=None if data["source_is_victim"] else _person(user, form, "source"),
            language=data["language"],
            reported_on=data["reported_on"],
            account=data["account"],
            reference=data["reference"],
        ),
    }


@require_http_methods(["GET", "POST"])
def record_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user, WRITE)
    form = RecordEventForm(request.POST or None)
    offer_terms(form)
    similar: dict[str, list[Person]] = {}
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["people_checked"]:
            similar = _similar(user, form)
        if similar:
            # Offer them once; the next submission records as chosen.
            data = request.POST.copy()
            data["people_checked"] = "on"
            form.data = data
        else:
            try:
                saved = recording.record_event_with_act(user, **_parts(user, form))
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The event was recorded."))
                return redirect("documentation:event", code=saved.event.code)
    return render(
        request,
        "documentation/record.html",
        {"form": form, "similar": [(role, similar[role]) for role in ROLES if role in similar]},
        status=400 if form.errors else 200,
    )
