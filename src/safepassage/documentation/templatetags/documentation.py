"""Template helpers of the documentation's pages."""

from __future__ import annotations

from typing import Any

from django import forms, template

from safepassage.documentation.precision import FuzzyDate, Place

register = template.Library()

GROUPED = ("fuzzydate", "place", "checkboxselectmultiple", "radioselect")


@register.inclusion_tag("documentation/fields.html")
def fields(form: forms.Form, names: str) -> dict[str, Any]:
    """These fields of the form, each with its label, help and errors;
    grouped inputs (a date's parts, radio buttons) in a fieldset."""
    return {"fields": [form[name] for name in names.split()], "grouped": GROUPED}


@register.filter
def fuzzy(value: FuzzyDate | None) -> str:
    """A date as precisely as it is known, in the reader's language."""
    return value.display() if value is not None else ""


@register.filter
def place(value: Place | None) -> str:
    return value.display() if value is not None else ""


@register.filter
def label(term: Any) -> str:
    """A vocabulary term in the reader's language ("" for none)."""
    return term.label() if term is not None else ""
