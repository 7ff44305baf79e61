"""Forms of consent, referrals and transfers, partner organisations and
bundles received. Each says what is wrong in the reader's language; the
actions (cases.consent, cases.referrals, cases.partners) check again."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.consent import SHARING
from safepassage.cases.models import (
    ConsentKind,
    ConsentMethod,
    Part,
    PartnerOrganisation,
    Person,
    ShareKind,
)
from safepassage.cases.partners import PartnerError, read_key

PICK_A_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_later_than_today(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("This day is still to come."))
    return day


def _partner_choices(
    field: forms.Field,
    queryset: QuerySet[PartnerOrganisation],
    shown: list[PartnerOrganisation] | None,
) -> None:
    """A partner field chooses among ``queryset`` (what is sent is checked
    against it); its options are ``shown`` if the page read them already
    (the active partners, one query for the page's forms), else read from
    the queryset when drawn."""
    chooser = cast(forms.ModelChoiceField, field)
    chooser.queryset = queryset
    if shown is not None:
        chooser.choices = [
            ("", chooser.empty_label or ""),
            *((str(partner.pk), chooser.label_from_instance(partner)) for partner in shown),
        ]


class ConsentForm(forms.Form):
    person = forms.ChoiceField(label=_("Who"))
    kind = forms.ChoiceField(label=_("What they agreed to"), choices=ConsentKind.choices)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        help_text=_("For sharing with a partner organisation."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=80,
        required=False,
        help_text=_("For sharing with a host government: whose government."),
    )
    scope = forms.MultipleChoiceField(
        label=_("What they agreed to share"),
        choices=Part.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = forms.DateField(label=_("Day they gave it"), widget=PICK_A_DATE)
    method = forms.ChoiceField(
        label=_("How they gave it"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("What was explained to them"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "Who would receive what, why, and that they can say no or change their mind "
            "later. Only members of casework read this."
        ),
    )
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        people: list[Person],
        name: Callable[[Person], str],
        partners: list[PartnerOrganisation] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            (str(p.pk), name(p)) for p in people
        ]
        _partner_choices(
            self.fields["partner"], PartnerOrganisation.objects.filter(active=True), partners
        )
        self.fields["given_on"].initial = timezone.localdate()

    def clean_given_on(self) -> datetime.date:
        return _not_later_than_today(self.cleaned_data["given_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ConsentKind.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Choose the partner organisation."))
        if kind == ConsentKind.HOST_GOVERNMENT and not (data.get("country") or "").strip():
            self.add_error("country", _("Name the country."))
        if kind in SHARING and not data.get("scope"):
            self.add_error("scope", _("Say what they agreed to share."))
        return data

    def chosen_person(self) -> Person:
        return self.people[self.cleaned_data["person"]]


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Day they withdrew it"), widget=PICK_A_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def clean_withdrawn_on(self) -> datetime.date:
        return _not_later_than_today(self.cleaned_data["withdrawn_on"])


class ShareForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=PartnerOrganisation.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Referral or transfer"),
        choices=ShareKind.choices,
        initial=ShareKind.REFERRAL,
        widget=forms.RadioSelect,
    )
    parts = forms.MultipleChoiceField(
        label=_("What the bundle holds"),
        choices=[(part.value, part.label) for part in (Part.IDENTITY, Part.NARRATIVE)],
        initial=[Part.IDENTITY, Part.NARRATIVE],
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = forms.CharField(
        label=_("Reason to share without everyone's consent"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if someone's consent is missing and their safety depends on sharing now. "
            "Leave empty otherwise: the share is then refused while consent is missing. "
            "The reason is kept, and the override is in the audit log."
        ),
    )

    def __init__(
        self,
        *args: Any,
        may_override: bool = False,
        partners: list[PartnerOrganisation] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "share")
        super().__init__(*args, **kwargs)
        _partner_choices(
            self.fields["partner"],
            PartnerOrganisation.objects.filter(active=True, verified_on__isnull=False),
            None if partners is None else [p for p in partners if p.verified_on is not None],
        )
        if not may_override:
            del self.fields["override_reason"]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Their answer"),
        choices=[("accepted", _("They accepted the case")), ("declined", _("They declined it"))],
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label=_("Day they answered"), widget=PICK_A_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    contact = forms.CharField(
        label=_("Contact"),
        max_length=200,
        required=False,
        help_text=_("How to reach the organisation: an office address, not a person's phone."),
    )
    public_key = forms.CharField(
        label=_("Their partner key"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=400,
        help_text=_(
            "The line their “safepassage keys partner-key” printed, or an X25519 public "
            "key in base64. A new key must be checked with them again."
        ),
    )
    active = forms.BooleanField(label=_("Cases can be shared with them"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_public_key(self) -> str:
        text: str = self.cleaned_data["public_key"]
        try:
            read_key(text)
        except PartnerError as error:
            raise forms.ValidationError(error.message) from None
        return text


class ImportForm(forms.Form):
    bundle = forms.FileField(label=_("Bundle file"))
