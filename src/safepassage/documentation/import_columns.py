"""What an imported file's columns can fill, and how their values are read.

A file has one row per act: the event it belongs to, what was done, to
whom, by whom and by whose account. Each of our fields below can take one
of the file's columns (the column mapping); only the event's title, the
act's type and the victim's name must be given. Values are read the way a
documenter would write them:

- dates in the documentation's text form (2017-04-03, ~2017-04-03,
  2017-04-early, 2017-04, 2017-spring, 2017, unknown), or as day-month-year
  (03.04.2017, 03/04/2017) and month-year (04.2017); with a precision
  column, a date is read at that precision (03.04.2017 and "the month" is
  April 2017);
- terms of a vocabulary by their code or their label in English, Russian
  or French, case aside (documentation.vocabularies.resolve);
- fixed choices (how far an act is established, a precision...) by their
  code or their label in any of the three languages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.documentation.models import (
    MonitoringStatus,
    PersonKind,
    Term,
    Verification,
    ViolationStatus,
)
from safepassage.documentation.models.vocabulary import LANGUAGES
from safepassage.documentation.precision import (
    PLACE_LEVELS,
    BadDate,
    DatePrecision,
    FuzzyDate,
    MonthPart,
    Place,
    PlacePrecision,
    Season,
)

# The longest a name or a title may be, as the recording form allows.
NAME_LENGTH = 300
TITLE_LENGTH = 300


@dataclass(frozen=True)
class Column:
    """One of our fields that a column of the file can fill."""

    key: str
    label: Promise
    part: str  # "event", "act", "victim", "perpetrator", "source"
    # "text", "name", "ref", "date", "day", "count", "term", "choice"
    kind: str = "text"
    vocabulary: str = ""
    choices: type[models.TextChoices] | None = None
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    # The event.
    Column(
        "event_ref",
        gettext_lazy("Event reference (rows with the same one are one event)"),
        "event",
        "ref",
    ),
    Column("title", gettext_lazy("Event title"), "event", "text", required=True),
    Column("start", gettext_lazy("When it happened (or began)"), "event", "date"),
    Column(
        "start_precision",
        gettext_lazy("How precisely the start is known"),
        "event",
        "choice",
        choices=DatePrecision,
    ),
    Column("end", gettext_lazy("When it ended, if it lasted"), "event", "date"),
    Column(
        "end_precision",
        gettext_lazy("How precisely the end is known"),
        "event",
        "choice",
        choices=DatePrecision,
    ),
    Column(
        "place_area",
        gettext_lazy("Area (a term of the places)"),
        "event",
        "term",
        vocabulary="place",
    ),
    Column(
        "place_precision",
        gettext_lazy("How precisely the place is known"),
        "event",
        "choice",
        choices=PlacePrecision,
    ),
    Column("place_detail", gettext_lazy("Where, beyond the area (sealed)"), "event"),
    Column("description", gettext_lazy("What happened"), "event"),
    Column(
        "violation_status",
        gettext_lazy("Violation status"),
        "event",
        "choice",
        choices=ViolationStatus,
    ),
    Column(
        "monitoring_status",
        gettext_lazy("Monitoring status"),
        "event",
        "choice",
        choices=MonitoringStatus,
    ),
    # The act.
    Column(
        "act_type",
        gettext_lazy("What was done"),
        "act",
        "term",
        vocabulary="act_type",
        required=True,
    ),
    Column(
        "act_start", gettext_lazy("When the act happened, if not the event's date"), "act", "date"
    ),
    Column("act_end", gettext_lazy("When the act ended"), "act", "date"),
    Column("method", gettext_lazy("How it was done"), "act"),
    Column("stated_reason", gettext_lazy("The reason the perpetrators gave"), "act"),
    Column("consequences", gettext_lazy("What it did to the victim"), "act"),
    Column(
        "victim_status",
        gettext_lazy("The victim's situation afterwards"),
        "act",
        "term",
        vocabulary="victim_status",
    ),
    Column(
        "verification",
        gettext_lazy("How far it is established"),
        "act",
        "choice",
        choices=Verification,
    ),
    Column("verified_on", gettext_lazy("Established on"), "act", "day"),
    # The victim.
    Column(
        "victim_ref",
        gettext_lazy("Victim reference (rows with the same one are one person)"),
        "victim",
        "ref",
    ),
    Column("victim_name", gettext_lazy("Victim's name"), "victim", "name", required=True),
    Column("victim_kind", gettext_lazy("The victim is"), "victim", "choice", choices=PersonKind),
    Column("victim_group_size", gettext_lazy("How many people the group is"), "victim", "count"),
    Column("victim_other_names", gettext_lazy("Other names"), "victim"),
    Column("victim_born", gettext_lazy("Born (year or age)"), "victim"),
    Column("victim_description", gettext_lazy("Description of the victim"), "victim"),
    Column(
        "victim_sexual_orientation",
        gettext_lazy("Sexual orientation"),
        "victim",
        "term",
        vocabulary="sexual_orientation",
    ),
    Column(
        "victim_gender_identity",
        gettext_lazy("Gender identity (or sex, as the list gives it)"),
        "victim",
        "term",
        vocabulary="gender_identity",
    ),
    Column(
        "victim_gender_expression",
        gettext_lazy("Gender expression"),
        "victim",
        "term",
        vocabulary="gender_expression",
    ),
    Column(
        "victim_sex_characteristics",
        gettext_lazy("Sex characteristics"),
        "victim",
        "term",
        vocabulary="sex_characteristics",
    ),
    # A perpetrator.
    Column(
        "perpetrator_type",
        gettext_lazy("Who did it"),
        "perpetrator",
        "term",
        vocabulary="perpetrator_type",
    ),
    Column(
        "degree",
        gettext_lazy("Their part in it"),
        "perpetrator",
        "term",
        vocabulary="involvement_degree",
    ),
    Column("perpetrator_name", gettext_lazy("Perpetrator's name, if known"), "perpetrator", "name"),
    Column("unit", gettext_lazy("Unit"), "perpetrator"),
    Column("rank", gettext_lazy("Rank"), "perpetrator"),
    # The source.
    Column(
        "source_name", gettext_lazy("Source's name (empty: the victim told it)"), "source", "name"
    ),
    Column("source_kind", gettext_lazy("The source is"), "source", "choice", choices=PersonKind),
    Column(
        "connection",
        gettext_lazy("The source's connection to the facts"),
        "source",
        "term",
        vocabulary="source_connection",
    ),
    Column("reliability", gettext_lazy("Reliability"), "source", "term", vocabulary="reliability"),
    Column(
        "source_language",
        gettext_lazy("Language of the account"),
        "source",
        "term",
        vocabulary="language",
    ),
    Column("reported_on", gettext_lazy("Reported on"), "source", "day"),
    Column("account", gettext_lazy("What the source said"), "source"),
    Column(
        "reference", gettext_lazy("Where it is kept (an interview, an article, a file)"), "source"
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}

PARTS = (
    ("event", gettext_lazy("The event")),
    ("act", gettext_lazy("The act")),
    ("victim", gettext_lazy("The victim")),
    ("perpetrator", gettext_lazy("A perpetrator")),
    ("source", gettext_lazy("The source")),
)

# Vocabularies an import may never add to, even when asked: a new place
# would be a plaintext area at the top of the tree (a country); what is
# known beyond an area goes in the sealed detail.
NEVER_NEW = frozenset({"place"})

# Terms given when a part is there but says nothing of these: "unknown".
UNKNOWN_TERM = "990000000000"
DEFAULT_TERMS = {
    "perpetrator_type": UNKNOWN_TERM,
    "degree": UNKNOWN_TERM,
    "connection": UNKNOWN_TERM,
    "reliability": UNKNOWN_TERM,
}


# --- The mapping ------------------------------------------------------------------


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[_\-\u2013\u2014:;.,()*]+", " ", str(text)).casefold().split())


def column_names(column: Column) -> set[str]:
    """What a file's column title may be for this field to be chosen for it:
    its key, or its label in any of the three languages."""
    names = {_plain(column.key)}
    for language in LANGUAGES:
        with translation.override(language):
            names.add(_plain(str(column.label)))
    return names


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Each of our fields whose key or label a column of the file has as
    its title (the first such column): a suggestion the person confirms."""
    titles = [_plain(title) for title in header]
    found: dict[str, int] = {}
    for column in COLUMNS:
        names = column_names(column)
        index = next((i for i, title in enumerate(titles) if title and title in names), None)
        if index is not None and index not in found.values():
            found[column.key] = index
    return found


# --- Fixed choices -----------------------------------------------------------------


def match_choice(choices: type[models.TextChoices], value: str) -> str | None:
    """The code a value names: the code itself or its label in English,
    Russian or French, case and spaces aside."""
    wanted = _plain(value)
    for code in choices.values:
        if wanted == _plain(code):
            return str(code)
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                if wanted == _plain(str(label)):
                    return str(code)
    return None


def choice_codes(choices: type[models.TextChoices]) -> str:
    return ", ".join(str(code) for code in choices.values)


# --- Dates -------------------------------------------------------------------------

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{4})")


def date_help() -> str:
    return _(
        "write a date as 2017-04-03 or 03.04.2017, about a day as ~2017-04-03, part of a "
        "month as 2017-04-early (middle, late), a month as 2017-04 or 04.2017, a season as "
        "2017-spring, a year as 2017, or “unknown”"
    )


def read_date(value: str) -> FuzzyDate:
    """A date in any of the forms above; BadDate if it is none of them."""
    text = value.strip()
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return FuzzyDate.of(DatePrecision.EXACT, year, month, day)
    found = _MONTH_YEAR.fullmatch(text)
    if found:
        month, year = (int(part) for part in found.groups())
        return FuzzyDate.of(DatePrecision.MONTH, year, month)
    try:
        return FuzzyDate.parse(text)
    except BadDate as bad:
        if re.fullmatch(r"~?\d{4}(-\S+)?", text.lower()):
            raise  # a text form with a wrong part: its own message says which
        raise BadDate(date_help()) from bad


# How finely each precision needs the date to be known (a higher number, finer).
_FINENESS = {
    DatePrecision.YEAR: 1,
    DatePrecision.SEASON: 2,
    DatePrecision.MONTH: 3,
    DatePrecision.PART_OF_MONTH: 4,
    DatePrecision.APPROXIMATE: 5,
    DatePrecision.EXACT: 5,
}


def _season_of(day: dt.date) -> tuple[int, str]:
    if day.month == 12:
        return day.year, Season.WINTER
    if day.month <= 2:
        return day.year - 1, Season.WINTER
    if day.month <= 5:
        return day.year, Season.SPRING
    if day.month <= 8:
        return day.year, Season.SUMMER
    return day.year, Season.AUTUMN


def _part_of(day: dt.date) -> str:
    if day.day <= 10:
        return MonthPart.EARLY
    return MonthPart.MIDDLE if day.day <= 20 else MonthPart.LATE


def at_precision(date: FuzzyDate, precision: str) -> FuzzyDate:
    """The date as precisely as the precision column says, if the date
    knows that much; BadDate if it does not."""
    if precision == DatePrecision.UNKNOWN:
        return FuzzyDate.unknown()
    anchor = date.anchor
    if anchor is None:
        raise BadDate(_("The precision needs a date."))
    have = _FINENESS[DatePrecision(date.precision)]
    if date.precision == DatePrecision.SEASON and precision == DatePrecision.SEASON:
        return date
    if have < _FINENESS[DatePrecision(precision)] or (
        date.precision == DatePrecision.SEASON and precision != DatePrecision.YEAR
    ):
        raise BadDate(_("The date does not say that much: give a fuller date."))
    if precision == DatePrecision.YEAR:
        return FuzzyDate.of(precision, anchor.year)
    if precision == DatePrecision.SEASON:
        year, season = _season_of(anchor)
        return FuzzyDate.of(precision, year, season=season)
    if precision == DatePrecision.MONTH:
        return FuzzyDate.of(precision, anchor.year, anchor.month)
    if precision == DatePrecision.PART_OF_MONTH:
        return FuzzyDate.of(precision, anchor.year, anchor.month, part=_part_of(anchor))
    return FuzzyDate.of(precision, anchor.year, anchor.month, anchor.day)


def read_day(value: str) -> dt.date:
    """A single day (a date a source reported on, a verification's date)."""
    date = read_date(value)
    if date.anchor is None or date.precision != DatePrecision.EXACT:
        raise BadDate(_("Give the day, as 2017-04-03 or 03.04.2017."))
    return date.anchor


# --- Places ------------------------------------------------------------------------

# The precision an area gives by its level in the places vocabulary.
_AREA_PRECISION = {level: precision for precision, level in PLACE_LEVELS.items()}


def read_place(precision: str | None, area: Term | None, detail: str) -> Place:
    """A Place from its columns. Without a precision: the area's own level,
    or an exact place when a detail says more; unknown when nothing is given.
    Raises BadPlace."""
    if precision is None:
        if area is None and not detail:
            return Place.unknown()
        if detail or area is None:
            precision = PlacePrecision.EXACT
        else:
            precision = _AREA_PRECISION.get(area.depth, PlacePrecision.EXACT)
    return Place.of(precision, area, detail)
