"""Filtering the auditor's page: by person, action, outcome and dates."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.audit import labels
from safepassage.audit.display import staff_choices
from safepassage.audit.models import AuditEntry, Outcome


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Who"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("any")), *Outcome.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by following a target's link on the page, not typed.
    target = forms.CharField(required=False, max_length=128, widget=forms.HiddenInput)

    def __init__(self, viewer: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor: Any = self.fields["actor"]
        actor.choices = [("", _("anyone")), *staff_choices(viewer)]
        action: Any = self.fields["action"]
        action.choices = [("", _("any")), *labels.choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        action = data.get("action") or ""
        if action.endswith("."):
            entries = entries.filter(action__startswith=action)
        elif action:
            entries = entries.filter(action=action)
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("target"):
            entries = entries.filter(target=data["target"])
        if data.get("outcome"):
            entries = entries.filter(outcome=data["outcome"])
        tz = timezone.get_current_timezone()
        if data.get("since"):
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data.get("until"):
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
        return entries
