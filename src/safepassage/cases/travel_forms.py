"""The forms of travel records. Each checks its dates with the same rules
as the actions (travel_actions.check_*), so a wrong order is shown on the
field it concerns and nothing is saved. Notes appear only for a member of
casework; a record being changed carries the version it was read at."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safepassage.cases import travel_actions
from safepassage.cases.models import (
    Application,
    ClaimOutcome,
    ClaimStatus,
    Decision,
    DocumentKind,
    DocumentStatus,
    Host,
    HostKind,
    JourneyStatus,
    Pathway,
)


def _language() -> str:
    return (get_language() or "en")[:2]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _date(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(label: Any, *, max_length: int = 200, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text)


class TravelForm(forms.Form):
    """A form with notes for members of casework and, to change a record,
    the version it was read at."""

    # Set when the action found the record changed since it was read.
    conflict = False

    def __init__(self, *args: Any, casework: bool, versioned: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if casework:
            self.fields["notes"] = forms.CharField(
                label=_("Notes"),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Read only by members of the casework compartment."),
            )
        if versioned:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def notes_last(self) -> None:
        for name in ("notes", "version"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def refuse(self, problems: dict[str, Any]) -> None:
        for name, message in problems.items():
            self.add_error(name if name in self.fields else None, message)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.refuse(self.check(cleaned))
        return cleaned

    def check(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {}


def _people_field(people: dict[uuid.UUID, str], label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=[(str(pk), name) for pk, name in people.items()],
        widget=forms.CheckboxSelectMultiple,
    )


class DocumentForm(TravelForm):
    person = forms.ChoiceField(label=_("Whose document"))
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices)
    expires_on = _date(_("Valid until"))
    number = _text(_("Number"), max_length=80)
    issued_by = _text(_("Issued by"))
    issued_on = _text(_("Date of issue, as written on it"), max_length=40)
    issued_at = _text(_("Place of issue"))

    def __init__(self, *args: Any, people: dict[uuid.UUID, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(pk), name) for pk, name in people.items()]  # type: ignore[attr-defined]


def pathway_choices(current: Pathway | None = None) -> list[Any]:
    """Active pathways grouped by host, and the one already chosen even if retired."""
    language = _language()
    pathways = Pathway.objects.select_related("host").order_by("host__name_en", "name_en")
    groups: dict[str, list[tuple[str, str]]] = {}
    for pathway in pathways:
        if (pathway.active and pathway.host.active) or pathway == current:
            groups.setdefault(pathway.host.name(language), []).append(
                (str(pathway.pk), pathway.name(language))
            )
    return [("", "—"), *groups.items()]


class ApplicationForm(TravelForm):
    pathway = forms.ChoiceField(label=_("Host and pathway"))
    office = _text(
        _("Embassy or office"), help_text=_("Where the application is made, such as a consulate.")
    )
    appointment_on = _date(_("Appointment"))
    submitted_on = _date(_("Submitted on"))
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    decided_on = _date(_("Decided on"))

    def __init__(
        self,
        *args: Any,
        people: dict[uuid.UUID, str],
        current: Pathway | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = pathway_choices(current)  # type: ignore[attr-defined]
        self.fields["people"] = _people_field(people, _("Who the application is for"))
        self.notes_last()

    def check(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return travel_actions.check_application_dates(cleaned)


class JourneyForm(TravelForm):
    status = forms.ChoiceField(label=_("Status"), choices=JourneyStatus.choices)
    application = forms.ChoiceField(label=_("After the application"), required=False)

    def __init__(self, *args: Any, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = _language()
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *(
                (
                    str(a.pk),
                    f"{a.host.name(language)}: {a.pathway.name(language)}"
                    f" ({a.get_decision_display()})",
                )
                for a in applications
            ),
        ]


class LegForm(TravelForm):
    departs_on = _date(_("Departs on"), required=True)
    arrives_on = _date(_("Arrives on"))
    origin = _text(_("From"))
    destination = _text(_("To"))
    transport = _text(_("Transport"), help_text=_("Such as a train, a car, a flight number."))
    escort = _text(_("Escort"), help_text=_("Who travels with them, if anyone."))

    def check(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return travel_actions.check_leg_dates(cleaned)


def country_hosts(current: Host | None = None) -> list[tuple[str, str]]:
    language = _language()
    hosts = Host.objects.filter(kind=HostKind.COUNTRY)
    return [
        ("", "—"),
        *((str(host.pk), host.name(language)) for host in hosts if host.active or host == current),
    ]


class ArrivalForm(TravelForm):
    arrived_on = _date(_("Arrived on"), required=True)
    arrived_in = forms.ChoiceField(label=_("Country"))
    place = _text(_("Town or region"), help_text=_("No address: a town or a region is enough."))
    met_by = _text(_("Who met them"))

    def __init__(self, *args: Any, current: Host | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arrived_in"].choices = country_hosts(current)  # type: ignore[attr-defined]


class ClaimForm(TravelForm):
    host = forms.ChoiceField(label=_("Country"))
    authority = _text(
        _("Authority"), help_text=_("The office that decides, such as OFPRA or BAMF.")
    )
    reference = _text(_("Reference number"), max_length=80)
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    lodged_on = _date(_("Lodged on"))
    interview_on = _date(_("Interview"))
    decided_on = _date(_("Decided on"))
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *ClaimOutcome.choices]
    )

    def __init__(
        self,
        *args: Any,
        people: dict[uuid.UUID, str],
        current: Host | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = country_hosts(current)  # type: ignore[attr-defined]
        self.fields["people"] = _people_field(people, _("Whose claim"))
        self.notes_last()

    def check(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return travel_actions.check_claim(cleaned)
