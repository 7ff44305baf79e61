"""The dashboard's period: from and to, as a GET form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.dashboard import LONGEST_DAYS, Period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error("end", _("The period cannot end before it begins."))
        elif end > timezone.localdate():
            self.add_error("end", _("Choose a period that ends today at the latest."))
        elif (end - start).days + 1 > LONGEST_DAYS:
            self.add_error("start", _("Choose a period of five years at most."))
        return data

    def period(self) -> Period:
        """The period chosen, or the default one if the form is not valid."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return Period.default()
