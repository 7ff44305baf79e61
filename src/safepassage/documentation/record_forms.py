"""Forms for what is added to an event after it was recorded (another act,
a perpetrator's part, a source's account, an intervention), for whom a
restricted event is shared with, and for promises and their follow-up.

A person is chosen among those already in the event, by the code of one
recorded elsewhere (the People page finds it), or written in as a new
person; the view offers people recorded under a similar name before it
records a new one (documentation.views.choosing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.fields import FuzzyDateField, PlaceField, TermField
from safepassage.documentation.forms import DATE, LONG, SharingFields
from safepassage.documentation.models import (
    CommitmentStatus,
    InterventionStatus,
    PersonKind,
    Verification,
)

CODE_HELP = _(
    "Or the code of someone recorded in another event, such as P-7K3M9Q (People finds it)."
)


def person_fields(role: str, label: Any, *, required: bool) -> dict[str, forms.Field]:
    """Fields naming one person: among the event's (a select the view
    fills), by code, or new (a name and what they are)."""
    return {
        f"{role}_existing": forms.CharField(
            label=label, required=False, widget=forms.Select(choices=[("", "—")])
        ),
        f"{role}_code": forms.CharField(
            label=_("Code"), required=False, max_length=12, help_text=CODE_HELP
        ),
        f"{role}_name": forms.CharField(
            label=_("Or a new person's name")
            if required
            else _("Or a new person's name, if known"),
            required=False,
            max_length=300,
            help_text=_("Or a description, such as “a young man from Argun”. It is sealed."),
        ),
        f"{role}_kind": forms.ChoiceField(
            label=_("The new person is"), choices=PersonKind.choices, initial=PersonKind.INDIVIDUAL
        ),
    }


class PeopleChecked(forms.Form):
    # Set once the people with similar names have been offered.
    people_checked = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ActAddForm(PeopleChecked):
    """Another act in an event: what was done, to whom, and (if known)
    who did it."""

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
        label=_("How far it is established"),
        choices=Verification.choices,
        initial=Verification.REPORTED,
    )
    perpetrator_type = TermField("perpetrator_type", label=_("Who did it"), required=False)
    degree = TermField("involvement_degree", label=_("Their part in it"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=300)
    rank = forms.CharField(label=_("Rank"), required=False, max_length=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(person_fields("victim", _("Victim"), required=True))
        self.fields.update(person_fields("perpetrator", _("Perpetrator"), required=False))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, degree = data.get("perpetrator_type"), data.get("degree")
        named = any(
            (data.get(f"perpetrator_{part}") or "").strip() for part in ("existing", "code", "name")
        )
        if (degree or named or (data.get("unit") or "").strip()) and kind is None:
            self.add_error("perpetrator_type", _("Say what kind of perpetrator it was."))
        if kind is not None and degree is None:
            self.add_error("degree", _("Say what part the perpetrator took in it."))
        return data


class InvolvementForm(PeopleChecked):
    """A perpetrator's part in an act (added, or edited with ``version``)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    perpetrator_type = TermField("perpetrator_type", label=_("Who did it"))
    degree = TermField("involvement_degree", label=_("Their part in it"))
    unit = forms.CharField(label=_("Unit"), required=False, max_length=300)
    rank = forms.CharField(label=_("Rank"), required=False, max_length=120)

    def __init__(self, *args: Any, choose_person: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_person:
            self.fields.update(person_fields("perpetrator", _("Perpetrator"), required=False))


class InformationForm(PeopleChecked):
    """A source's account of an event or of one act of it."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    act = forms.CharField(
        label=_("About"),
        required=False,
        widget=forms.Select(choices=[("", "—")]),
        help_text=_("One act of the event, or the event as a whole."),
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

    def __init__(self, *args: Any, choose_person: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_person:
            self.fields.update(person_fields("source", _("Source"), required=True))


class InterventionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    act = forms.CharField(
        label=_("About"),
        required=False,
        widget=forms.Select(choices=[("", "—")]),
        help_text=_("One act of the event, or the event as a whole."),
    )
    kind = TermField("intervention_type", label=_("What was done"))
    intervening_party = forms.CharField(
        label=_("Who acted"),
        max_length=500,
        help_text=_("Our lawyer, a partner organisation, the victim's mother…"),
    )
    addressed_to = forms.CharField(
        label=_("To whom"),
        required=False,
        max_length=500,
        help_text=_("A prosecutor's office, a court, a UN body…"),
    )
    made_on = forms.DateField(label=_("When"), required=False, widget=DATE)
    response = TermField("response", label=_("The authorities' response"), required=False)
    outcome = forms.CharField(label=_("The outcome"), required=False, widget=LONG)
    status = forms.ChoiceField(
        label=_("Where it stands"),
        choices=InterventionStatus.choices,
        initial=InterventionStatus.PLANNED,
    )


class SharingForm(SharingFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommitmentForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    promised_by = forms.CharField(label=_("Who promised"), max_length=500)
    promised_to = forms.CharField(
        label=_("To whom"),
        required=False,
        max_length=500,
        help_text=_("The OSCE, journalists, the families…"),
    )
    promised_on = forms.DateField(label=_("When"), required=False, widget=DATE)
    promise = forms.CharField(
        label=_("What was promised"),
        widget=LONG,
        max_length=20000,
        help_text=_(
            "In the words used, such as “an investigation to establish the complete truth”."
        ),
    )
    statement = forms.CharField(required=False, widget=forms.HiddenInput)


class CommitmentChangeForm(forms.Form):
    """A dated, sourced change of a promise's status."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=CommitmentStatus.choices)
    changed_on = forms.DateField(label=_("Known since"), widget=DATE)
    source_code = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=12,
        help_text=_("The code of the person or organisation who said so, such as P-7K3M9Q."),
    )
    reference = forms.CharField(
        label=_("Where it is said"),
        required=False,
        max_length=1000,
        help_text=_("A report, an article, a letter. A source or this is needed."),
    )
    note = forms.CharField(label=_("What happened"), required=False, widget=LONG)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sourced = (data.get("source_code") or "").strip() or (data.get("reference") or "").strip()
        if not sourced:
            self.add_error(
                "reference", _("Say where the change is known from: a source or a reference.")
            )
        return data


class SourceFilterForm(forms.Form):
    """The filters of the sources' accounts (GET)."""

    connection = TermField("source_connection", label=_("Connection to the facts"), required=False)
    reliability = TermField("reliability", label=_("Reliability"), required=False)


class InterventionFilterForm(forms.Form):
    kind = TermField("intervention_type", label=_("What was done"), required=False)
    status = forms.ChoiceField(
        label=_("Where it stands"),
        required=False,
        choices=[("", "—"), *InterventionStatus.choices],
    )


class CommitmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *CommitmentStatus.choices]
    )


class StatementFilterForm(forms.Form):
    stance = TermField("stance", label=_("What it does"), required=False)
