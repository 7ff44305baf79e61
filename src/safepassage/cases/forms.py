"""The forms of the case page and the case list. Each carries the case's
version where two people could change the same case (optimistic locking:
cases.errors.Conflict)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team, User
from safepassage.cases.models import (
    EDITABLE_FLAGS,
    CheckKind,
    Finding,
    Flag,
    Outcome,
    Referee,
    Risk,
    RiskFactor,
    Stage,
)

REASON_LENGTH = 2000


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 (a programming error)
    field.choices = choices


def _reason(label: Any, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MoveForm(Versioned):
    """A move to another stage (cases.stages.move_case decides if it may)."""

    to = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = _reason(_("Why"))

    def __init__(self, *args: Any, targets: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if targets is not None:
            _choices(self, "to", targets)


class CaseForm(Versioned):
    """Who works on the case and how urgent it is."""

    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    risk = forms.TypedChoiceField(label=_("Risk level"), choices=Risk.choices, coerce=int)
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"),
        choices=[(flag.value, flag.label) for flag in EDITABLE_FLAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user in candidates}
        _choices(
            self,
            "assignee",
            [
                ("", _("Nobody")),
                *[(pk, user.username) for pk, user in self.candidates.items()],
            ],
        )

    def clean_assignee(self) -> User | None:
        chosen = self.cleaned_data.get("assignee") or ""
        return self.candidates.get(chosen)


class TeamForm(Versioned):
    team = forms.ChoiceField(label=_("Team"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in Team.objects.order_by("name")}
        _choices(
            self,
            "team",
            [
                ("", _("No team")),
                *[(pk, team.name) for pk, team in self.teams.items()],
            ],
        )

    def clean_team(self) -> Team | None:
        return self.teams.get(self.cleaned_data.get("team") or "")


class CheckForm(Versioned):
    # No choice made for the person: a check or an outcome is said, never assumed.
    kind = forms.ChoiceField(label=_("What was checked"), choices=[("", "—"), *CheckKind.choices])
    finding = forms.ChoiceField(label=_("What it found"), choices=[("", "—"), *Finding.choices])
    referee = forms.ChoiceField(
        label=_("For a reference: who gave it"),
        choices=[("", "—"), *Referee.choices],
        required=False,
    )
    note = _reason(_("Note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CheckKind.REFERENCE and not data.get("referee"):
            self.add_error("referee", _("Say who gave the reference."))
        return data


class OutcomeForm(Versioned):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    reasons = _reason(_("Reasons"), required=True)


class UnlockForm(Versioned):
    reason = _reason(_("Why the case is unlocked"), required=True)
    clear_suspicion = forms.BooleanField(
        label=_("The suspicion was wrong: clear the flag and the marks on its contacts"),
        required=False,
    )


# --- The case list ----------------------------------------------------------------------

ACTIVE = "active"
SORTS = [
    ("urgency", _("most urgent first")),
    ("opened", _("newest first")),
    ("changed", _("last changed first")),
    ("code", _("by code")),
]


class CaseListForm(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    risk = forms.TypedChoiceField(
        label=_("Risk level"),
        choices=[("", _("any")), *Risk.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    flag = forms.ChoiceField(
        label=_("Flag"), choices=[("", _("any")), *Flag.choices], required=False
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(
        label=_("Only overdue cases (too long in their stage, or a task or reminder past its day)"),
        required=False,
    )
    sort = forms.ChoiceField(label=_("Order"), choices=SORTS, required=False)

    def __init__(self, *args: Any, teams: list[Team], staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "stage",
            [
                (ACTIVE, _("still on their way")),
                ("", _("any")),
                *Stage.choices,
            ],
        )
        _choices(
            self,
            "team",
            [
                ("", _("any")),
                ("none", _("No team")),
                *[(str(team.pk), team.name) for team in teams],
            ],
        )
        _choices(
            self,
            "assignee",
            [
                ("", _("anyone")),
                ("me", _("me")),
                ("nobody", _("nobody")),
                *[(str(user.pk), user.username) for user in staff],
            ],
        )
