"""Pages of a case's journeys: plan one, its legs (each changed on its
own page), its status, and the arrival (see travel_views for the rules
all travel pages follow)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.cases import access, travel_actions
from safepassage.cases.models import Case, Host
from safepassage.cases.models.travel import ArrivalDetails, LegDetails
from safepassage.cases.travel_forms import ArrivalForm, JourneyForm, LegForm
from safepassage.cases.travel_reading import journeys
from safepassage.cases.travel_views import (
    attempt,
    back_to_travel,
    form_page,
    may_edit,
    notes_of,
    saved,
    user_of,
)

# --- Journeys ---------------------------------------------------------------------------


def _journey_values(case: Case, cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    chosen = cleaned["application"]
    return {
        "status": cleaned["status"],
        "application": case.applications.get(pk=uuid.UUID(chosen)) if chosen else None,
        **notes_of(cleaned, casework),
    }


def _applications(case: Case) -> list[Any]:
    return list(case.applications.select_related("host", "pathway"))


@require_http_methods(["GET", "POST"])
def journey_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    case = access.get_case_for(user, code)
    casework = may_edit(user, case)
    applications = _applications(case)
    approved = [a for a in applications if a.decision == "approved"]
    form = JourneyForm(
        request.POST or None,
        applications=applications,
        casework=casework,
        versioned=False,
        initial={"application": str(approved[-1].pk) if approved else ""},
    )
    if request.method == "POST" and form.is_valid():
        values = _journey_values(case, form.cleaned_data, casework)
        journey = travel_actions.add_journey(case, by=user, **values)
        messages.success(request, _("The journey was added: now add its legs."))
        return redirect("cases:journey", code=case.code, journey_id=journey.pk)
    return form_page(request, case, form, _("Plan a journey"))


@require_http_methods(["GET", "POST"])
def journey_view(request: HttpRequest, code: str, journey_id: str) -> HttpResponse:
    """A journey: its status, its legs (each changed on its own page), a
    form for the next leg, and a link to record the arrival."""
    user = user_of(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    casework = may_edit(user, case)
    initial = {
        "status": journey.status,
        "application": str(journey.application_id or ""),
        "notes": journey.notes if casework else "",
        "version": journey.version,
    }
    form = JourneyForm(
        request.POST or None,
        initial=initial,
        applications=_applications(case),
        casework=casework,
        versioned=True,
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _journey_values(case, cleaned, casework)
        if attempt(
            form,
            lambda: travel_actions.change_journey(
                journey, version=cleaned["version"], by=user, **values
            ),
        ):
            saved(request)
            return back_to_travel(case)
    shown = next(
        row for row in journeys(case, identity=True, casework=False) if row.id == journey.pk
    )
    return form_page(
        request,
        case,
        form,
        _("Journey"),
        template="cases/journey.html",
        journey=shown,
        leg_form=LegForm(casework=False, versioned=False),
    )


def _leg_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    details = LegDetails(
        origin=cleaned["origin"].strip(),
        destination=cleaned["destination"].strip(),
        transport=cleaned["transport"].strip(),
        escort=cleaned["escort"].strip(),
    )
    return {
        "departs_on": cleaned["departs_on"],
        "arrives_on": cleaned["arrives_on"],
        "details": details,
    }


@require_http_methods(["GET", "POST"])
def leg_new_view(request: HttpRequest, code: str, journey_id: str) -> HttpResponse:
    user = user_of(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    may_edit(user, case)
    form = LegForm(request.POST or None, casework=False, versioned=False)
    if request.method == "POST" and form.is_valid():
        values = _leg_values(form.cleaned_data)
        if attempt(form, lambda: travel_actions.add_leg(journey, by=user, **values)):
            saved(request)
            return redirect("cases:journey", code=case.code, journey_id=journey.pk)
    return form_page(request, case, form, _("Add a leg"), journey_id=journey.pk)


@require_http_methods(["GET", "POST"])
def leg_edit_view(request: HttpRequest, code: str, journey_id: str, leg_id: str) -> HttpResponse:
    user = user_of(request)
    leg = access.get_journey_leg_for(user, code, journey_id, leg_id)
    case = leg.journey.case
    may_edit(user, case)
    details = leg.details or LegDetails()
    initial = {
        "departs_on": leg.departs_on,
        "arrives_on": leg.arrives_on,
        "origin": details.origin,
        "destination": details.destination,
        "transport": details.transport,
        "escort": details.escort,
        "version": leg.version,
    }
    form = LegForm(request.POST or None, initial=initial, casework=False, versioned=True)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _leg_values(cleaned)
        if attempt(
            form,
            lambda: travel_actions.change_leg(leg, version=cleaned["version"], by=user, **values),
        ):
            saved(request)
            return redirect("cases:journey", code=case.code, journey_id=leg.journey_id)
    return form_page(request, case, form, _("Change a leg"), journey_id=leg.journey_id)


@require_http_methods(["GET", "POST"])
def arrival_view(request: HttpRequest, code: str, journey_id: str) -> HttpResponse:
    user = user_of(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    may_edit(user, case)
    arrival = journey.arrival or ArrivalDetails()
    initial = {
        "arrived_on": journey.arrived_on,
        "arrived_in": str(journey.arrived_in_id or ""),
        "place": arrival.place,
        "met_by": arrival.met_by,
        "version": journey.version,
    }
    form = ArrivalForm(
        request.POST or None,
        initial=initial,
        current=journey.arrived_in,
        casework=False,
        versioned=True,
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = {
            "arrived_on": cleaned["arrived_on"],
            "arrived_in": Host.objects.get(pk=int(cleaned["arrived_in"])),
            "arrival": ArrivalDetails(
                place=cleaned["place"].strip(), met_by=cleaned["met_by"].strip()
            ),
        }
        if attempt(
            form,
            lambda: travel_actions.record_arrival(
                journey, version=cleaned["version"], by=user, **values
            ),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Record the arrival"), journey_id=journey.pk)
