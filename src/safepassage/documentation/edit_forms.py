"""Forms for changing a person (with a biographic link to another) and an
official's statement after they were recorded. Edits carry the version
they were made from (optimistic locking, as events and acts do)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.fields import TermField
from safepassage.documentation.forms import LONG, StatementForm
from safepassage.documentation.models import PersonKind
from safepassage.documentation.models.people import SOGIESC

PERSON_TEXTS = ("name", "other_names", "born", "contact", "description")


class PersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        help_text=_("Or a description, such as “unknown officer 1”. It is sealed."),
    )
    kind = forms.ChoiceField(label=_("Is"), choices=PersonKind.choices)
    group_size = forms.IntegerField(
        label=_("How many people (a group)"), required=False, min_value=1, max_value=100_000
    )
    other_names = forms.CharField(label=_("Other names"), required=False, max_length=1000)
    born = forms.CharField(label=_("Born (year or age)"), required=False, max_length=100)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=1000)
    description = forms.CharField(
        label=_("Description"), required=False, widget=LONG, max_length=20000
    )
    sexual_orientation = TermField(
        "sexual_orientation", label=_("Sexual orientation"), required=False
    )
    gender_identity = TermField("gender_identity", label=_("Gender identity"), required=False)
    gender_expression = TermField("gender_expression", label=_("Gender expression"), required=False)
    sex_characteristics = TermField(
        "sex_characteristics", label=_("Sex characteristics"), required=False
    )

    def values(self) -> dict[str, Any]:
        """What the form says, as change_person takes it."""
        data = self.cleaned_data
        values = {name: data[name] or "" for name in PERSON_TEXTS}
        values["kind"] = data["kind"]
        values["group_size"] = data["group_size"] if data["kind"] == PersonKind.GROUP else None
        values["profile"] = {key: data[key].code for key in SOGIESC if data.get(key)} or None
        return values


class PersonLinkForm(forms.Form):
    """A biographic link: this person is <relationship> of that one."""

    relationship = TermField("relationship", label=_("This person is"))
    other = forms.CharField(
        label=_("Of the person"),
        max_length=12,
        help_text=_("Their code, such as P-7K3M9Q (People finds it)."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("How it is known, since when. It is sealed."),
    )

    def clean_other(self) -> str:
        return "".join(str(self.cleaned_data["other"]).split()).upper()


class StatementEditForm(StatementForm):
    """A statement's words, speaker and stance, changed with its version
    (what it is set beside is changed from the acts)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["act"]
        del self.fields["passage"]


class ConsentForm(forms.Form):
    """What a documented person agreed to (documentation.consent)."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    testimony = forms.BooleanField(
        label=_("Their testimony may be used in the documentation"), required=False
    )
    originals = forms.BooleanField(
        label=_("The originals of evidence about them may be handed over in a dossier"),
        required=False,
        help_text=_("Otherwise only working copies (blurred, details removed) leave."),
    )
    given_on = forms.DateField(
        label=_("Day they gave it"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("How they gave it and what was explained to them"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Sealed to the documentation compartment."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The person's page holds other forms (a link has a note too).
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("originals") and not data.get("testimony"):
            self.add_error(
                "originals",
                _("Originals can be handed over only for someone whose testimony may be used."),
            )
        return data
