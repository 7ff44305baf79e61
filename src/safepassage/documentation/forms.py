"""The documentation's forms: recording an event in one step, editing an
event and an act, officials' statements, the filters of the event list,
and the vocabularies' terms. Every field that takes a term is a TermField,
filled by ``fields.offer_terms`` when the form is made."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import ROLE_PERMISSIONS, Perm
from safepassage.documentation.fields import FuzzyDateField, PlaceField, TermField
from safepassage.documentation.models import (
    Confidentiality,
    MonitoringStatus,
    PersonKind,
    Verification,
    ViolationStatus,
)
from safepassage.documentation.precision import DatePrecision
from safepassage.documentation.search import NameRole

LONG = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def documenters() -> Any:
    """The staff an event can be shared with: active people whose role reads documentation."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_DOCUMENTATION in perms]
    return User.objects.filter(is_active=True, role_grants__role__in=roles).distinct()


class SharingFields(forms.Form):
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.COMPARTMENT,
        widget=forms.RadioSelect,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams it is shared with"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when it is restricted: besides you, these teams and people see it."),
    )
    users = forms.ModelMultipleChoiceField(
        label=_("People it is shared with"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = documenters()  # type: ignore[attr-defined]


class RecordEventForm(SharingFields):
    """One event, one act, its victim, a perpetrator and a source."""

    # The event.
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("A short name for what happened, such as “Detentions at a checkpoint”."),
    )
    start = FuzzyDateField(label=_("When it happened (or began)"))
    end = FuzzyDateField(label=_("When it ended, if it lasted"))
    place = PlaceField(label=_("Where"))
    description = forms.CharField(label=_("What happened"), required=False, widget=LONG)
    # The act.
    act_type = TermField("act_type", label=_("What was done"))
    method = forms.CharField(label=_("How it was done"), required=False, widget=LONG)
    stated_reason = forms.CharField(
        label=_("The reason the perpetrators gave"), required=False, max_length=2000
    )
    consequences = forms.CharField(label=_("What it did to the victim"), required=False)
    victim_status = TermField(
        "victim_status", label=_("The victim's situation afterwards"), required=False
    )
    verification = forms.ChoiceField(
        label=_("How far it is established"),
        choices=Verification.choices,
        initial=Verification.REPORTED,
    )
    # The victim.
    victim_name = forms.CharField(
        label=_("Victim's name"),
        max_length=300,
        help_text=_("Or a description, such as “a young man from Argun”. It is sealed."),
    )
    victim_kind = forms.ChoiceField(
        label=_("The victim is"), choices=PersonKind.choices, initial=PersonKind.INDIVIDUAL
    )
    victim_born = forms.CharField(label=_("Born (year or age)"), required=False, max_length=100)
    victim_sexual_orientation = TermField(
        "sexual_orientation", label=_("Sexual orientation"), required=False
    )
    victim_gender_identity = TermField(
        "gender_identity", label=_("Gender identity"), required=False
    )
    victim_gender_expression = TermField(
        "gender_expression", label=_("Gender expression"), required=False
    )
    victim_existing = forms.CharField(required=False, widget=forms.HiddenInput)
    # A perpetrator.
    perpetrator_type = TermField("perpetrator_type", label=_("Who did it"))
    degree = TermField("involvement_degree", label=_("Their part in it"))
    perpetrator_name = forms.CharField(
        label=_("Perpetrator's name, if known"), required=False, max_length=300
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=300)
    rank = forms.CharField(label=_("Rank"), required=False, max_length=120)
    perpetrator_existing = forms.CharField(required=False, widget=forms.HiddenInput)
    # The source.
    source_is_victim = forms.BooleanField(
        label=_("The victim told us themself"), required=False, initial=False
    )
    source_name = forms.CharField(
        label=_("Source's name"),
        required=False,
        max_length=300,
        help_text=_("A person, a group or an organisation such as a newspaper. It is sealed."),
    )
    source_kind = forms.ChoiceField(
        label=_("The source is"), choices=PersonKind.choices, initial=PersonKind.INDIVIDUAL
    )
    connection = TermField("source_connection", label=_("The source's connection to the facts"))
    reliability = TermField("reliability", label=_("How reliable the source is"))
    language = TermField("language", label=_("Language of the account"), required=False)
    reported_on = forms.DateField(label=_("Date of the account"), required=False, widget=DATE)
    account = forms.CharField(label=_("What the source said"), required=False, widget=LONG)
    reference = forms.CharField(
        label=_("Where the account is kept"),
        required=False,
        max_length=500,
        help_text=_("An interview's number, an article, a file."),
    )
    source_existing = forms.CharField(required=False, widget=forms.HiddenInput)
    # Set once the people with similar names have been shown.
    people_checked = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new event's start is asked for as an exact day unless told otherwise.
        self.fields["start"].initial = [DatePrecision.EXACT, None, None, None, "", ""]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("source_is_victim") and not (
            (data.get("source_name") or "").strip() or data.get("source_existing")
        ):
            self.add_error("source_name", _("Name the source, or say the victim told us."))
        return data


class EventForm(SharingFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=300)
    start = FuzzyDateField(label=_("When it happened (or began)"))
    end = FuzzyDateField(label=_("When it ended, if it lasted"))
    place = PlaceField(label=_("Where"))
    description = forms.CharField(label=_("What happened"), required=False, widget=LONG)
    violation_status = forms.ChoiceField(
        label=_("Was it a violation?"), choices=ViolationStatus.choices
    )
    monitoring_status = forms.ChoiceField(label=_("Follow-up"), choices=MonitoringStatus.choices)


class ActForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    act_type = TermField("act_type", label=_("What was done"))
    start = FuzzyDateField(label=_("When it happened (or began)"))
    end = FuzzyDateField(label=_("When it ended, if it lasted"))
    place = PlaceField(label=_("Where"))
    method = forms.CharField(label=_("How it was done"), required=False, widget=LONG)
    stated_reason = forms.CharField(
        label=_("The reason the perpetrators gave"), required=False, max_length=2000
    )
    consequences = forms.CharField(label=_("What it did to the victim"), required=False)
    victim_status = TermField(
        "victim_status", label=_("The victim's situation afterwards"), required=False
    )
    verification = forms.ChoiceField(
        label=_("How far it is established"), choices=Verification.choices
    )
    verified_on = forms.DateField(
        label=_("Established on"),
        required=False,
        widget=DATE,
        help_text=_("Left empty when the status changes: today."),
    )


class StatementForm(forms.Form):
    speaker = forms.CharField(label=_("Who said it"), max_length=300)
    office = forms.CharField(label=_("Their office"), required=False, max_length=300)
    said_on = forms.DateField(label=_("When it was said"), required=False, widget=DATE)
    stance = TermField("stance", label=_("What it does"))
    language = TermField("language", label=_("Language it was said in"), required=False)
    quote = forms.CharField(
        label=_("The exact words, in that language"), widget=LONG, max_length=20000
    )
    translation = forms.CharField(
        label=_("Translation"), required=False, widget=LONG, max_length=20000
    )
    published_in = forms.CharField(
        label=_("Where it was published"),
        required=False,
        max_length=1000,
        help_text=_("The outlet and the address of the page."),
    )
    # Set beside an act at once (when recorded from the act's event page).
    act = forms.CharField(required=False, widget=forms.HiddenInput)
    passage = forms.CharField(
        label=_("The passage about this act"),
        required=False,
        widget=LONG,
        max_length=20000,
        help_text=_("Leave empty if the whole statement concerns it."),
    )


class LinkStatementForm(forms.Form):
    statement = forms.ChoiceField(label=_("Statement"))
    passage = forms.CharField(
        label=_("The passage about this act"),
        required=False,
        widget=LONG,
        max_length=20000,
        help_text=_("Leave empty if the whole statement concerns it."),
    )


class EventFilterForm(forms.Form):
    """The filters of the event list and the timeline (GET): each term
    includes the terms below it (documentation.search)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Finds similar spellings in either alphabet."),
    )
    name_role = forms.ChoiceField(
        label=_("Whose name"),
        required=False,
        choices=[
            (NameRole.VICTIM_OR_PERPETRATOR, _("a victim or a perpetrator")),
            (NameRole.VICTIM, _("a victim")),
            (NameRole.PERPETRATOR, _("a perpetrator")),
            (NameRole.SOURCE, _("a source")),
        ],
    )
    act_type = TermField("act_type", label=_("Act"), required=False)
    period_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    place = TermField("place", label=_("Place"), required=False)
    perpetrator_type = TermField("perpetrator_type", label=_("Perpetrator"), required=False)
    unit = forms.CharField(
        label=_("Perpetrators' unit"),
        required=False,
        max_length=300,
        help_text=_("Written as it was recorded (case and spaces aside)."),
    )
    connection = TermField("source_connection", label=_("Source"), required=False)
    reliability = TermField("reliability", label=_("Reliability of the source"), required=False)
    verification = forms.ChoiceField(
        label=_("Established"),
        choices=[("", "—"), *Verification.choices],
        required=False,
    )

    # The names of the fields, in the order the page shows them.
    shown = (
        "name name_role act_type period_from period_to place perpetrator_type unit "
        "connection reliability verification"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period is before its start."))
        return data


class TermLabelsForm(forms.Form):
    label_en = forms.CharField(label=_("In English"), max_length=300)
    label_ru = forms.CharField(label=_("In Russian"), max_length=300)
    label_fr = forms.CharField(label=_("In French"), max_length=300)


class TermForm(TermLabelsForm):
    parent = forms.TypedChoiceField(label=_("Under"), coerce=int, empty_value=None, required=False)
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=40,
        help_text=_("Stable, never reused. Left empty: made from the English label."),
    )

    field_order = ["parent", "label_en", "label_ru", "label_fr", "code"]
