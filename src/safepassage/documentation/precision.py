"""Dates and places as precisely as they are known, and no more.

A witness says "early in April", "in the spring of 2017", "about the 3rd",
"in Argun" or "in a basement in Grozny". The Events Standard Formats keep a
type beside each date for this; here a date is a FuzzyDate, a precision and
the first day of what it names, and a place is a Place, a precision, an
area from the places vocabulary and, when more is known than the area
says, a detail that is encrypted.

Each value type has one text form, which it reads back exactly
(``FuzzyDate.parse(str(d)) == d``), one form as two database columns
(``to_db`` / ``from_db``), and a span of days (``earliest`` to ``latest``)
that filters by period use: an event "in April 2017" is found by a search
for 10 to 20 April, and one "about 3 April" by a search for late March.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

if TYPE_CHECKING:
    from safepassage.documentation.models.vocabulary import Term


class DatePrecision(models.TextChoices):
    EXACT = "exact", gettext_lazy("the exact day")
    APPROXIMATE = "approximate", gettext_lazy("about that day")
    PART_OF_MONTH = "part_of_month", gettext_lazy("part of a month")
    MONTH = "month", gettext_lazy("the month")
    SEASON = "season", gettext_lazy("the season")
    YEAR = "year", gettext_lazy("the year")
    UNKNOWN = "unknown", gettext_lazy("unknown")


class MonthPart(models.TextChoices):
    EARLY = "early", gettext_lazy("early (1st to 10th)")
    MIDDLE = "middle", gettext_lazy("middle (11th to 20th)")
    LATE = "late", gettext_lazy("late (21st to the end)")


class Season(models.TextChoices):
    SPRING = "spring", gettext_lazy("spring (March to May)")
    SUMMER = "summer", gettext_lazy("summer (June to August)")
    AUTUMN = "autumn", gettext_lazy("autumn (September to November)")
    WINTER = "winter", gettext_lazy("winter (December to February)")


# The first day of each part of a month, and of each season's first month.
PART_STARTS = {MonthPart.EARLY: 1, MonthPart.MIDDLE: 11, MonthPart.LATE: 21}
SEASON_STARTS = {Season.SPRING: 3, Season.SUMMER: 6, Season.AUTUMN: 9, Season.WINTER: 12}
# "About that day": the span searched around it, each way.
APPROXIMATE_DAYS = 15


class BadDate(ValueError):
    """A date that cannot be what its precision says; the message is for people."""


@dataclass(frozen=True)
class FuzzyDate:
    """A date as precisely as it is known. ``anchor`` is the first day of
    what it names (for "about" a day: the day itself), None when unknown.
    Make one with ``FuzzyDate.of``, which checks it."""

    precision: str
    anchor: dt.date | None

    @classmethod
    def unknown(cls) -> FuzzyDate:
        return cls(DatePrecision.UNKNOWN, None)

    @classmethod
    def exact(cls, day: dt.date) -> FuzzyDate:
        return cls(DatePrecision.EXACT, day)

    @classmethod
    def of(
        cls,
        precision: str,
        year: int | None = None,
        month: int | None = None,
        day: int | None = None,
        *,
        part: str = "",
        season: str = "",
    ) -> FuzzyDate:
        """The date these parts name at this precision; BadDate if a part
        it needs is missing or impossible (parts it does not need are ignored)."""
        if precision not in DatePrecision.values:
            raise BadDate(_("Choose how precisely the date is known."))
        if precision == DatePrecision.UNKNOWN:
            return cls.unknown()
        if year is None:
            raise BadDate(_("Give the year."))
        if not 1900 <= year <= 2200:
            raise BadDate(_("Give a year between 1900 and 2200."))
        if precision == DatePrecision.YEAR:
            return cls(precision, dt.date(year, 1, 1))
        if precision == DatePrecision.SEASON:
            if season not in SEASON_STARTS:
                raise BadDate(_("Choose the season."))
            return cls(precision, dt.date(year, SEASON_STARTS[Season(season)], 1))
        if month is None or not 1 <= month <= 12:
            raise BadDate(_("Give the month."))
        if precision == DatePrecision.MONTH:
            return cls(precision, dt.date(year, month, 1))
        if precision == DatePrecision.PART_OF_MONTH:
            if part not in PART_STARTS:
                raise BadDate(_("Choose the part of the month."))
            return cls(precision, dt.date(year, month, PART_STARTS[MonthPart(part)]))
        if day is None:
            raise BadDate(_("Give the day."))
        try:
            return cls(precision, dt.date(year, month, day))
        except ValueError:
            raise BadDate(_("That month has no such day.")) from None

    # --- Parts --------------------------------------------------------------

    @property
    def known(self) -> bool:
        return self.anchor is not None

    @property
    def part(self) -> str:
        if self.precision != DatePrecision.PART_OF_MONTH or self.anchor is None:
            return ""
        return next(str(p) for p, first in PART_STARTS.items() if first == self.anchor.day)

    @property
    def season(self) -> str:
        if self.precision != DatePrecision.SEASON or self.anchor is None:
            return ""
        return next(str(s) for s, first in SEASON_STARTS.items() if first == self.anchor.month)

    # --- The span of days it may be -------------------------------------------

    @property
    def earliest(self) -> dt.date | None:
        if self.anchor is None:
            return None
        if self.precision == DatePrecision.APPROXIMATE:
            return self.anchor - dt.timedelta(days=APPROXIMATE_DAYS)
        return self.anchor

    @property
    def latest(self) -> dt.date | None:
        a = self.anchor
        if a is None:
            return None
        if self.precision == DatePrecision.EXACT:
            return a
        if self.precision == DatePrecision.APPROXIMATE:
            return a + dt.timedelta(days=APPROXIMATE_DAYS)
        if self.precision == DatePrecision.YEAR:
            return dt.date(a.year, 12, 31)
        if self.precision == DatePrecision.MONTH:
            return _month_end(a.year, a.month)
        if self.precision == DatePrecision.PART_OF_MONTH:
            if a.day == PART_STARTS[MonthPart.LATE]:
                return _month_end(a.year, a.month)
            return a + dt.timedelta(days=9)
        # A season: three months from its first.
        year, month = (a.year + 1, 2) if a.month == 12 else (a.year, a.month + 2)
        return _month_end(year, month)

    # --- Text, database, page -----------------------------------------------

    def __str__(self) -> str:
        """The one text form: 2017-04-03, ~2017-04-03, 2017-04-early,
        2017-04, 2017-spring, 2017, or unknown."""
        a = self.anchor
        if a is None:
            return "unknown"
        if self.precision == DatePrecision.EXACT:
            return a.isoformat()
        if self.precision == DatePrecision.APPROXIMATE:
            return "~" + a.isoformat()
        if self.precision == DatePrecision.PART_OF_MONTH:
            return f"{a.year:04d}-{a.month:02d}-{self.part}"
        if self.precision == DatePrecision.MONTH:
            return f"{a.year:04d}-{a.month:02d}"
        if self.precision == DatePrecision.SEASON:
            return f"{a.year:04d}-{self.season}"
        return f"{a.year:04d}"

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Read the text form back; BadDate if it is not one."""
        value = text.strip().lower()
        if value in ("", "unknown"):
            return cls.unknown()
        found = _TEXT_FORM.fullmatch(value)
        if found is None:
            raise BadDate(
                _(
                    "Write a date as 2017-04-03, ~2017-04-03, 2017-04-early, 2017-04, "
                    "2017-spring or 2017."
                )
            )
        about, year, month, day, part, season = found.groups()
        year_number = int(year)
        month_number = int(month) if month else None
        if about:
            precision = DatePrecision.APPROXIMATE
        elif day:
            precision = DatePrecision.EXACT
        elif part:
            precision = DatePrecision.PART_OF_MONTH
        elif month:
            precision = DatePrecision.MONTH
        elif season:
            precision = DatePrecision.SEASON
        else:
            precision = DatePrecision.YEAR
        if about and not day:
            raise BadDate(_("“About” goes with a whole date, such as ~2017-04-03."))
        return cls.of(
            precision,
            year_number,
            month_number,
            int(day) if day else None,
            part=part or "",
            season=season or "",
        )

    def to_db(self) -> tuple[str, dt.date | None]:
        return str(self.precision), self.anchor

    @classmethod
    def from_db(cls, precision: str, anchor: dt.date | None) -> FuzzyDate:
        if anchor is None or precision == DatePrecision.UNKNOWN:
            return cls.unknown()
        return cls(DatePrecision(precision), anchor)

    def machine(self) -> str:
        """For an HTML ``<time datetime>``: the day, month or year it names."""
        a = self.anchor
        if a is None:
            return ""
        if self.precision in (DatePrecision.EXACT, DatePrecision.APPROXIMATE):
            return a.isoformat()
        if self.precision in (DatePrecision.MONTH, DatePrecision.PART_OF_MONTH):
            return f"{a.year:04d}-{a.month:02d}"
        return f"{a.year:04d}"

    def display(self) -> str:
        """In the reader's language and the project's date format."""
        a = self.anchor
        if a is None:
            return _("date unknown")
        if self.precision == DatePrecision.EXACT:
            return formats.date_format(a, "DATE_FORMAT")
        if self.precision == DatePrecision.APPROXIMATE:
            return _("about %(day)s") % {"day": formats.date_format(a, "DATE_FORMAT")}
        if self.precision == DatePrecision.MONTH:
            return formats.date_format(a, "YEAR_MONTH_FORMAT")
        if self.precision == DatePrecision.PART_OF_MONTH:
            # A month inside a phrase: Russian needs the genitive ("E").
            month = formats.date_format(a, pgettext("date format of a month in a phrase", "F Y"))
            words = {
                MonthPart.EARLY: _("early %(month)s"),
                MonthPart.MIDDLE: _("mid-%(month)s"),
                MonthPart.LATE: _("late %(month)s"),
            }
            return words[MonthPart(self.part)] % {"month": month}
        if self.precision == DatePrecision.SEASON:
            names = {
                Season.SPRING: _("spring %(year)s"),
                Season.SUMMER: _("summer %(year)s"),
                Season.AUTUMN: _("autumn %(year)s"),
                Season.WINTER: _("winter %(year)s"),
            }
            year = f"{a.year}\u2013{a.year + 1}" if self.season == Season.WINTER else str(a.year)
            return names[Season(self.season)] % {"year": year}
        return str(a.year)


_TEXT_FORM = re.compile(
    r"(~)?(\d{4})(?:-(\d{2})(?:-(\d{2})|-(early|middle|late))?|-(spring|summer|autumn|winter))?"
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# --- Places --------------------------------------------------------------------


class PlacePrecision(models.TextChoices):
    EXACT = "exact", gettext_lazy("an exact place (an address, a building)")
    LOCALITY = "locality", gettext_lazy("a town or village")
    DISTRICT = "district", gettext_lazy("a district or city")
    REGION = "region", gettext_lazy("a region")
    COUNTRY = "country", gettext_lazy("a country")
    UNKNOWN = "unknown", gettext_lazy("unknown")


# How fine each precision is, as the places vocabulary's levels: country
# (1), region (2), district or city (3), town or village (4); an exact
# place is finer than any area.
PLACE_LEVELS = {
    PlacePrecision.COUNTRY: 1,
    PlacePrecision.REGION: 2,
    PlacePrecision.DISTRICT: 3,
    PlacePrecision.LOCALITY: 4,
    PlacePrecision.EXACT: 5,
}


class BadPlace(ValueError):
    """A place whose parts do not agree; the message is for people."""


@dataclass(frozen=True)
class Place:
    """Where something happened, as precisely as it is known.

    ``area`` is a term of the places vocabulary: plaintext, so lists can be
    filtered by it. It may be coarser than what is known (a documenter
    may keep a small village out of plaintext by choosing its district);
    what is known beyond the area is the ``detail``, which is encrypted.
    So: no area nor detail when unknown; an area no finer than the
    precision; a detail whenever the precision is finer than the area."""

    precision: str
    area: Term | None = None
    detail: str = ""

    @classmethod
    def unknown(cls) -> Place:
        return cls(PlacePrecision.UNKNOWN)

    @classmethod
    def of(cls, precision: str, area: Term | None = None, detail: str = "") -> Place:
        detail = detail.strip()
        if precision not in PlacePrecision.values:
            raise BadPlace(_("Choose how precisely the place is known."))
        if precision == PlacePrecision.UNKNOWN:
            if area is not None or detail:
                raise BadPlace(_("An unknown place has no area and no detail."))
            return cls.unknown()
        if area is None and precision != PlacePrecision.EXACT:
            raise BadPlace(_("Choose the area."))
        if area is not None and area.vocabulary.key != "place":
            raise BadPlace(_("Choose the area from the places."))
        level = PLACE_LEVELS[PlacePrecision(precision)]
        if area is not None and area.depth > level:
            raise BadPlace(_("The area is more precise than the precision chosen."))
        if (area is None or area.depth < level) and not detail:
            raise BadPlace(
                _("Say where, in the detail: the precision is finer than the area chosen.")
            )
        return cls(PlacePrecision(precision), area, detail)

    @property
    def known(self) -> bool:
        return self.precision != PlacePrecision.UNKNOWN

    def to_parts(self) -> tuple[str, str, str]:
        """(precision, area code, detail): the form imports and exports use."""
        return str(self.precision), self.area.code if self.area else "", self.detail

    def display(self, language: str | None = None) -> str:
        """The area's names from the region down, and the detail if given."""
        if not self.known:
            return _("place unknown")
        names: list[str] = []
        term = self.area
        while term is not None and term.depth > 1:
            names.insert(0, term.label(language))
            term = term.parent
        if term is not None and not names:
            names.append(term.label(language))
        if self.detail:
            names.append(self.detail)
        return ", ".join(names)
