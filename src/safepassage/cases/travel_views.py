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
from safepassage.cases.models.travel import DocumentDetails
from safepassage.cases.travel_forms import (
    ApplicationForm,
    ClaimForm,
    DocumentForm,
    TravelForm,
)
from safepassage.cases.travel_reading import person_labels
from safepassage.vault.keyring import current_keyring_or_none


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def may_edit(user: User, case: Case) -> bool:
    """Travel records show and write identity: for its members only."""
    if not access.may_read_identity(user, case):
        raise deny(user, "compartment", "compartment:identity")
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("casework")


def back_to_travel(case: Case) -> HttpResponse:
    return redirect(reverse("cases:travel", args=[case.code]) + "#travel")


def travel_view(request: HttpRequest, code: str) -> HttpResponse:
    """The case's travel records on a page of their own (the case page
    shows the same section among the others)."""
    from safepassage.cases.travel import section

    user = user_of(request)
    case = access.get_case_for(user, code)
    context = section(request, case)
    if context is None:
        raise deny(user, "case", case)
    shown = context["travel"]
    record(user, "case.travel_viewed", case, identity=shown.identity, narrative=shown.casework)
    return render(request, "cases/travel.html", {"case": case, **context})


def notes_of(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    return {"notes": cleaned.get("notes", "").strip() or None} if casework else {}


def attempt(form: TravelForm, action: Callable[[], Any]) -> bool:
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


def form_page(
    request: HttpRequest, case: Case, form: TravelForm, title: str, **extra: Any
) -> HttpResponse:
    status = 409 if form.conflict else 400 if form.errors else 200
    # Each of these pages shows who the people are (its choices of people,
    # its record's details): every time one is shown is a read of the case.
    record(user_of(request), "case.travel_read", case)
    context = {"case": case, "form": form, "title": title, **extra}
    return render(request, extra.pop("template", "cases/travel_form.html"), context, status=status)


def _person(case: Case, person_id: str) -> Person:
    return case.people.get(pk=uuid.UUID(person_id))


def _people(case: Case, chosen: list[str]) -> list[Person]:
    return list(case.people.filter(pk__in=[uuid.UUID(pk) for pk in chosen]))


def saved(request: HttpRequest) -> None:
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
        **notes_of(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def document_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    case = access.get_case_for(user, code)
    casework = may_edit(user, case)
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
        saved(request)
        return back_to_travel(case)
    return form_page(request, case, form, _("Add a travel document"))


@require_http_methods(["GET", "POST"])
def document_edit_view(request: HttpRequest, code: str, document_id: str) -> HttpResponse:
    user = user_of(request)
    document = access.get_travel_document_for(user, code, document_id)
    case = document.case
    casework = may_edit(user, case)
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
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _document_values(cleaned, casework)
        values["person"] = _person(case, cleaned["person"])
        if attempt(
            form,
            lambda: travel_actions.change_travel_document(
                document, version=cleaned["version"], by=user, **values
            ),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Change a travel document"))


# --- Applications -----------------------------------------------------------------------


def _application_values(cleaned: dict[str, Any], casework: bool) -> dict[str, Any]:
    return {
        "pathway": Pathway.objects.get(pk=int(cleaned["pathway"])),
        "office": cleaned["office"].strip(),
        "appointment_on": cleaned["appointment_on"],
        "submitted_on": cleaned["submitted_on"],
        "decision": cleaned["decision"],
        "decided_on": cleaned["decided_on"],
        **notes_of(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def application_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    case = access.get_case_for(user, code)
    casework = may_edit(user, case)
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
        if attempt(
            form,
            lambda: travel_actions.add_application(case, pathway, people=chosen, by=user, **values),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Add an application"))


@require_http_methods(["GET", "POST"])
def application_edit_view(request: HttpRequest, code: str, application_id: str) -> HttpResponse:
    user = user_of(request)
    application = access.get_application_for(user, code, application_id)
    case = application.case
    casework = may_edit(user, case)
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
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _application_values(cleaned, casework)
        chosen = _people(case, cleaned["people"])
        if attempt(
            form,
            lambda: travel_actions.change_application(
                application, version=cleaned["version"], by=user, people=chosen, **values
            ),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Change an application"))


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
        **notes_of(cleaned, casework),
    }


@require_http_methods(["GET", "POST"])
def claim_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    case = access.get_case_for(user, code)
    casework = may_edit(user, case)
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
        if attempt(
            form,
            lambda: travel_actions.add_asylum_claim(case, people=chosen, by=user, **values),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Add an asylum claim"))


@require_http_methods(["GET", "POST"])
def claim_edit_view(request: HttpRequest, code: str, claim_id: str) -> HttpResponse:
    user = user_of(request)
    claim = access.get_asylum_claim_for(user, code, claim_id)
    case = claim.case
    casework = may_edit(user, case)
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
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        values = _claim_values(cleaned, casework)
        chosen = _people(case, cleaned["people"])
        if attempt(
            form,
            lambda: travel_actions.change_asylum_claim(
                claim, version=cleaned["version"], by=user, people=chosen, **values
            ),
        ):
            saved(request)
            return back_to_travel(case)
    return form_page(request, case, form, _("Change an asylum claim"))
