"""Pages to add and change a case's travel records (the case page shows
them: travel.section). Each finds its record through cases.access, needs
the identity compartment (they show and write where and how people
travel), parses its form, calls one action of travel_actions, and shows
the form again with its messages when that refuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import access, travel_actions
from safepassage.cases.models import Case, Host, Pathway, Person
from safepassage.cases.models.travel import ArrivalDetails, DocumentDetails, LegDetails
from safepassage.cases.travel_forms import (
    ApplicationForm,
    ArrivalForm,
    ClaimForm,
    DocumentForm,
    JourneyForm,
    LegForm,
    TravelForm,
)
from safepassage.cases.travel_reading import person_labels
from safepassage.vault.keyring import current_keyring_or_none


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _may_edit(user: User, case: Case) -> bool:
    """Travel records show and write identity: for its members only."""
    if not access.may_read_identity(user, case):
        raise deny(user, "compartment", "compartment:identity")
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("casework")


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("cases:travel", args=[case.code]) + "#travel")


def travel_view(request: HttpRequest, code: str) -> HttpResponse:
    """The case's travel records on a page of their own (the case page
    shows the same section among the others)."""
    from safepassage.cases.travel import section

    user = _user(request)
    case = access.get_case_for(user, code)
    context = section(request, case)
    if context is None:
        raise deny(user, "case", case)
    shown = context["travel"]
    record(user, "case.travel_viewed", case, identity=shown.identity, narrative=shown.casework)
    return render(request, "cases/travel.html", {"case": case, **context})


def _notes(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    return {"notes": cleaned.get("notes", "").strip() or None} if casework else {}


def _attempt(form: TravelForm, action: Callable[[], Any]) -> bool:
    """Run the action; its refusals become the form's messages."""
    try:
        action()
    except travel_actions.Conflict:
        form.conflict = True
        form.add_error(
            None,
            _(
                "Someone else saved this record while you were editing it, so your changes "
                "were not saved. Open it again to see theirs, then make your changes again."
            ),
        )
        return False
    except travel_actions.BadDates as bad:
        form.refuse(bad.problems)
        return False
    return True


def _page(
    request: HttpRequest, case: Case, form: TravelForm, title: str, **extra: Any
) -> HttpResponse:
    status = 409 if form.conflict else 400 if form.errors else 200
    context = {"case": case, "form": form, "title": title, **extra}
    return render(request, extra.pop("template", "cases/travel_form.html"), context, status=status)


def _read(request: HttpRequest, case: Case) -> None:
    if request.method == "GET":
        record(_user(request), "case.travel_read", case)


def _person(case: Case, person_id: str) -> Person:
    return case.people.get(pk=uuid.UUID(person_id))


def _people(case: Case, chosen: list[str]) -> list[Person]:
    return list(case.people.filter(pk__in=[uuid.UUID(pk) for pk in chosen]))


def _saved(request: HttpRequest) -> None:
    messages.success(request, _("Saved."))


# --- Travel documents -------------------------------------------------------------------


def _document_values(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    details = DocumentDetails(
        number=cleaned["number"].strip(),
        issued_by=cleaned["issued_by"].strip(),
        issued_on=cleaned["issued_on"].strip(),
        issued_at=cleaned["issued_at"].strip(),
    )
    return {
        "kind": cleaned["kind"],
        "status": cleaned["status"],
        "expires_on": cleaned["expires_on"],
        "details": None if details == DocumentDetails() else details,
        **_notes(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def document_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = access.get_case_for(user, code)
    casework = _may_edit(user, case)
    form = DocumentForm(
        request.POST or None,
        people=person_labels(case, identity=True),
        casework=casework,
        versioned=False,
        initial={"person": request.GET.get("person", "")},
    )
    if request.method == "POST" and form.is_valid():
        person = _person(case, form.cleaned_data["person"])
        values = _document_values(form.cleaned_data, casework)
        travel_actions.add_travel_document(person, by=user, **values)
        _saved(request)
        return _back(case)
    return _page(request, case, form, _("Add a travel document"))


@require_http_methods(["GET", "POST"])
def document_edit_view(request: HttpRequest, code: str, document_id: str) -> HttpResponse:
    user = _user(request)
    document = access.get_travel_document_for(user, code, document_id)
    case = document.case
    casework = _may_edit(user, case)
    details = document.details or DocumentDetails()
    initial = {
        "person": str(document.person_id),
        "kind": document.kind,
        "status": document.status,
        "expires_on": document.expires_on,
        "number": details.number,
        "issued_by": details.issued_by,
        "issued_on": details.issued_on,
        "issued_at": details.issued_at,
        "notes": document.notes if casework else "",
        "version": document.version,
    }
    form = DocumentForm(
        request.POST or None,
        initial=initial,
        people=person_labels(case, identity=True),
        casework=casework,
        versioned=True,
    )
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _document_values(cleaned, casework)
        values["person"] = _person(case, cleaned["person"])
        if _attempt(
            form,
            lambda: travel_actions.change_travel_document(
                document, version=cleaned["version"], by=user, **values
            ),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Change a travel document"))


# --- Applications -----------------------------------------------------------------------


def _application_values(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    return {
        "pathway": Pathway.objects.get(pk=int(cleaned["pathway"])),
        "office": cleaned["office"].strip(),
        "appointment_on": cleaned["appointment_on"],
        "submitted_on": cleaned["submitted_on"],
        "decision": cleaned["decision"],
        "decided_on": cleaned["decided_on"],
        **_notes(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def application_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = access.get_case_for(user, code)
    casework = _may_edit(user, case)
    people = person_labels(case, identity=True)
    form = ApplicationForm(
        request.POST or None,
        people=people,
        casework=casework,
        versioned=False,
        initial={"people": [str(pk) for pk in people]},
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _application_values(cleaned, casework)
        pathway = values.pop("pathway")
        chosen = _people(case, cleaned["people"])
        if _attempt(
            form,
            lambda: travel_actions.add_application(case, pathway, people=chosen, by=user, **values),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Add an application"))


@require_http_methods(["GET", "POST"])
def application_edit_view(request: HttpRequest, code: str, application_id: str) -> HttpResponse:
    user = _user(request)
    application = access.get_application_for(user, code, application_id)
    case = application.case
    casework = _may_edit(user, case)
    initial = {
        "pathway": str(application.pathway_id),
        "office": application.office,
        "appointment_on": application.appointment_on,
        "submitted_on": application.submitted_on,
        "decision": application.decision,
        "decided_on": application.decided_on,
        "people": [str(pk) for pk in application.people.values_list("pk", flat=True)],
        "notes": application.notes if casework else "",
        "version": application.version,
    }
    form = ApplicationForm(
        request.POST or None,
        initial=initial,
        people=person_labels(case, identity=True),
        current=application.pathway,
        casework=casework,
        versioned=True,
    )
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _application_values(cleaned, casework)
        chosen = _people(case, cleaned["people"])
        if _attempt(
            form,
            lambda: travel_actions.change_application(
                application, version=cleaned["version"], by=user, people=chosen, **values
            ),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Change an application"))


# --- Journeys ---------------------------------------------------------------------------


def _journey_values(case: Case, cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    chosen = cleaned["application"]
    return {
        "status": cleaned["status"],
        "application": case.applications.get(pk=uuid.UUID(chosen)) if chosen else None,
        **_notes(cleaned, casework),
    }


def _applications(case: Case) -> list[Any]:
    return list(case.applications.select_related("host", "pathway"))


@require_http_methods(["GET", "POST"])
def journey_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = access.get_case_for(user, code)
    casework = _may_edit(user, case)
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
    return _page(request, case, form, _("Plan a journey"))


@require_http_methods(["GET", "POST"])
def journey_view(request: HttpRequest, code: str, journey_id: str) -> HttpResponse:
    """A journey: its status, its legs (each changed on its own page), a
    form for the next leg, and a link to record the arrival."""
    from safepassage.cases.travel_reading import journeys

    user = _user(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    casework = _may_edit(user, case)
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
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _journey_values(case, cleaned, casework)
        if _attempt(
            form,
            lambda: travel_actions.change_journey(
                journey, version=cleaned["version"], by=user, **values
            ),
        ):
            _saved(request)
            return _back(case)
    shown = next(
        row for row in journeys(case, identity=True, casework=False) if row.id == journey.pk
    )
    return _page(
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
    user = _user(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    _may_edit(user, case)
    form = LegForm(request.POST or None, casework=False, versioned=False)
    if request.method == "POST" and form.is_valid():
        values = _leg_values(form.cleaned_data)
        if _attempt(form, lambda: travel_actions.add_leg(journey, by=user, **values)):
            _saved(request)
            return redirect("cases:journey", code=case.code, journey_id=journey.pk)
    return _page(request, case, form, _("Add a leg"), journey_id=journey.pk)


@require_http_methods(["GET", "POST"])
def leg_edit_view(request: HttpRequest, code: str, journey_id: str, leg_id: str) -> HttpResponse:
    user = _user(request)
    leg = access.get_journey_leg_for(user, code, journey_id, leg_id)
    case = leg.journey.case
    _may_edit(user, case)
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
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _leg_values(cleaned)
        if _attempt(
            form,
            lambda: travel_actions.change_leg(leg, version=cleaned["version"], by=user, **values),
        ):
            _saved(request)
            return redirect("cases:journey", code=case.code, journey_id=leg.journey_id)
    return _page(request, case, form, _("Change a leg"), journey_id=leg.journey_id)


@require_http_methods(["GET", "POST"])
def arrival_view(request: HttpRequest, code: str, journey_id: str) -> HttpResponse:
    user = _user(request)
    journey = access.get_journey_for(user, code, journey_id)
    case = journey.case
    _may_edit(user, case)
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
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = {
            "arrived_on": cleaned["arrived_on"],
            "arrived_in": Host.objects.get(pk=int(cleaned["arrived_in"])),
            "arrival": ArrivalDetails(
                place=cleaned["place"].strip(), met_by=cleaned["met_by"].strip()
            ),
        }
        if _attempt(
            form,
            lambda: travel_actions.record_arrival(
                journey, version=cleaned["version"], by=user, **values
            ),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Record the arrival"), journey_id=journey.pk)


# --- Asylum claims ----------------------------------------------------------------------


def _claim_values(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    return {
        "host": Host.objects.get(pk=int(cleaned["host"])),
        "authority": cleaned["authority"].strip(),
        "reference": cleaned["reference"].strip() or None,
        "status": cleaned["status"],
        "lodged_on": cleaned["lodged_on"],
        "interview_on": cleaned["interview_on"],
        "decided_on": cleaned["decided_on"],
        "outcome": cleaned["outcome"],
        **_notes(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def claim_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = access.get_case_for(user, code)
    casework = _may_edit(user, case)
    people = person_labels(case, identity=True)
    arrived = case.journeys.exclude(arrived_in=None).values_list("arrived_in", flat=True).last()
    form = ClaimForm(
        request.POST or None,
        people=people,
        casework=casework,
        versioned=False,
        initial={"people": [str(pk) for pk in people], "host": str(arrived or "")},
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _claim_values(cleaned, casework)
        chosen = _people(case, cleaned["people"])
        if _attempt(
            form,
            lambda: travel_actions.add_asylum_claim(case, people=chosen, by=user, **values),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Add an asylum claim"))


@require_http_methods(["GET", "POST"])
def claim_edit_view(request: HttpRequest, code: str, claim_id: str) -> HttpResponse:
    user = _user(request)
    claim = access.get_asylum_claim_for(user, code, claim_id)
    case = claim.case
    casework = _may_edit(user, case)
    initial = {
        "host": str(claim.host_id),
        "authority": claim.authority,
        "reference": claim.reference or "",
        "status": claim.status,
        "lodged_on": claim.lodged_on,
        "interview_on": claim.interview_on,
        "decided_on": claim.decided_on,
        "outcome": claim.outcome,
        "people": [str(pk) for pk in claim.people.values_list("pk", flat=True)],
        "notes": claim.notes if casework else "",
        "version": claim.version,
    }
    form = ClaimForm(
        request.POST or None,
        initial=initial,
        people=person_labels(case, identity=True),
        current=claim.host,
        casework=casework,
        versioned=True,
    )
    _read(request, case)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _claim_values(cleaned, casework)
        chosen = _people(case, cleaned["people"])
        if _attempt(
            form,
            lambda: travel_actions.change_asylum_claim(
                claim, version=cleaned["version"], by=user, people=chosen, **values
            ),
        ):
            _saved(request)
            return _back(case)
    return _page(request, case, form, _("Change an asylum claim"))
