"""Dates counted back from the day they were written, as the press writes
them in Russian, English, French and German: "вчера", "три дня назад",
"на прошлой неделе", "в прошлом месяце", "в понедельник"; "yesterday",
"two weeks ago", "last month", "on Monday"; "hier", "il y a trois jours",
"la semaine dernière", "lundi dernier"; "gestern", "vor zwei Wochen",
"letzten Monat", "am Montag".

Each is read as a `Back`: how far back, counted in days, in calendar
months, or as the latest weekday of its name. It becomes days once the day
it was written is known (a record's date of publication); without one it
cannot be placed. A number of weeks or months ago is approximate: "two
weeks ago" is 12 to 16 days back, "a month ago" 20 to 40.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from safepassage.analysis.numerals import in_digits

# How much an "N weeks ago" or "N months ago" may be off, in days.
WEEKS_OFF = 2
MONTHS_OFF = 10
# "A few days ago", "на днях": one to ten days back.
FEW_DAYS = (1, 10)

ONE = r"(?:a|an|one|un|une|ein|einem|einer)"
AGO_RU = r"(?:\s+тому)?\s+назад"
# A time of day after a day ("вчера вечером", "yesterday morning").
TIME_OF_DAY = (
    r"(?:\s*,?\s*(?:утром|днем|вечером|рано\s+утром|поздно\s+вечером|in\s+the\s+(?:morning|"
    r"afternoon|evening)|morning|afternoon|evening|au\s+matin|matin|soir|apres-midi|dans\s+la\s+"
    r"soiree|morgen|abend|nachmittag|fruh|am\s+abend|am\s+morgen))?"
)
WEEKDAYS = (
    ("понедельник", "monday", "lundi", "montag"),
    ("вторник", "tuesday", "mardi", "dienstag"),
    ("сред[ау]", "wednesday", "mercredi", "mittwoch"),
    ("четверг", "thursday", "jeudi", "donnerstag"),
    ("пятниц[ау]", "friday", "vendredi", "freitag"),
    ("суббот[ау]", "saturday", "samedi", "samstag"),
    ("воскресенье", "sunday", "dimanche", "sonntag"),
)


@dataclass(frozen=True)
class Back:
    """How far back from the day written: `unit` "day" (fewest to most
    days), "month" (fewest to most calendar months), "weekday" (the
    latest day of that weekday, Monday 0, in `fewest`) or "weekend" (the
    last Saturday and Sunday before it)."""

    unit: str
    fewest: int
    most: int
    approximate: bool = False
    # For "month": the days of the month it covers ("в конце прошлого
    # месяца": the 20th to its end).
    days: tuple[int, int] = (1, 31)

    def from_days(
        self, first: datetime.date, last: datetime.date
    ) -> tuple[datetime.date, datetime.date]:
        """The first and last day it allows, counted back from a day
        between `first` and `last` (a publication's date, or its month)."""
        if self.unit == "day":
            return first - datetime.timedelta(days=self.most), last - datetime.timedelta(
                days=self.fewest
            )
        if self.unit == "weekend":
            # The Saturday and Sunday before the day written.
            saturday = _latest(first - datetime.timedelta(days=1), 5)
            end = _latest(last - datetime.timedelta(days=1), 5) + datetime.timedelta(days=1)
            return saturday, min(end, last)
        if self.unit == "month":
            start = _months_back(first, self.most).replace(day=self.days[0])
            end = _months_back(last, self.fewest)
            end = end.replace(day=min(self.days[1], calendar.monthrange(end.year, end.month)[1]))
            return start, min(end, last)
        return _latest(first, self.fewest), _latest(last, self.fewest)


def _months_back(day: datetime.date, months: int) -> datetime.date:
    month = day.year * 12 + day.month - 1 - months
    return datetime.date(month // 12, month % 12 + 1, 1)


def _latest(day: datetime.date, weekday: int) -> datetime.date:
    """The latest day of `weekday` on or before `day`."""
    return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)


def _count(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


def _days(match: re.Match[str]) -> Back:
    days = _count(match["n"])
    return Back("day", days, days)


def _weeks(match: re.Match[str]) -> Back:
    days = 7 * _count(match["n"])
    return Back("day", max(1, days - WEEKS_OFF), days + WEEKS_OFF, approximate=True)


def _months(match: re.Match[str]) -> Back:
    days = 30 * _count(match["n"])
    return Back("day", days - MONTHS_OFF, days + MONTHS_OFF, approximate=True)


def _fixed(
    unit: str, fewest: int, most: int, approximate: bool = False, days: tuple[int, int] = (1, 31)
) -> Callable[[re.Match[str]], Back]:
    return lambda _match: Back(unit, fewest, most, approximate, days)


LAST_MONTH = (
    r"(?:прошлого\s+месяца|last\s+month|du\s+mois\s+(?:dernier|passe)"
    r"|(?:letzten|vergangenen)\s+monats)"
)


N = rf"(?P<n>\d{{1,2}}|{ONE})"
AGO = (  # a number before a unit and a word for "ago", in each language's order
    rf"(?:(?P<n>\d{{1,2}}|{ONE})\s+)?{{ru}}{AGO_RU}",
    rf"{N}\s+{{en}}\s+ago",
    rf"il\s+y\s+a\s+{N}\s+{{fr}}",
    rf"vor\s+{N}\s+{{de}}",
)
UNITS = {
    "days": {"ru": r"(?:дн\w*|день|сут\w*)", "en": "days?", "fr": "jours?", "de": "tag(?:en)?"},
    "weeks": {"ru": r"недел\w*", "en": "weeks?", "fr": "semaines?", "de": "wochen?"},
    "months": {"ru": r"месяц\w*", "en": "months?", "fr": "mois", "de": "monat(?:en)?"},
}
READ_AGO = {"days": _days, "weeks": _weeks, "months": _months}
FIXED: tuple[tuple[str, Callable[[re.Match[str]], Back]], ...] = (
    # Two days back before one: "позавчера" holds "вчера".
    (r"позавчера|the\s+day\s+before\s+yesterday|avant-hier|vorgestern", _fixed("day", 2, 2)),
    (r"вчера|yesterday|hier|gestern", _fixed("day", 1, 1)),
    (r"сегодня|today|earlier\s+today|aujourd'hui|heute", _fixed("day", 0, 0)),
    (
        r"прошлой\s+ночью|вчера\s+ночью|last\s+night|la\s+nuit\s+derniere|letzte\s+nacht|"
        r"gestern\s+nacht",
        _fixed("day", 0, 1),
    ),
    (
        rf"(?:несколько|пару|пар[ау])\s+(?:дн\w*|сут\w*){AGO_RU}|на\s+днях|(?:a\s+few|several|"
        r"a\s+couple\s+of)\s+days\s+ago|the\s+other\s+day|il\s+y\s+a\s+quelques\s+jours|"
        r"vor\s+(?:einigen|wenigen|ein\s+paar)\s+tagen",
        _fixed("day", *FEW_DAYS, approximate=True),
    ),
    # Last week is the week before this one: one to thirteen days back,
    # whatever the day of the week it was written on.
    (
        r"(?:на\s+)?прошлой\s+неделе|last\s+week|la\s+semaine\s+(?:derniere|passee)|"
        r"(?:letzte|vergangene|letzten|vergangenen)\s+woche",
        _fixed("day", 1, 13),
    ),
    (
        r"(?:на\s+)?(?:этой|этой\s+же|текущей)\s+неделе|(?:earlier\s+)?this\s+week|"
        r"cette\s+semaine|diese\s+woche|dieser\s+woche",
        _fixed("day", 0, 6),
    ),
    # A part of last month, as a month is parted ("в конце прошлого месяца",
    # "late last month", "fin du mois dernier", "Ende letzten Monats").
    (
        rf"(?:в\s+|au\s+)?(?:начале|early|debut|anfang)\s+{LAST_MONTH}",
        _fixed("month", 1, 1, days=(1, 10)),
    ),
    (
        rf"(?:в\s+|a\s+la\s+)?(?:середине|mid-?|mi-?|mitte)\s*{LAST_MONTH}",
        _fixed("month", 1, 1, days=(10, 20)),
    ),
    (
        rf"(?:в\s+|a\s+la\s+)?(?:конце|late|fin|ende)\s+{LAST_MONTH}",
        _fixed("month", 1, 1, days=(20, 31)),
    ),
    (
        r"(?:в\s+)?прошлом\s+месяце|last\s+month|le\s+mois\s+(?:dernier|passe)|"
        r"(?:letzten|vergangenen)\s+monat",
        _fixed("month", 1, 1),
    ),
    (
        r"(?:в|на)\s+(?:минувшие\s+|прошлые\s+|прошедшие\s+)?выходн\w*|(?:over\s+|on\s+)?"
        r"(?:last|the\s+past|this\s+past|the)\s+weekend|(?:le|ce)\s+week-?end(?:\s+dernier)?|"
        r"(?:am\s+)?(?:letzten|vergangenen)\s+wochenende|letztes\s+wochenende|am\s+wochenende",
        _fixed("weekend", 0, 0),
    ),
    (
        r"(?:в\s+)?(?:этом|текущем)\s+месяце|(?:earlier\s+)?this\s+month|ce\s+mois-ci|"
        r"diesen\s+monat",
        _fixed("month", 0, 0),
    ),
)


def _with_unit(form: str, words: dict[str, str]) -> str:
    for language, word in words.items():
        form = form.replace("{" + language + "}", word)
    return form


FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Back]]] = [
    (re.compile(rf"(?:{pattern}){TIME_OF_DAY}"), read) for pattern, read in FIXED
] + [
    (re.compile(rf"(?:{_with_unit(form, words)}){TIME_OF_DAY}"), READ_AGO[unit])
    for unit, words in UNITS.items()
    for form in AGO
]
WEEKDAY = re.compile(
    r"(?:(?:в|во|on|am|le)\s+)?(?:(?:прошл\w*|last|letzten|vergangenen)\s+)?"
    r"(?P<day>"
    + "|".join(f"(?P<w{i}>{'|'.join(names)})" for i, names in enumerate(WEEKDAYS))
    + r")(?:\s+(?:dernier|passe))?"
    + TIME_OF_DAY
)
# A word every form above holds one of: values without any are not dates
# counted back, and are passed over without the longer reading.
HINT = re.compile(
    r"вчера|сегодня|назад|днях|ночью|недел|месяц|выходн|ago|yesterday|today|night|week|month|the\s+other"
    r"|hier|aujourd|il\s+y\s+a|semaine|mois|nuit|gestern|heute|vor\s|nacht|woche|monat|"
    + "|".join(name for names in WEEKDAYS for name in names)
)
LEADING = re.compile(r"^(?:(?:около|примерно|about|around|approximately|environ|etwa|ungefahr)\s+)")


def read_back(value: str) -> Back | None:
    """A date counted back from the day it was written, if `value` (already
    normal) is one; None otherwise."""
    if not HINT.search(value):
        return None
    text = in_digits(value).strip(" .,;")
    text, about = LEADING.sub("", text), bool(LEADING.match(text))
    for pattern, read in FORMS:
        if match := pattern.fullmatch(text):
            back = read(match)
            return replace(back, approximate=back.approximate or about)
    if match := WEEKDAY.fullmatch(text):
        weekday = next(i for i in range(7) if match[f"w{i}"])
        return Back("weekday", weekday, weekday, about)
    return None
