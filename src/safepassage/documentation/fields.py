"""Form fields for the documentation's own values: a date as precisely as
it is known, a place with its area and detail, and a term of a vocabulary.
Each works without JavaScript: the date is a precision and the parts it
needs (the parts it does not need are ignored), the place a precision, an
area and a detail."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from safepassage.documentation import vocabularies
from safepassage.documentation.models import Term
from safepassage.documentation.precision import (
    BadDate,
    BadPlace,
    DatePrecision,
    FuzzyDate,
    MonthPart,
    Place,
    PlacePrecision,
    Season,
)

BLANK: list[tuple[Any, Any]] = [("", "—")]


class PartsWidget(forms.MultiWidget):
    """A MultiWidget whose parts each have a label (widgets/parts.html)."""

    template_name = "documentation/widgets/parts.html"
    labels: tuple[Any, ...] = ()

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = list(
            zip(context["widget"]["subwidgets"], self.labels, strict=True)
        )
        return context


class FuzzyDateWidget(PartsWidget):
    labels = (
        _("How precisely"),
        _("Year"),
        _("Month"),
        _("Day"),
        _("Part of the month"),
        _("Season"),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        number = {"inputmode": "numeric", "class": "short"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "precision": forms.Select(choices=DatePrecision.choices),
            "year": forms.NumberInput(attrs={**number, "min": 1900, "max": 2200}),
            "month": forms.Select(choices=BLANK + list(MONTHS.items())),
            "day": forms.NumberInput(attrs={**number, "min": 1, "max": 31}),
            "part": forms.Select(choices=BLANK + MonthPart.choices),
            "season": forms.Select(choices=BLANK + Season.choices),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: FuzzyDate | None) -> list[Any]:
        if value is None or value.anchor is None:
            return [DatePrecision.UNKNOWN, None, None, None, "", ""]
        anchor, precision = value.anchor, value.precision
        # Only the parts the precision uses, so switching it leaves no stale part.
        month = None if precision in (DatePrecision.YEAR, DatePrecision.SEASON) else anchor.month
        day = anchor.day if precision in (DatePrecision.EXACT, DatePrecision.APPROXIMATE) else None
        return [precision, anchor.year, month, day, value.part, value.season]


class FuzzyDateField(forms.MultiValueField):
    widget = FuzzyDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.ChoiceField(choices=DatePrecision.choices),
            forms.IntegerField(required=False),
            forms.IntegerField(required=False),
            forms.IntegerField(required=False),
            forms.ChoiceField(choices=MonthPart.choices, required=False),
            forms.ChoiceField(choices=Season.choices, required=False),
        )
        kwargs.setdefault("required", False)
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> FuzzyDate:
        if not data_list:
            return FuzzyDate.unknown()
        precision, year, month, day, part, season = data_list
        given = any(value not in (None, "") for value in (year, month, day, part, season))
        if precision in ("", DatePrecision.UNKNOWN) and given:
            raise ValidationError(_("You gave a date: choose how precisely it is known."))
        try:
            return FuzzyDate.of(
                precision or DatePrecision.UNKNOWN,
                year,
                month,
                day,
                part=part or "",
                season=season or "",
            )
        except BadDate as error:
            raise ValidationError(str(error)) from error


class PlaceWidget(PartsWidget):
    labels = (_("How precisely"), _("Area"), _("Where exactly (sealed)"))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "precision": forms.Select(choices=PlacePrecision.choices),
            "area": TermSelect(choices=BLANK),
            "detail": forms.TextInput(),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Place | None) -> list[Any]:
        if value is None:
            return [PlacePrecision.UNKNOWN, "", ""]
        return [value.precision, value.area.pk if value.area else "", value.detail]


class PlaceField(forms.MultiValueField):
    widget = PlaceWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.ChoiceField(choices=PlacePrecision.choices),
            forms.TypedChoiceField(coerce=int, required=False, empty_value=None),
            forms.CharField(required=False, max_length=500),
        )
        kwargs.setdefault("required", False)
        super().__init__(fields, require_all_fields=False, **kwargs)

    def offer(self, keep: Term | None = None, current: dict[str, Any] | None = None) -> None:
        """The areas to choose from: the places vocabulary's (and ``keep``)."""
        options = vocabularies.choices("place", keep=[keep], blank="—", current=current)
        self.fields[1].choices = options  # type: ignore[attr-defined]
        self.widget.widgets[1].choices = options  # type: ignore[attr-defined]

    def compress(self, data_list: list[Any]) -> Place:
        if not data_list:
            return Place.unknown()
        precision, area_id, detail = data_list
        area = Term.objects.select_related("vocabulary").filter(pk=area_id).first()
        try:
            return Place.of(precision or PlacePrecision.UNKNOWN, area, detail or "")
        except BadPlace as error:
            raise ValidationError(str(error)) from error


class TermSelect(forms.Select):
    """A select of a vocabulary's terms: hundreds of options, written here
    rather than through a template for each (the filter form's options
    were a good part of the event list's time: bench/README.md). Options
    carry no attribute but ``selected``, and terms come in no groups."""

    template_name = "documentation/widgets/term_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The widget's own context, without Django's dictionary for each option.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        written = _written_options(tuple((v, str(text)) for v, text in self.choices))
        context["widget"]["options"] = mark_safe(  # noqa: S308 (escaped by format_html)
            "\n".join(selected if key in chosen else plain for key, plain, selected in written)
        )
        return context


@lru_cache(maxsize=64)
def _written_options(choices: tuple[tuple[Any, str], ...]) -> list[tuple[str, str, str]]:
    """Each option as HTML, unselected and selected, made once for a list
    of choices (the same vocabulary in the same language on every page)."""
    written: list[tuple[str, str, str]] = []
    for value, text in choices:
        key = "" if value is None else str(value)
        plain = format_html('<option value="{}">{}</option>', key, text)
        selected = format_html('<option value="{}" selected>{}</option>', key, text)
        written.append((key, plain, selected))
    return written


class TermField(forms.TypedChoiceField):
    """A term of one vocabulary, offered as an indented list in the
    reader's language; retired terms only when the record has one already."""

    widget = TermSelect

    def __init__(self, key: str, **kwargs: Any) -> None:
        self.key = key
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)

    def offer(self, keep: Term | None = None, current: dict[str, Any] | None = None) -> None:
        blank = None if self.required else "—"
        self.choices = vocabularies.choices(self.key, keep=[keep], blank=blank, current=current)
        if self.required:
            self.choices = [("", "—"), *self.choices]

    def clean(self, value: Any) -> Term | None:
        pk = super().clean(value)
        if pk is None:
            return None
        return Term.objects.select_related("vocabulary").get(pk=pk)


def offer_terms(form: forms.Form, keep: dict[str, Term | None] | None = None) -> None:
    """Fill every TermField and PlaceField of a form with its choices."""
    keep = keep or {}
    fields = [(n, f) for n, f in form.fields.items() if isinstance(f, TermField | PlaceField)]
    current = vocabularies.stamps() if fields else {}
    for name, field in fields:
        field.offer(keep.get(name), current)


def initial_terms(record: Any, names: list[str]) -> dict[str, Any]:
    """A record's terms as a form's initial values (their ids)."""
    return {name: getattr(record, f"{name}_id") for name in names}
