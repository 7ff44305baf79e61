"""Births and ages as victim lists write them, read strictly enough to tell
a date from a typo.

A birth is a date (in any of the ways periods.py reads: "12.03.1987",
"1987-03-12", "12 марта 1987", "XX/XX/1987", "01/01/1987" for an unknown
day), a month, a year ("1987", "~1987", "1994 г.р.", "1994 года рождения",
"b. 1994", "né en 1994") or years ("1993-1994", "1990-е", "1990s"), or an
age. An age is a number, with or without a unit ("28", "28 лет", "21 год",
"28 years old", "28-year-old", "30 ans", "28-летний"), approximate ("около
30", "~30", "лет 30", "about 30", "environ 30 ans": three years either side), a range
("20-25 лет") or a decade ("in his 20s", "early 30s", "la trentaine"). An
age says when someone was born only with the date it refers to: at
linkage, the record's `age_date` (a publication date), else the date of the
events, else the run's year; it becomes a range of birth years. What cannot
be read raises Unreadable: the importer names it as a problem of its row,
and linkage never guesses from it.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from safepassage.analysis.periods import (
    Period,
    Unreadable,
    normal,
    read_period,
)

OLDEST = 120
# Either side of an approximate age.
ABOUT = 3

__all__ = [
    "Age",
    "Birth",
    "Reading",
    "Unreadable",
    "birth_of",
    "birth_range",
    "birth_year",
    "read_age",
    "read_birth",
    "read_event_date",
    "read_sex",
]


@dataclass(frozen=True)
class Age:
    """Years of age, from `low` to `high` (the same for an exact age)."""

    low: int
    high: int
    approximate: bool = False

    def born(self, at: Period) -> tuple[int, int]:
        """The birth years this age allows at the days of `at`: 28 on
        15.03.2017 was born in 1988 or 1989."""
        return at.first.year - self.high - 1, at.last.year - self.low


# ("лет 30": the Russian word for years put first says "about".)
APPROXIMATELY = (
    r"(?:~|≈|\+/-|около|примерно|приблизительно|ок\.?|лет|about|around|approx\w*|roughly|"
    r"circa|ca\.?|c\.|some|environ|env\.?|vers|etwa|ungefahr|rund)"
)
YEARS = (
    r"(?:лет|год|года|г\.?|years?(?:\s+old)?|-?\s*years?-old|yrs?\.?(?:\s+old)?|y\.?\s*o\.?|"
    r"ans?|jahre?(?:\s+alt)?|-?\s*летн\w*|-?\s*х?\s*летн\w*)"
)
# The case ending Russian writes after a number ("30-ти лет", "25-и лет").
NUMBER_ENDING = r"(?:-?(?:ти|ми|и|х|ух|ох))?"
AGED = r"(?:aged|age|в\s+возрасте|возраст|agee?\s+de|age\s+de|im\s+alter\s+von)"
AGE = re.compile(
    rf"^(?:{AGED}\s*)?(?P<about>{APPROXIMATELY}\s*)?(?P<n>\d{{1,3}}){NUMBER_ENDING}"
    rf"(?:\s*-\s*(?P<m>\d{{1,3}}){NUMBER_ENDING})?"
    rf"\s*{YEARS}?\.?$"
)
UNDER = re.compile(rf"^(?:под|almost|nearly|presque|fast)\s*(?P<n>\d{{1,3}})\s*{YEARS}?$")
OVER = re.compile(
    rf"^(?:за|более|старше|больше|over|more\s+than|older\s+than|plus\s+de|uber)\s*"
    rf"(?P<n>\d{{1,3}})\s*{YEARS}?\+?$|^(?P<plus>\d{{1,3}})\s*\+\s*{YEARS}?$"
)
DECADE_NUMBER = re.compile(
    r"^(?:in\s+(?:his|her|their)\s+)?(?P<part>early|mid|mid-|late)?\s*-?\s*(?P<n>[1-9]0)'?s$"
)
DECADE_WORDS = {
    "teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "vingtaine": 20, "trentaine": 30, "quarantaine": 40, "cinquantaine": 50,
    "soixantaine": 60,
}  # fmt: skip
DECADE_WORD = re.compile(
    r"^(?:in\s+(?:his|her|their)\s+)?(?:une\s+|la\s+)?(?P<part>early|mid|mid-|late)?\s*-?\s*"
    r"(?P<word>[a-z]+)(?:\s+d'annees|\s+d'ans)?$"
)
PARTS = {None: (0, 9), "early": (0, 3), "mid": (4, 6), "mid-": (4, 6), "late": (7, 9)}
# Words that mark a value as a year of birth ("1994 г.р.", "b. 1994").
BORN = re.compile(
    r"\b(?:г\.?\s*р\.?|года\s+рождения|г\.\s*рожд\.?|рожд\w*|род\.?|р\.|born(?:\s+in|\s+on)?|b\.|"
    r"nee?(?:\s+en|\s+le)?|geboren(?:\s+am|\s+im)?|geb\.)(?=\s|$|\d)"
)


def _unsure(value: str) -> str:
    """ "1990?", "30?": a value its writer was not sure of, read as approximate."""
    if value.endswith("?") and re.search(r"\d", value):
        return "~" + value.rstrip("? ")
    return value


@functools.lru_cache(maxsize=1 << 16)
def read_age(text: str) -> Age | None:
    """An age as written; None for nothing."""
    value = _unsure(normal(text).strip(" .,"))
    if not value:
        return None
    if match := AGE.match(value):
        low = int(match["n"])
        high = int(match["m"]) if match["m"] else low
        if high < low or high > OLDEST:
            raise Unreadable
        if match["about"]:
            return Age(max(0, low - ABOUT), high + ABOUT, True)
        return Age(low, high)
    if match := UNDER.match(value):
        years = int(match["n"])
        return Age(max(0, years - ABOUT), max(0, years - 1), True)
    if match := OVER.match(value):
        years = int(match["n"] or match["plus"])
        return Age(years + 1, years + 2 * ABOUT, True)
    if match := DECADE_NUMBER.match(value):
        return _decade(int(match["n"]), match["part"])
    if (match := DECADE_WORD.match(value)) and match["word"] in DECADE_WORDS:
        decade = DECADE_WORDS[match["word"]]
        if decade == 10:  # teens
            return Age(13, 19, True)
        return _decade(decade, match["part"])
    raise Unreadable


def _decade(decade: int, part: str | None) -> Age:
    first, last = PARTS[part]
    return Age(decade + first, decade + last, True)


@dataclass(frozen=True)
class Birth:
    """A birth as a record gives it: the days it allows, or an age."""

    period: Period | None = None
    age: Age | None = None


@functools.lru_cache(maxsize=1 << 16)
def birth_of(text: str, today: datetime.date | None = None) -> Birth | None:
    """A birth column's value: a date, a month, a year or years, or an age
    (a number of at most three digits is an age); None for nothing."""
    value = normal(text).strip(" .,")
    if not value:
        return None
    value = _unsure(value)
    if re.fullmatch(r"\d{1,3}", value) or not re.search(r"\d{4}", value):
        # No year in it: an age, or nothing readable.
        try:
            age = read_age(value)
        except Unreadable:
            period = read_period(value, today, words=False)
            if period is not None and not period.year_given:
                raise Unreadable from None
            return Birth(period=period) if period else None
        return Birth(age=age) if age else None
    decade = re.fullmatch(r"(?P<y>\d{3}0)(?:-?е|s|'s|-х)", value) or re.fullmatch(
        r"annees\s+(?P<y>\d{3}0)", value
    )
    if decade:
        first = int(decade["y"])
        return Birth(period=read_period(f"{first}-{first + 9}", today))
    cleaned = " ".join(BORN.sub(" ", value).split())
    return Birth(period=read_period(cleaned, today, words=False))


SEXES = {
    "m": "m", "male": "m", "man": "m", "masculin": "m", "homme": "m", "h": "m", "mann": "m",
    "männlich": "m", "м": "m", "муж": "m", "мужской": "m", "мужчина": "m",
    "f": "f", "female": "f", "woman": "f", "féminin": "f", "feminin": "f", "femme": "f",
    "weiblich": "f", "frau": "f", "w": "f", "ж": "f", "жен": "f", "женский": "f",
    "женщина": "f",
}  # fmt: skip


def read_sex(text: str) -> str | None:
    """ "m" or "f" as a list writes them in Russian, English, French or
    German; "" for nothing; None for what is not a sex."""
    value = " ".join(str(text).casefold().split()).strip(" .")
    if not value:
        return ""
    return SEXES.get(value)


def read_event_date(text: str, today: datetime.date | None = None) -> Period | None:
    """The date of the events (or that an age refers to): a period."""
    return read_period(text, today, words=True)


def birth_range(
    birth: Birth | None, age: Age | None, at: Period | None
) -> tuple[int | None, int | None]:
    """The first and last year a person can have been born in, from a birth
    as written or an age at `at`; (None, None) if neither says."""
    if birth is not None and birth.period is not None:
        return birth.period.first.year, birth.period.last.year
    age = age or (birth.age if birth is not None else None)
    if age is None or at is None or not at.year_given:
        return None, None
    return age.born(at)


@dataclass(frozen=True)
class Reading:
    """What a birth column says, in the words of a page: nothing, a date,
    a month, a year or an age (kept for the review page's wording)."""

    kind: str  # "empty", "date", "month", "year", "age"
    year: int | None = None
    approximate: bool = False
    age: int | None = None


def read_birth(text: str, today: datetime.date | None = None) -> Reading:
    """A birth as one of the kinds a page words differently."""
    birth = birth_of(text, today)
    if birth is None:
        return Reading("empty")
    if birth.age is not None:
        middle = (birth.age.low + birth.age.high) // 2
        return Reading("age", None, birth.age.approximate, middle)
    period = birth.period
    assert period is not None  # noqa: S101 - a birth is an age or a period
    if period.exact:
        kind = "date"
    elif period.first.month == period.last.month and period.first.year == period.last.year:
        kind = "month"
    else:
        kind = "year"
    return Reading(kind, period.first.year, period.approximate)


def birth_year(text: str, reference_year: int) -> tuple[int | None, bool]:
    """(year, approximate) of a birth, an age counting back from the middle
    of the year the list refers to; (None, False) for nothing or what
    cannot be read."""
    try:
        birth = birth_of(text)
    except Unreadable:
        return None, False
    if birth is None:
        return None, False
    if birth.age is not None:
        middle = (birth.age.low + birth.age.high) // 2
        return reference_year - middle, True
    assert birth.period is not None  # noqa: S101
    period = birth.period
    return period.first.year, period.approximate or (
        not period.exact and (period.first.year != period.last.year)
    )
