"""Ages and dates as victim lists write them, read strictly enough to tell
a date from a typo.

A birth is a date (day-month-year, or year-month-day), a month and year, a
year ("1987", "~1987", "c. 1987") or an age ("30", "~30 years", "около 30
лет", "30 ans"). The date of the events is a date, a month and year, or a
year, words around it allowed ("spring 2017", "апрель 2017", "2017-2018").
Months may be written in English, Russian or French. What cannot be read
("31/31/1990", "12.03.87", "unknown") raises Unreadable: the importer
names it as a problem of its row, and linkage never guesses from it.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

# Years a birth or an event can fall in.
FIRST_YEAR, LAST_YEAR = 1900, 2099
OLDEST = 120

# A leading word or sign that makes a value approximate.
APPROXIMATE = re.compile(
    r"^(?:~|≈|\+/-|c\.|ca\.?|circa|about|approx\.?|approximately|около|примерно|ок\.|"
    r"env\.?|environ|vers)\s*",
    re.IGNORECASE,
)
AGE = re.compile(
    r"^(\d{1,3})\s*(?:years?(?:\s+old)?|y\.?\s*o\.?|yrs?\.?|г\.?|год|года|лет|ans?)?$",
    re.IGNORECASE,
)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{4})$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})(?:[ T]\d\d:\d\d(?::\d\d)?)?$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[./\-](\d{4})$")
YEAR_MONTH = re.compile(r"^(\d{4})[./\-](\d{1,2})$")
DAY_NAME_YEAR = re.compile(r"^(\d{1,2})\s+(\w+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года?))?$")
NAME_DAY_YEAR = re.compile(r"^(\w+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
NAME_YEAR = re.compile(r"^(\w+)\.?\s+(\d{4})(?:\s*(?:г\.?|года?))?$")
DIGITS = re.compile(r"\d+")

# Months by the start of their name (lower case, accents dropped: "févr."
# is "fevr", "май" is "маи"), in English, Russian and French.
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "janv": 1, "fevr": 2, "fev": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6, "juil": 7,
    "aout": 8, "sept": 9,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "маи": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip


class Unreadable(ValueError):
    """A value that is not what its column holds; ``later`` if it is a date
    after today."""

    def __init__(self, later: bool = False) -> None:
        super().__init__("after today" if later else "unreadable")
        self.later = later


@dataclass(frozen=True)
class Reading:
    """What a value says: nothing, a date, a month, a year or an age."""

    kind: str  # "empty", "date", "month", "year", "age"
    year: int | None = None
    approximate: bool = False
    age: int | None = None


EMPTY = Reading("empty")


def read_birth(text: str, today: datetime.date | None = None) -> Reading:
    """A birth: a date, a month and year, a year or an age."""
    value, approximate = _approximate(text)
    if not value:
        return EMPTY
    age = AGE.match(value)
    if age:
        years = int(age.group(1))
        if years > OLDEST:
            raise Unreadable
        return Reading("age", None, approximate, years)
    return _date(value, approximate, today, words=False)


def read_event_date(text: str, today: datetime.date | None = None) -> Reading:
    """The date of the events: a date, a month and year or a year, with
    words around a year allowed."""
    value, approximate = _approximate(text)
    if not value:
        return EMPTY
    return _date(value, approximate, today, words=True)


def _approximate(text: str) -> tuple[str, bool]:
    value = " ".join(str(text).split())
    stripped = APPROXIMATE.sub("", value, count=1)
    return stripped, stripped != value


def _date(value: str, approximate: bool, today: datetime.date | None, *, words: bool) -> Reading:
    today = today or datetime.date.today()
    reading = _exact(value, approximate)
    if reading is None:
        reading = _year_among_words(value, approximate, allow_words=words)
    if reading.year is not None and reading.year > today.year:
        raise Unreadable(later=True)
    return reading


def _exact(value: str, approximate: bool) -> Reading | None:
    """A date or a month written in one of the usual ways, checked."""
    if match := DAY_MONTH_YEAR.match(value):
        day, month, year = (int(part) for part in match.groups())
        return _day(year, month, day, approximate)
    if match := YEAR_MONTH_DAY.match(value):
        year, month, day = (int(part) for part in match.groups())
        return _day(year, month, day, approximate)
    if match := MONTH_YEAR.match(value):
        return _month(int(match.group(2)), int(match.group(1)), approximate)
    if match := YEAR_MONTH.match(value):
        return _month(int(match.group(1)), int(match.group(2)), approximate)
    if match := DAY_NAME_YEAR.match(value):
        named = _month_named(match.group(2))
        if named:
            return _day(int(match.group(3)), named, int(match.group(1)), approximate)
    if match := NAME_DAY_YEAR.match(value):
        named = _month_named(match.group(1))
        if named:
            return _day(int(match.group(3)), named, int(match.group(2)), approximate)
    if match := NAME_YEAR.match(value):
        named = _month_named(match.group(1))
        if named:
            return _month(int(match.group(2)), named, approximate)
    return None


def _year_among_words(value: str, approximate: bool, *, allow_words: bool) -> Reading:
    """A year on its own, or (events) years among words: every number in
    the value must then be a year."""
    numbers = DIGITS.findall(value)
    if not numbers or any(len(n) != 4 or not FIRST_YEAR <= int(n) <= LAST_YEAR for n in numbers):
        raise Unreadable
    if value == numbers[0]:
        return Reading("year", int(value), approximate)
    if not allow_words:
        raise Unreadable
    return Reading("year", int(numbers[0]), True)


def _day(year: int, month: int, day: int, approximate: bool) -> Reading:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Unreadable
    try:
        datetime.date(year, month, day)
    except ValueError:
        raise Unreadable from None
    return Reading("date", year, approximate)


def _month(year: int, month: int, approximate: bool) -> Reading:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Unreadable
    return Reading("month", year, approximate)


def _month_named(word: str) -> int | None:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).rstrip(".")
    for length in (4, 3):
        found = MONTHS.get(folded[:length])
        if found and len(folded) >= 3:
            return found
    return None


@functools.lru_cache(maxsize=1 << 16)  # lists repeat the same values many times
def birth_year(text: str, reference_year: int) -> tuple[int | None, bool]:
    """(year, approximate) of a birth, an age counting back from the year
    the list refers to; (None, False) for nothing or what cannot be read."""
    try:
        reading = read_birth(text)
    except Unreadable:
        return None, False
    if reading.kind == "age" and reading.age is not None:
        return reference_year - reading.age, True
    return reading.year, reading.approximate
