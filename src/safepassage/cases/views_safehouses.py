"""Pages of safe houses and of a case's stays. Each view finds its record
through an access function (cases.access), calls an action (cases.
safehouses, cases.stays) and renders: bad input comes back with its
errors and nothing saved; a change made on an old version is refused
with the record as it is now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import safehouses, stays, viewers
from safepassage.cases.access import (
    get_case_stays_for,
    get_case_to_place_for,
    get_safe_house_for,
    get_stay_for,
    may_know_location,
    may_read_identity,
)
from safepassage.cases.forms_safehouses import (
    ArrivalForm,
    ClearanceForm,
    DepartureForm,
    MoveForm,
    PeriodForm,
    SafeHouseForm,
    StayForm,
)
from safepassage.cases.models import Case, Person, SafeHouse, Stay
from safepassage.cases.safehouses import Conflict, Refused, holds_casework, read_location
from safepassage.cases.stay_pages import (
    house_choices,
    house_context,
    houses_context,
    place_form,
    section_context,
)

# A house's occupancy is shown by default from a week ago to four weeks ahead.
BEFORE, AFTER = 7, 28


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refused(form: forms.Form, refusal: Refused) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


def _status(form: forms.Form, status: int) -> int:
    """400 for a form with errors, unless another status was chosen."""
    return 400 if status == 200 and form.errors else status


# --- Houses ---------------------------------------------------------------------------


def houses_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.VIEW_SAFE_HOUSES)
    context, regions = houses_context(user)
    record(user, "safehouse.list_viewed", None, regions=regions)
    return render(request, "cases/safehouses/list.html", context)


def _house_form(user: User, house: SafeHouse | None, data: Any = None) -> SafeHouseForm:
    location = safehouses.holds_identity() if house is None else may_know_location(user, house)
    initial: dict[str, Any] = {}
    if house is not None:
        initial = {
            "label": house.label,
            "capacity": house.capacity,
            "active": house.active,
            "version": house.version,
        }
        if location:
            found = read_location(house)
            initial.update(
                region=found.region,
                region_shown=found.region_shown,
                address=found.address,
                directions=found.directions,
                host_contact=found.host_contact,
            )
        if holds_casework():
            initial["notes"] = house.notes or ""
    return SafeHouseForm(
        data,
        initial=initial,
        location=location,
        notes=holds_casework(),
        editing=house is not None,
    )


@require_http_methods(["GET", "POST"])
def house_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_SAFE_HOUSES)
    form = _house_form(user, None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            house = safehouses.create_house(form.details(), by=user)
        except Refused as refusal:
            _refused(form, refusal)
        else:
            messages.success(
                request, _("The house was added. You are cleared to know where it is.")
            )
            return redirect("cases:safe_house", house_id=house.pk)
    return render(
        request,
        "cases/safehouses/edit.html",
        {"form": form, "house": None},
        status=400 if form.errors else 200,
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=BEFORE), today + dt.timedelta(days=AFTER)
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return form, form.cleaned_data["start"], form.cleaned_data["end"]
        return form, start, end
    return PeriodForm(initial={"start": start, "end": end}), start, end


def house_view(request: HttpRequest, house_id: str) -> HttpResponse:
    user = _user(request)
    house = get_safe_house_for(user, house_id)
    period, start, end = _period(request)
    page = house_context(user, house, start, end, period)
    record(user, "safehouse.viewed", house, location=page.location_read, names=page.names_read)
    viewers.record_identity_shown(user, page.identities_shown, f"safehouse:{house.pk}")
    return render(
        request,
        "cases/safehouses/house.html",
        page.context,
        status=400 if period.is_bound and period.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def house_edit_view(request: HttpRequest, house_id: str) -> HttpResponse:
    user = _user(request)
    house = get_safe_house_for(user, house_id, manage=True)
    form = _house_form(user, house, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            safehouses.change_house(
                house, form.details(), version=form.cleaned_data["version"], by=user
            )
        except Conflict as conflict:
            messages.error(request, conflict.message)
            house.refresh_from_db()
            form, status = _house_form(user, house), 409
        except Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The house was saved."))
            return redirect("cases:safe_house", house_id=house.pk)
    return render(
        request,
        "cases/safehouses/edit.html",
        {"form": form, "house": house},
        status=_status(form, status),
    )


@require_http_methods(["GET", "POST"])
def house_clearance_view(request: HttpRequest, house_id: str) -> HttpResponse:
    user = _user(request)
    house = get_safe_house_for(user, house_id, manage=True)
    initial = {
        "staff": list(house.cleared_staff.all()),
        "teams": list(house.cleared_teams.all()),
        "version": house.version,
    }
    form = ClearanceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            safehouses.set_clearance(
                house, staff=data["staff"], teams=data["teams"], version=data["version"], by=user
            )
        except Conflict as conflict:
            messages.error(request, conflict.message)
            house.refresh_from_db()
            initial.update(
                staff=list(house.cleared_staff.all()),
                teams=list(house.cleared_teams.all()),
                version=house.version,
            )
            form, status = ClearanceForm(initial=initial), 409
        else:
            messages.success(request, _("Saved: who may know where the house is."))
            return redirect("cases:safe_house", house_id=house.pk)
    return render(
        request,
        "cases/safehouses/clearance.html",
        {"form": form, "house": house},
        status=_status(form, status),
    )


# --- A case's stays -------------------------------------------------------------------


def _stays_page(request: HttpRequest, case: Case, status: int = 200, **kwargs: Any) -> HttpResponse:
    user = _user(request)
    context = section_context(user, case, **kwargs)
    record(user, "case.stays_viewed", case, identity=may_read_identity(user, case))
    return render(request, "cases/stays/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def case_stays_view(request: HttpRequest, code: str) -> HttpResponse:
    """A case's stays (as on the case page), and placing it in a house."""
    user = _user(request)
    if request.method == "GET":
        return _stays_page(request, get_case_stays_for(user, code))
    case = get_case_to_place_for(user, code)
    form = place_form(user, case, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        house = SafeHouse.objects.filter(pk=data["house"], active=True).first()
        if house is None:
            form.add_error("house", _("Choose a house from the list."))
        else:
            placement = stays.Placement(
                house=house,
                people=list(Person.objects.filter(case=case, pk__in=data["people"])),
                planned_arrival=data["planned_arrival"],
                planned_departure=data["planned_departure"],
                notes=data.get("notes"),
                override_reason=data.get("override_reason") or "",
            )
            try:
                stays.place_case(case, placement, by=user)
            except Refused as refusal:
                _refused(form, refusal)
            else:
                messages.success(
                    request, _("The case was placed in %(house)s.") % {"house": house.label}
                )
                return redirect("cases:stays", code=case.code)
    return _stays_page(request, case, 400, placing=form)


def _after(request: HttpRequest, stay: Stay, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("cases:stays", code=stay.case.code)


def _refused_again(
    request: HttpRequest, stay: Stay, kind: str, form: forms.Form, refusal: Refused
) -> HttpResponse:
    """The stays page again with ``form``'s errors; after a conflict, with
    the stay as it is now."""
    if isinstance(refusal, Conflict):
        messages.error(request, refusal.message)
        return _stays_page(request, stay.case, 409)
    if refusal.field not in form.fields:
        # About the stay rather than a field: said above the page, as the
        # form may no longer be shown (the stay has moved on).
        messages.error(request, refusal.message)
        return _stays_page(request, stay.case, 400)
    _refused(form, refusal)
    return _stays_page(request, stay.case, 400, bound={(kind, stay.pk): form})


@require_POST
def arrival_view(request: HttpRequest, code: str, stay_id: str) -> HttpResponse:
    user = _user(request)
    stay = get_stay_for(user, code, stay_id, change=True)
    form = ArrivalForm(request.POST, prefix=f"arrival-{stay.pk}")
    if form.is_valid():
        try:
            stays.record_arrival(
                stay, form.cleaned_data["arrived_on"], version=form.cleaned_data["version"], by=user
            )
        except Refused as refusal:
            return _refused_again(request, stay, "arrival", form, refusal)
        return _after(request, stay, _("The arrival was recorded."))
    return _stays_page(request, stay.case, 400, bound={("arrival", stay.pk): form})


@require_POST
def departure_view(request: HttpRequest, code: str, stay_id: str) -> HttpResponse:
    user = _user(request)
    stay = get_stay_for(user, code, stay_id, change=True)
    form = DepartureForm(request.POST, prefix=f"departure-{stay.pk}", arrived_on=stay.arrived_on)
    if form.is_valid():
        try:
            stays.record_departure(
                stay, form.cleaned_data["left_on"], version=form.cleaned_data["version"], by=user
            )
        except Refused as refusal:
            return _refused_again(request, stay, "departure", form, refusal)
        return _after(request, stay, _("The departure was recorded."))
    return _stays_page(request, stay.case, 400, bound={("departure", stay.pk): form})


@require_POST
def cancel_view(request: HttpRequest, code: str, stay_id: str) -> HttpResponse:
    user = _user(request)
    stay = get_stay_for(user, code, stay_id, change=True)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        stays.cancel_stay(stay, version=version, by=user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _stays_page(request, stay.case, 409 if isinstance(refusal, Conflict) else 400)
    return _after(request, stay, _("The placement was cancelled."))


def _stay_form_page(
    request: HttpRequest, template: str, stay: Stay, form: forms.Form, status: int = 200
) -> HttpResponse:
    return render(request, template, {"form": form, "stay": stay, "case": stay.case}, status=status)


@require_http_methods(["GET", "POST"])
def move_view(request: HttpRequest, code: str, stay_id: str) -> HttpResponse:
    user = _user(request)
    stay = get_stay_for(user, code, stay_id, change=True)
    override = user.can(Perm.OVERRIDE_CAPACITY) and holds_casework()

    def make(data: Any = None) -> MoveForm:
        return MoveForm(
            data,
            initial={"version": stay.version},
            houses=house_choices(excluding=stay.house_id),
            override=override,
        )

    form = make(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        house = SafeHouse.objects.filter(pk=data["house"]).first()
        if house is None:
            form.add_error("house", _("Choose a house from the list."))
        else:
            try:
                stays.move_stay(
                    stay,
                    house,
                    data["on"],
                    version=data["version"],
                    by=user,
                    override_reason=data.get("override_reason") or "",
                )
            except Conflict as conflict:
                messages.error(request, conflict.message)
                stay.refresh_from_db()
                form, status = make(), 409
            except Refused as refusal:
                _refused(form, refusal)
            else:
                return _after(
                    request, stay, _("The move to %(house)s was recorded.") % {"house": house.label}
                )
    return _stay_form_page(request, "cases/stays/move.html", stay, form, _status(form, status))


@require_http_methods(["GET", "POST"])
def stay_edit_view(request: HttpRequest, code: str, stay_id: str) -> HttpResponse:
    user = _user(request)
    stay = get_stay_for(user, code, stay_id, change=True)
    casework = holds_casework()

    def make(data: Any = None) -> StayForm:
        initial = {
            "version": stay.version,
            "planned_arrival": stay.planned_arrival,
            "arrived_on": stay.arrived_on,
            "planned_departure": stay.planned_departure,
            "left_on": stay.left_on,
        }
        if casework:
            initial["notes"] = stay.notes or ""
        return StayForm(
            data,
            initial=initial,
            notes=casework,
            override=user.can(Perm.OVERRIDE_CAPACITY) and casework,
        )

    form = make(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dates = stays.StayDates(
            planned_arrival=data["planned_arrival"],
            arrived_on=data["arrived_on"],
            planned_departure=data["planned_departure"],
            left_on=data["left_on"],
            notes=data["notes"] if casework else None,
            override_reason=data.get("override_reason") or "",
        )
        try:
            stays.change_stay(stay, dates, version=data["version"], by=user)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            stay.refresh_from_db()
            form, status = make(), 409
        except Refused as refusal:
            _refused(form, refusal)
        else:
            return _after(request, stay, _("The stay was saved."))
    return _stay_form_page(request, "cases/stays/edit.html", stay, form, _status(form, status))
