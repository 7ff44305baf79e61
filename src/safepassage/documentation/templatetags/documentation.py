"""Template helpers of the documentation's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safepassage.documentation import capture
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


@register.filter
def possible_days(record: Any) -> str:
    """The days a dated record (an event, an act) may have happened on, when
    that is more than one day: "between 1 March 2017 and 31 May 2017" for
    "spring 2017". Nothing for one known day or an unknown date."""
    first, last = getattr(record, "period_from", None), getattr(record, "period_to", None)
    if first is None or last is None or first == last:
        return ""
    return _("between %(first)s and %(last)s") % {
        "first": formats.date_format(first, "DATE_FORMAT"),
        "last": formats.date_format(last, "DATE_FORMAT"),
    }


@register.filter
def format_name(container: str | None) -> str:
    """A file's container as its format is usually named ("JPEG")."""
    return capture.format_name(container)


@register.filter
def stated_moment(value: str | None) -> str:
    """A moment as a file states it ("2017-03-24T21:40:12.000Z"), in the
    reader's format and in UTC; as it was written when it is not one."""
    if not value:
        return ""
    try:
        moment = parse_datetime(str(value))
    except ValueError:
        moment = None
    if moment is None:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
        return _("%(moment)s UTC") % {"moment": formats.date_format(moment, "DATETIME_FORMAT")}
    return formats.date_format(moment, "DATETIME_FORMAT")
