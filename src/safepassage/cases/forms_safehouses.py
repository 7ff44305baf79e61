"""Forms of safe houses and stays. A form offers only what its reader may
change: where a house is only to those who may know it, notes only to
members of casework, an override of capacity only to those allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team
from safepassage.cases.models.safehouses import stay_date_problems
from safepassage.cases.safehouses import MAX_CAPACITY, HouseDetails, Location, clearable_staff

# The longest period the occupancy of a house is shown for, in days.
LONGEST_PERIOD = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _text(label: Any, *, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class VersionedForm(forms.Form):
    """A form of a record two people may change at once: the version it
    was shown with comes back with it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SafeHouseForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=40,
        help_text=_(
            "What everyone who works with safe houses calls it, such as “House 7”. "
            "It must say nothing about where the house is or who hosts it."
        ),
    )
    capacity = forms.IntegerField(label=_("Beds"), min_value=1, max_value=MAX_CAPACITY)
    active = forms.BooleanField(
        label=_("Open: new placements may be made"), required=False, initial=True
    )
    region = forms.CharField(
        label=_("Region or city"),
        max_length=80,
        required=False,
        help_text=_("Coarse: a region or a city, never a district or a street."),
    )
    region_shown = forms.BooleanField(
        label=_("Show the region to everyone who works with safe houses"),
        required=False,
        help_text=_(
            "It is then stored unencrypted, so that the list of houses can show it. "
            "Leave this off unless your organisation decided so."
        ),
    )
    address = _text(_("Address"))
    directions = _text(_("How to get there"))
    host_contact = _text(_("Host and how to reach them"))
    notes = _text(_("Notes"), rows=4, help_text=_("Readable by members of casework."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self, *args: Any, location: bool, notes: bool, editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.has_notes = notes
        if not location:
            for name in ("region", "region_shown", "address", "directions", "host_contact"):
                del self.fields[name]
        if not notes:
            del self.fields["notes"]
        if not editing:
            del self.fields["active"]
            del self.fields["version"]
        else:
            self.fields["version"].required = True

    def details(self) -> HouseDetails:
        data = self.cleaned_data
        return HouseDetails(
            label=data["label"],
            capacity=data["capacity"],
            active=data.get("active", True),
            notes=data["notes"] if self.has_notes else None,
            location=Location(
                region=data["region"],
                region_shown=data["region_shown"],
                address=data["address"],
                directions=data["directions"],
                host_contact=data["host_contact"],
            )
            if self.location
            else None,
        )


class ClearanceForm(VersionedForm):
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff cleared by name"),
        queryset=clearable_staff(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams whose members are cleared"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the form is made, not when the module was imported.
        self.fields["staff"].queryset = clearable_staff()  # type: ignore[attr-defined]


OVERRIDE_HELP = _(
    "Only to place people beyond the house's beds: say why. The reason is "
    "sealed to casework and the override is in the audit log."
)


def _dates_problems(form: forms.Form) -> None:
    data = form.cleaned_data
    problems = stay_date_problems(
        planned_arrival=data.get("planned_arrival"),
        arrived_on=data.get("arrived_on"),
        planned_departure=data.get("planned_departure"),
        left_on=data.get("left_on"),
        today=timezone.localdate(),
    )
    for field, message in problems.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, message)


class PlaceForm(forms.Form):
    house = forms.ChoiceField(label=_("Safe house"))
    people = forms.MultipleChoiceField(label=_("Who stays"), widget=forms.CheckboxSelectMultiple)
    planned_arrival = _date(_("Planned arrival"), initial=timezone.localdate)
    planned_departure = _date(_("Planned departure"), required=False)
    notes = _text(_("Notes"), help_text=_("Readable by members of casework."))
    override_reason = _text(_("Reason to place them beyond the beds"), help_text=OVERRIDE_HELP)

    def __init__(
        self,
        *args: Any,
        houses: list[tuple[str, str]],
        people: list[tuple[str, str]],
        notes: bool,
        override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["house"].choices = [("", _("Choose a house")), *houses]  # type: ignore[attr-defined]
        self.fields["people"].choices = people  # type: ignore[attr-defined]
        if not kwargs.get("data"):
            self.initial.setdefault("people", [value for value, _label in people])
        if not notes:
            del self.fields["notes"]
        if not override:
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _dates_problems(self)
        return data


class ArrivalForm(VersionedForm):
    arrived_on = _date(_("Arrived on"), initial=timezone.localdate)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _dates_problems(self)
        return data


class DepartureForm(VersionedForm):
    left_on = _date(_("Left on"), initial=timezone.localdate)

    def __init__(self, *args: Any, arrived_on: dt.date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived_on = arrived_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.cleaned_data["arrived_on"] = self.arrived_on
        _dates_problems(self)
        return data


class MoveForm(VersionedForm):
    house = forms.ChoiceField(label=_("Move to"))
    on = _date(_("Moved on"), initial=timezone.localdate)
    override_reason = _text(_("Reason to place them beyond the beds"), help_text=OVERRIDE_HELP)

    def __init__(
        self, *args: Any, houses: list[tuple[str, str]], override: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["house"].choices = [("", _("Choose a house")), *houses]  # type: ignore[attr-defined]
        if not override:
            del self.fields["override_reason"]


class StayForm(VersionedForm):
    planned_arrival = _date(_("Planned arrival"))
    arrived_on = _date(_("Arrived on"), required=False)
    planned_departure = _date(_("Planned departure"), required=False)
    left_on = _date(_("Left on"), required=False)
    notes = _text(_("Notes"), help_text=_("Readable by members of casework."))
    override_reason = _text(_("Reason to place them beyond the beds"), help_text=OVERRIDE_HELP)

    def __init__(self, *args: Any, notes: bool, override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not notes:
            del self.fields["notes"]
        if not override:
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _dates_problems(self)
        return data


class PeriodForm(forms.Form):
    """The days a house's occupancy is shown for."""

    start = _date(_("From"))
    end = _date(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it begins."))
        elif start and end and (end - start).days >= LONGEST_PERIOD:
            self.add_error("end", _("Choose a period of a year at most."))
        return data
