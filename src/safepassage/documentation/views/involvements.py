"""Adding to an event after it was recorded: another act (with its victim
and, if known, who did it), another perpetrator's part in an act, and
correcting a perpetrator's part (locked optimistically)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions
from safepassage.documentation.access import WRITE, get_act_for, get_event_for, get_involvement_for
from safepassage.documentation.fields import initial_terms, offer_terms
from safepassage.documentation.models import Act, Involvement
from safepassage.documentation.record_forms import ActAddForm, InvolvementForm
from safepassage.documentation.views.choosing import chosen, offer, people_in, similar_people
from safepassage.documentation.views.shared import open_all, stale, user_of

ACT_FIELDS = (
    "act_type",
    "start",
    "end",
    "place",
    "method",
    "stated_reason",
    "consequences",
    "victim_status",
    "verification",
)
INVOLVEMENT_FIELDS = ("perpetrator_type", "degree", "unit", "rank")


def _at_act(act: Act) -> str:
    return reverse("documentation:event", args=[act.event.code]) + f"#act-{act.code}"


@require_http_methods(["GET", "POST"])
def act_new_view(request: HttpRequest, code: str) -> HttpResponse:
    """Another act in an event; its date and place start as the event's."""
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    form = ActAddForm(request.POST or None, initial={"start": event.start, "place": event.place})
    offer_terms(form, {"place": event.place_area})
    similar: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        similar = similar_people(user, form, ("victim", "perpetrator"))
        if not similar:
            data = form.cleaned_data
            try:
                victim = chosen(user, form, "victim")
                if victim is None:
                    raise actions.Refused(_("Choose the victim, or give a new victim's name."))
                perpetrator = chosen(user, form, "perpetrator")
                with transaction.atomic():
                    act = actions.record_act(
                        user,
                        event=event,
                        victim=victim.save(user),
                        **{name: data[name] for name in ACT_FIELDS},
                    )
                    if data["perpetrator_type"] is not None:
                        actions.record_involvement(
                            user,
                            act=act,
                            perpetrator=perpetrator.save(user) if perpetrator else None,
                            **{name: data[name] for name in INVOLVEMENT_FIELDS},
                        )
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The act was recorded."))
                return redirect(_at_act(act))
    people = people_in(event)
    offer(form, "victim", people, similar.get("victim"))
    offer(form, "perpetrator", people, similar.get("perpetrator"))
    open_all([event], "title")
    record(user, "documentation.event_viewed", event)
    return render(
        request,
        "documentation/act_new.html",
        {"event": event, "form": form, "similar": bool(similar)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def involvement_new_view(request: HttpRequest, code: str) -> HttpResponse:
    """Another perpetrator's part in an act."""
    user = user_of(request)
    act = get_act_for(user, code, WRITE)
    form = InvolvementForm(request.POST or None)
    offer_terms(form)
    similar: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        similar = similar_people(user, form, ("perpetrator",))
        if not similar:
            data = form.cleaned_data
            try:
                perpetrator = chosen(user, form, "perpetrator")
                with transaction.atomic():
                    actions.record_involvement(
                        user,
                        act=act,
                        perpetrator=perpetrator.save(user) if perpetrator else None,
                        **{name: data[name] for name in INVOLVEMENT_FIELDS},
                    )
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The perpetrator's part was recorded."))
                return redirect(_at_act(act))
    offer(form, "perpetrator", people_in(act.event), similar.get("perpetrator"))
    open_all([act.victim], "name")
    record(user, "documentation.act_viewed", act)
    return render(
        request,
        "documentation/involvement_form.html",
        {"act": act, "form": form, "similar": bool(similar), "new": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def involvement_edit_view(request: HttpRequest, involvement_id: str) -> HttpResponse:
    user = user_of(request)
    involvement = get_involvement_for(user, involvement_id, WRITE)
    act = involvement.act
    initial = {
        "version": involvement.version,
        "unit": involvement.unit or "",
        "rank": involvement.rank or "",
        **initial_terms(involvement, ["perpetrator_type", "degree"]),
    }
    form = InvolvementForm(request.POST or None, initial=initial, choose_person=False)
    form.fields["version"].required = True
    offer_terms(
        form, {"perpetrator_type": involvement.perpetrator_type, "degree": involvement.degree}
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = actions.change_involvement(
                involvement,
                by=user,
                version=data["version"],
                **{name: data[name] for name in INVOLVEMENT_FIELDS},
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The perpetrator's part was saved."))
            return redirect(_at_act(act))
    current = (
        Involvement.objects.select_related("perpetrator_type", "degree", "perpetrator")
        .filter(pk=involvement.pk)
        .first()
    )
    open_all([current], "unit", "rank")
    open_all([act.victim, involvement.perpetrator], "name")
    record(user, "documentation.involvement_viewed", involvement)
    return render(
        request,
        "documentation/involvement_form.html",
        {
            "act": act,
            "involvement": involvement,
            "form": form,
            "conflict": conflict,
            "current": current,
        },
        status=409 if conflict else (400 if form.errors else 200),
    )
