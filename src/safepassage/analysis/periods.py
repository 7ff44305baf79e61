"""Dates as victim lists write them, each read as the span of days it allows.

"12.04.2017", "2017-04-12", "12 апреля 2017 г.", "April 12, 2017",
"12 avril 2017" and "12. April 2017" are one day, and so is "12.04.17"
(two digits of a year are the latest century that is not in the future:
"15.03.90" is 1990); "04/25/2017" is read month first because no month is
25; "03/04/2017" is the 3rd of April, and the 4th of March is kept beside
it (`swapped`) for comparisons. "XX.04.2017", "00.04.2017", "?.?.2017",
"2017-XX-XX" and "01.01.2017" (a placeholder files put for an unknown day)
are the month or the year. A month ("апрель 2017", "04.2017", "avril 2017"), part of one
("в конце марта 2017", "mid-March", "début mars", "первая половина марта"),
a season ("весна 2017", "printemps 2017", "winter 2018-19"), a quarter
("2017-Q2", "II квартал 2017", "T2 2017"), part of a year ("late 2017",
"в первой половине 2017 года", "второе полугодие 2017") and a year are
spans of days. A bound alone ("before April 2017", "после 8 марта 2017")
is the year on that side of it, approximate. A decade ("2000-е", "the
2000s", "les années 2000", "в 90-е") is ten years and its start, middle or
end four ("в конце 1990-х": 1996-1999); a ten-day period of a month ("во
второй декаде марта") its ten days; a part of a season ("late summer",
"Spätsommer") half of it, an end half a month longer. A night ("в ночь на 12
марта", "in der Nacht zum 12. März") is the day named and the one before
it, or the two days it joins ("dans la nuit du 11 au 12 mars"); a time of
day after a date ("12.03.2017 05:00") is dropped; "12.III.2017" has a
Roman month. A date without its year ("в конце марта", "весной", "12
марта", "12.03") is a span in a year to
be said later (`in_year`): the linkage places it in the year of the
record's other dates or of the run; "of last year" ("в марте прошлого
года", "летом прошлого года", "in March of last year") marks it as of the
year before the one it was written in (`years_back`), where "last March"
is the most recent March, as any month without its year. Blank and the
words lists use for "unknown" are nothing; anything else raises
Unreadable, and the importer names it.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from safepassage.analysis.relative_dates import Back, read_back

FIRST_YEAR, LAST_YEAR = 1900, 2099
# A year stood in for when the year is not given (a leap year, after one
# that is not, so that a winter's December falls in the year before).
NO_YEAR = 2001
# Alternatives ("27.02.2017 или 28.02.2017").
OR = re.compile(r"\s+(?:or|или|либо|ou|oder)\s+")


class Unreadable(ValueError):
    """A value that is not what its column holds; ``later`` if it is a date
    after today."""

    def __init__(self, later: bool = False) -> None:
        super().__init__("after today" if later else "unreadable")
        self.later = later


@dataclass(frozen=True)
class Period:
    """The days a written date allows, first and last included."""

    first: datetime.date
    last: datetime.date
    # The day with day and month swapped (03/04/2017), if that is a date too.
    swapped: datetime.date | None = None
    year_given: bool = True
    approximate: bool = False
    # A date without its year said to be of the year before the one it was
    # written in ("в марте прошлого года", "in March of last year"): 1.
    years_back: int = 0
    # A date counted back from the day it was written ("три дня назад",
    # "last week"): placed by `counted_from` once that day is known.
    back: Back | None = None

    @property
    def exact(self) -> bool:
        return self.first == self.last

    def counted_from(self, written: Period) -> Period:
        """A date counted back (`back`) placed before the day it was
        written, or within the days `written` allows."""
        if self.back is None:
            raise ValueError("not a date counted back")
        first, last = self.back.from_days(written.first, written.last)
        return Period(first, last, approximate=self.approximate)

    def in_year(self, year: int) -> Period:
        """A period without its year, placed in `year` (one that has it is
        returned as it is)."""
        if self.year_given:
            return self
        shift = year - NO_YEAR
        return replace(
            self,
            first=_shift(self.first, shift),
            last=_shift(self.last, shift),
            year_given=True,
        )


def _shift(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Month names by their start (lower case, accents dropped), in Russian,
# English, French and German.
MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "janv": 1, "fev": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6, "juil": 7, "aou": 8,
    "sept": 9, "okt": 10, "dez": 12, "marz": 3, "maerz": 3,
    # Russian month names romanised (a list typed in Latin letters: "fevral' 2020").
    "yanv": 1, "ianv": 1, "maj": 5, "iyun": 6, "ijun": 6, "iiun": 6, "iyul": 7,
    "ijul": 7, "iiul": 7, "avg": 8, "sent": 9, "noya": 11, "noja": 11, "noia": 11, "dek": 12,
}  # fmt: skip
# A soft or hard sign after a romanised word ("fevral`", "oktyabr'", "dekabrʹ").
SIGN_AFTER_WORD = re.compile(r"(?<=[a-z])[`'ʹʺʼ’\"](?![a-z])")
MONTH_WORD = r"(?P<{name}>[a-zа-я]{{3,12}})\.?"
# Months in Roman numerals ("12.III.2017", "12 XI 2017").
ROMAN_MONTHS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
    "xi": 11, "xii": 12,
}  # fmt: skip
ROMAN_MONTH = re.compile(
    r"(?<![\w.])(?P<d>\d{1,2})\s*(?P<s>[./-]|\s)\s*(?P<m>[ivx]{1,4})\s*(?P=s)\s*"
    r"(?P<y>\d{4}|\d{2})(?!\d)"
)
SEASONS = {
    "весн": (3, 5), "лет": (6, 8), "осен": (9, 11), "зим": (12, 2),
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2),
    "printemps": (3, 5), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2),
    "fruhling": (3, 5), "fruhjahr": (3, 5), "sommer": (6, 8), "herbst": (9, 11),
}  # fmt: skip
# Ordinals as lists write them ("второй", "2-й", "II", "second", "2e",
# "zweites", "2."), by their number.
ORDINALS = {
    1: r"перв\w*|first|premier\w*|erste\w*|1|i",
    2: r"втор\w*|second\w*|deuxieme|zweite\w*|2|ii",
    3: r"трет\w*|third|troisieme|dritte\w*|3|iii",
    4: r"четверт\w*|fourth|quatrieme|vierte\w*|4|iv",
}
ORDINAL_END = r"(?:-?(?:й|я|е|ое|ая|ий|ой|го|ья|ей|м|ом)|\.|e|er|re|eme|st|nd|rd|th)?"


def _nth(number: int, unit: str) -> str:
    """The `number`th `unit` ("вторая декада", "2. Quartal")."""
    return rf"(?:{ORDINALS[number]}){ORDINAL_END}\s*(?:{unit})"


# Words for the start, middle and end of a month, a season, a year or a decade.
START = r"начал\w*|early|beginning\s+of|start\s+of|debut|anfang"
MIDDLE = r"середин\w*|mitte|milieu|middle\s+of|mid"
END = r"конц\w*|конец|late|end\s+of|fin|ende"
HALF = r"половин\w*|half(?:\s+of)?|moitie(?:\s+de)?|halfte"
# Parts of a month: the days they cover (overlapping at the edges, since
# sources draw them differently); its ten-day periods ("декады") do not.
PARTS = [
    (START, (1, 10)),
    (MIDDLE + "|mi", (10, 20)),
    (END, (20, 31)),
    (_nth(1, HALF + r"|quinzaine\s+de"), (1, 15)),
    (_nth(2, HALF + r"|quinzaine\s+de"), (16, 31)),
    (_nth(1, r"декад\w*"), (1, 10)),
    (_nth(2, r"декад\w*"), (11, 20)),
    (_nth(3, r"декад\w*"), (21, 31)),
]
# A value written as not known: no value (a date, an age, a place).
UNKNOWN = re.compile(
    r"^(?:неизвестн\w*|неизв\.?|не\s+известн\w*|не\s+указан\w*|не\s+установлен\w*|"
    r"нет\s+данных|нет\s+сведений|н/д|unknown|not\s+known|n/?a|inconnue?|non\s+connue?|"
    r"non\s+renseign\w*|unbekannt|nicht\s+bekannt|keine\s+angaben?|k\.\s?a\.?|x+|\?+|-+|—)$"
)
# Words a date may stand among ("в марте 2017 года", "on 12 March 2017").
FILLER = re.compile(
    r"\b(?:в|во|с|по|на|около|примерно|ок|году|года|год|гг|г|on|in|the|of|around|about|"
    r"approx|approximately|circa|ca|c|le|en|au|du|vers|environ|am|im|um|etwa|"
    r"задержан\w*|похищен\w*|убит\w*|detained|abducted|killed|arrested|arrete\w*|tue\w*)\b"
)
# "Of last year": the year before the one the record was written in.
OF_LAST_YEAR = re.compile(
    r"\b(?:прошлого\s+года|в\s+прошлом\s+году|прошлым\s+(?:летом|осенью)|прошлой\s+"
    r"(?:весной|осенью|зимой)|last\s+year|of\s+last\s+year|l'annee\s+derniere|"
    r"de\s+l'annee\s+derniere|l'an\s+dernier|de\s+l'an\s+dernier|letzten\s+jahres|"
    r"vergangenen\s+jahres|im\s+vorjahr)\b"
)
# A time of day after a date ("05:00", "около 14:00", "vers 14h30", "gegen
# 5 Uhr", "5:00 PM", "в 5 часов утра"): no part of the date. "в 14.00",
# with a dot, only after a year, where it cannot be a day and a month.
AT = r"(?:\b(?:в|во|около|ок|примерно|at|about|around|a|vers|um|gegen)\.?\s+)?"
HOUR = r"(?<![\d.:/])(?:[01]?\d|2[0-3])"
CLOCK_UNIT = r"(?:a\.?m\.?|p\.?m\.?|uhr|h|ч|час\w*|o'clock)(?![^\W\d_])\.?"
TIME = re.compile(
    rf"(?:(?<=\d)t|{AT}){HOUR}(?:(?:(?::[0-5]\d){{1,2}}|h[0-5]\d)(?:\s*{CLOCK_UNIT})?"
    rf"|\s*{CLOCK_UNIT})(?:\s+(?:утра|вечера|дня|ночи))?(?![\d:])"
)
DOTTED_TIME = re.compile(
    r"(?<=\d{4})(?P<kept>\s*(?:г\.?|года)?,?)\s+(?:в|около|ок\.?|примерно)\s+"
    r"(?:[01]?\d|2[0-3])\.[0-5]\d(?![\d.])"
)
# A night ("в ночь на 12 марта", "in der Nacht zum 12. März"): the night
# before the day named (`before`), or the night between two days.
NIGHT = re.compile(
    r"(?:\b(?:в|dans|in|on|during|la|the|der)\s+)*\b(?:ночь|ночью|nuit|night|nacht)\b"
    r"(?:\s+(?P<before>на|zum|auf\s+den|auf|before|precedant|avant|vor))?"
    r"(?:\s+(?:of|du|vom|с|со))?"
)
# The day before the one named ("накануне 8 марта", "on the eve of 8 March",
# "la veille du 8 mars", "am Vorabend des 8. März").
EVE = re.compile(
    r"(?:^|(?<=\s))(?:накануне|в\s+канун|on\s+the\s+eve\s+of|the\s+eve\s+of|the\s+day\s+before|"
    r"la\s+veille\s+(?:du|de\s+la|de)|am\s+vorabend\s+(?:des|der|von)|am\s+vortag\s+(?:des|von))"
    r"(?=\s)"
)
# Days known by their name: New Year's Day and its eve (without a year,
# placed as a day without its year is).
NEW_YEAR = re.compile(
    r"\b(?:нового\s+года|новый\s+год|new\s+year'?s?\s+day|new\s+year|nouvel\s+an|"
    r"jour\s+de\s+l'an|neujahr)\b"
)
NEW_YEARS_EVE = re.compile(
    r"\b(?:новогодн\w*\s+ноч\w*|new\s+year'?s?\s+eve|(?:la\s+)?saint-sylvestre|reveillon"
    r"(?:\s+du\s+nouvel\s+an)?|silvester)\b"
)
# What files put for a day or month they do not know: "XX" (typed in Latin
# or Cyrillic letters), "00", "??", "--", "**".
NOT_KNOWN = r"x{1,2}|х{1,2}|00|\?{1,2}|--|\*{1,2}"
UNKNOWN_PART = re.compile(NOT_KNOWN)
DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}}|{NOT_KNOWN})[./\-\s](?P<m>\d{{1,2}}|{NOT_KNOWN})[./\-\s]"
    r"(?P<y>\d{4})(?!\d)"
)
YEAR_MONTH_DAY = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})[./\-](?P<m>\d{{1,2}}|{NOT_KNOWN})[./\-](?P<d>\d{{1,2}}|{NOT_KNOWN})"
    r"(?![\d?xх*])(?:[ t]\d\d:\d\d(?::\d\d)?)?"
)
# A day, month and year of two digits ("15.03.90", "01/03/17"): the
# century is the latest that does not put the date after today.
SHORT_YEAR = re.compile(
    r"(?<![\d./-])(?P<dm>\d{1,2}(?P<sep>[./-])\d{1,2})(?P=sep)(?P<y>\d{2})(?![\d./-])"
)
MONTH_YEAR = re.compile(r"(?<![\d./-])(?P<m>\d{1,2})[./\-](?P<y>\d{4})(?!\d)")
YEAR_MONTH = re.compile(r"(?<!\d)(?P<y>\d{4})[./\-](?P<m>\d{1,2})(?![\d./-])")
DAY_NAME_YEAR = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:er|st|nd|rd|th|-?го|-?е|\.)?\s+" + MONTH_WORD.format(name="m")
    + r",?\s+(?P<y>\d{4})(?!\d)"
)  # fmt: skip
NAME_DAY_YEAR = re.compile(
    MONTH_WORD.format(name="m") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
)
# A year before its month ("2017, март", "2017 г., 12 марта").
YEAR_NAME = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?:\s*(?:год\w*|г(?![a-zа-я])\.?))?\s*,?\s*(?:(?:в|во|in|en|im)\s+)?"
    r"(?:(?P<d>\d{1,2})(?:-?го|\.)?\s+)?" + MONTH_WORD.format(name="m")
    + r"(?![a-zа-я])(?!\.?\s*\d)"
)  # fmt: skip
# A day without its year ("12 марта", "March 12", "12.03").
DAY_NAME = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})(?:er|st|nd|rd|th|-?го|-?е|\.)?\s+" + MONTH_WORD.format(name="m")
)  # fmt: skip
NAME_DAY = re.compile(
    r"\b" + MONTH_WORD.format(name="m") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
)
DAY_MONTH = re.compile(r"(?<![\d./:-])(?P<d>\d{1,2})\.(?P<m>\d{2})\.?(?!\.?\d|[/:-])")
QUARTER = re.compile(
    r"(?<!\d)(?:(?P<y1>\d{4})\s*-?\s*q(?P<q1>[1-4])|q(?P<q2>[1-4])\s*-?\s*(?P<y2>\d{4})"
    r"|t(?P<q3>[1-4])\s*(?P<y3>\d{4}))(?!\d)"
)
YEAR_RANGE = re.compile(r"(?<!\d)(?P<a>\d{4})\s*[-/]\s*(?P<b>\d{2}|\d{4})(?![\d./-])")
YEAR = re.compile(r"(?<!\d)(?P<y>\d{4})(?!\d)")


def normal(text: str) -> str:
    """Lower case without accents (й and ё kept apart from и and е: ё is е
    here), dashes as hyphens, one space apart."""
    lowered = str(text).casefold().replace("ё", "е").replace("й", "\x00")
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[–—‐]", "-", plain.replace("\x00", "й")).split())


def month_named(word: str) -> int | None:
    word = word.rstrip(".")
    if len(word) < 3:
        return None
    for length in (5, 4, 3):  # "maerz", "mars", "мар"
        found = MONTHS.get(word[:length])
        if found:
            return found
    return None


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Unreadable
    return year


def _day(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(_check_year(year), month, day)
    except ValueError:
        raise Unreadable from None


def _month(
    year: int, month: int, days: tuple[int, int] = (1, 31)
) -> tuple[datetime.date, datetime.date]:
    if not 1 <= month <= 12:
        raise Unreadable
    last = calendar.monthrange(_check_year(year), month)[1]
    return datetime.date(year, month, days[0]), datetime.date(year, month, min(days[1], last))


def _numeric(day_text: str, month_text: str, year: int, *, iso: bool = False) -> Period:
    """A day-month-year in digits, placeholders and swaps considered (none
    in the year-month-day order, which is never written month last)."""
    if UNKNOWN_PART.fullmatch(month_text):
        first = _day(year, 1, 1)
        return Period(first, _day(year, 12, 31))
    month = int(month_text)
    if UNKNOWN_PART.fullmatch(day_text):
        return Period(*_month(year, month))
    day = int(day_text)
    if day == 1 and month == 1:  # 01.01: the placeholder for an unknown day
        return Period(_day(year, 1, 1), _day(year, 12, 31))
    if month > 12 and day <= 12:  # month first: 04/25/2017
        day, month = month, day
        return Period(_day(year, month, day), _day(year, month, day))
    found = _day(year, month, day)
    swapped = None
    if day <= 12 and day != month and not iso:
        swapped = datetime.date(year, day, month)
    return Period(found, found, swapped=swapped)


def _no_year(month: int, day: int) -> Period:
    """A day without its year, in the year that stands in for it (the 29th
    of February as the days around it, since that year has none)."""
    if (month, day) == (2, 29):
        first, last = datetime.date(NO_YEAR, 2, 28), datetime.date(NO_YEAR, 3, 1)
        return Period(first, last, year_given=False)
    found = _day(NO_YEAR, month, day)
    return Period(found, found, year_given=False)


def _season(word: str, year: int | None, until: int | None) -> Period:
    (start, end) = next(months for stem, months in SEASONS.items() if word.startswith(stem))
    given = year is not None
    base = year if year is not None else NO_YEAR
    if start > end:  # winter: December to February
        if until is not None:  # "winter 2018-19": from December 2018
            first_year, last_year = base, until
        else:  # "winter 2017": the winter that ends early in 2017
            first_year, last_year = base - 1, base
        first = datetime.date(first_year, start, 1)
        last = _month(last_year, end)[1]
    else:
        first, last = _month(base, start)[0], _month(base, end)[1]
    return Period(first, last, year_given=given)


def _fifteenth(day: datetime.date, months: int) -> datetime.date:
    """The 15th of the month `months` after that of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 15)


# A part of a season ("late summer 2017", "Spätsommer", "конец лета", "fin
# de l'été"): its first half, its middle or its second half, the last half
# a month longer (seasons are drawn by the calendar or by the sun, which
# ends them three weeks later).
SEASON_WORDS = "|".join(SEASONS)
SEASON_TAIL = (
    rf"(?P<s>(?:{SEASON_WORDS})\w*)(?:\s+(?:of\s+|de\s+|d')?(?P<y>\d{{4}})"
    rf"(?:\s*[-/]\s*(?P<y2>\d{{2,4}}))?)?"
)
SEASON = re.compile(r"\b" + SEASON_TAIL)
SEASON_PARTS = [(START + "|fruh", 0), (MIDDLE + "|mi|hoch", 1), (END + "|spat", 2)]
PART_OF_SEASON = re.compile(
    r"\b(?P<p>" + "|".join(f"(?:{pattern})" for pattern, _part in SEASON_PARTS) + r")\s*-?\s*"
    r"(?:of\s+(?:the\s+)?|de\s+l'|de\s+la\s+|du\s+|de\s+|des\s+|d')?" + SEASON_TAIL
)  # fmt: skip
PART_OF_MONTH = re.compile(
    r"\b(?P<p>" + "|".join(f"(?:{pattern})" for pattern, _days in PARTS) + r")\s*-?\s*(?:de\s+|d')?"
    + MONTH_WORD.format(name="m") + r"(?:\s+(?P<y>\d{4}))?"
)  # fmt: skip
MONTH_NAME_YEAR = re.compile(
    r"\b" + MONTH_WORD.format(name="m") + r"(?:\s*-\s*" + MONTH_WORD.format(name="m2") + r")?"
    r"(?:,?\s+(?P<y>\d{4}))?"
)  # fmt: skip


# A part of a year ("late 2017", "в конце 2017 года", "второе полугодие",
# "II квартал") or of a decade ("в начале 2000-х", "late 1990s"): the
# months of a year and the years of a decade it covers, overlapping at the
# edges as the parts of a month do.
QUARTER_WORD = r"кв\.?|квартал\w*|quarter(?:\s+of)?|trimestre|quartal\w*"
HALF_OF_YEAR = HALF + r"|полугоди\w*|semestre|halbjahr\w*"
YEAR_PARTS: list[tuple[str, tuple[int, int], tuple[int, int] | None]] = [
    (START, (1, 5), (0, 3)),
    (MIDDLE, (4, 9), (3, 6)),
    (END, (8, 12), (6, 9)),
    (_nth(1, HALF_OF_YEAR), (1, 6), (0, 4)),
    (_nth(2, HALF_OF_YEAR), (7, 12), (5, 9)),
    *[(_nth(number, QUARTER_WORD), (3 * number - 2, 3 * number), None) for number in (1, 2, 3, 4)],
]
PART_OF_YEAR = re.compile(
    r"\b(?P<p>" + "|".join(f"(?:{pattern})" for pattern, _months, _years in YEAR_PARTS) + r")"
    r"\s*-?\s*(?:of\s+|de\s+|d'|l'annee\s+)?(?P<y>\d{4})(?!\d)"
)
# A decade ("2000-е", "в 2000-х годах", "the 2000s", "les années 2000",
# "die 2000er Jahre", "в 90-е": two digits of the latest century not in
# the future), whole or in part.
DECADE_TAIL = r"(?:-?(?:е|х|ые|ых)|'?s|er)(?!\w)(?:\s+(?:годы|годов|годах|гг\.?|jahre\w*))?"
DECADE = re.compile(
    r"(?:\b(?P<p>" + "|".join(f"(?:{p})" for p, _m, years in YEAR_PARTS if years) + r")"
    r"\s*-?\s*(?:of\s+(?:the\s+)?|des\s+|der\s+|de\s+)?)?(?:(?:the|les|die|den)\s+)?"
    r"(?:annees\s+'?(?P<a>\d{2}|\d{4})|'?(?P<d>\d{2}|\d{4})" + DECADE_TAIL + r")(?!\d)"
)  # fmt: skip


def _decade(text: str, today: datetime.date) -> tuple[Period, re.Match[str]] | None:
    """The first decade the text names, or the part of one it names."""
    for match in DECADE.finditer(text):
        written = match["a"] or match["d"]
        if not written.endswith("0") or (match["d"] and _before_a_month(text[match.end() :])):
            continue  # "20-е марта", "в 20-х числах": days, not a decade
        decade = int(written)
        if len(written) == 2:
            decade += today.year // 100 * 100
            if decade > today.year:
                decade -= 100
        years = (0, 9)
        if match["p"]:
            years = next(y for p, _m, y in YEAR_PARTS if y and re.fullmatch(p, match["p"]))
        first = datetime.date(_check_year(decade + years[0]), 1, 1)
        return Period(first, datetime.date(_check_year(decade + years[1]), 12, 31)), match
    return None


def _before_a_month(text: str) -> bool:
    """Whether `text` starts with a month's name or "числа" (after "20-е")."""
    word = re.match(r"\s*([a-zа-я]+)", text)
    return word is not None and (word[1].startswith("числ") or month_named(word[1]) is not None)


# A range of days: "с 25 по 30 марта 2017", "25-30 March 2017", "du
# 2 au 5 avril 2017", "12.03.2017 - 15.03.2017", "March 25 to April 2, 2017",
# "в период с 12 по 15 марта", "de mars à mai 2017", "Ende März/Anfang April".
RANGE_START = re.compile(
    r"^(?:(?:в|in|during|pendant|la|the|im)\s+)*(?:(?:период\w*|промежут\w*|period|periode|"
    r"zeitraum)\s+)?(?:(?:с|со|from|between|между|du|de|vom|von|zwischen|entre(?:\s+le)?)\s+)?"
)
RANGE_WORD = re.compile(
    r"\s*(?:-|/|\bпо\b|\bдо\b|\bна\b|\bto\b|\buntil\b|\btill\b|\bau\b|\ba\b|\bbis\b|\bauf\s+den\b"
    r"|\bauf\b|\bzum\b|\band\b|\bи\b|\bet\b)\s*"
)


def _whole(text: str, today: datetime.date) -> Period | None:
    """A date that is all of `text` but for small words; None if not."""
    try:
        found = _find(text, today)
    except Unreadable:
        return None
    if found is None:
        return None
    period, match = found
    rest = text[: match.start()] + " " + text[match.end() :]
    if FILLER.sub(" ", APPROXIMATE.sub("", rest.strip())).strip(" .,;:-()"):
        return None
    return period


def _range(value: str, today: datetime.date) -> Period | None:
    """Two dates joined as a range, the first lacking what the second
    gives (its year, its month); None if the text is not one."""
    body = RANGE_START.sub("", value)
    for joint in RANGE_WORD.finditer(body):
        left, right = body[: joint.start()].strip(" ,"), body[joint.end() :].strip(" ,")
        if not left or not right:
            continue
        # "March 25 to April 2, 2017" and "March 25-30, 2017": the year
        # written once, after the second day.
        year_after = re.search(r",?\s+(?P<y>\d{4})$", right)
        end = _whole(right, today)
        if end is None and year_after and re.fullmatch(r"\d{1,2}", right[: year_after.start()]):
            month = month_named(left.split()[0]) if left.split() else None
            if month is None:
                continue
            end = _whole(
                f"{right[: year_after.start()]} {left.split()[0]} {year_after['y']}", today
            )
            left = f"{left.split()[-1]} {left.split()[0]}"
        if end is None or (not end.year_given and re.search(r"\d{4}", left)):
            continue
        year, month = end.last.year, end.last.month
        if re.fullmatch(r"\d{1,2}\.?", left):  # "vom 11. auf den 12. März"
            start = _whole(f"{left.rstrip('.')}.{month:02d}.{year}", today)
        else:
            start = (
                _whole(left, today)
                if re.search(r"\d{4}", left)
                else _whole(f"{left} {year}", today)
            )
        if start is None:
            continue
        first = start.first
        if first.month > end.last.month and not re.search(r"\d{4}", left):
            # "с 25 декабря по 5 января 2018": the year is the second day's.
            first = _shift(first, -1)
        if first <= end.last:
            return Period(first, end.last, year_given=end.year_given)
    return None


def _year_of(text: str | None, base: int | None = None) -> int | None:
    if text is None:
        return None
    if len(text) == 2 and base is not None:  # "2018-19"
        return base // 100 * 100 + int(text)
    return _check_year(int(text))


def _find(text: str, today: datetime.date) -> tuple[Period, re.Match[str]] | None:
    """The first way of writing a date that the text holds, most precise first."""
    for pattern in (YEAR_MONTH_DAY, DAY_MONTH_YEAR):
        if match := pattern.search(text):
            year = _check_year(int(match["y"]))
            return _numeric(match["d"], match["m"], year, iso=pattern is YEAR_MONTH_DAY), match
    for pattern in (DAY_NAME_YEAR, NAME_DAY_YEAR):
        for match in pattern.finditer(text):
            month = month_named(match["m"])
            if month:
                found = _day(int(match["y"]), month, int(match["d"]))
                return Period(found, found), match
    if decade := _decade(text, today):
        return decade
    if match := QUARTER.search(text):
        quarter = int(match["q1"] or match["q2"] or match["q3"])
        year = int(match["y1"] or match["y2"] or match["y3"])
        first = _month(year, 3 * quarter - 2)[0]
        return Period(first, _month(year, 3 * quarter)[1]), match
    for match in PART_OF_MONTH.finditer(text):
        month = month_named(match["m"])
        if month:
            days = next(d for p, d in PARTS if re.fullmatch(p, match["p"]))
            given = _year_of(match["y"])
            first, last = _month(given or NO_YEAR, month, days)
            return Period(first, last, year_given=given is not None), match
    for pattern in (PART_OF_SEASON, SEASON):
        for match in pattern.finditer(text):
            if not any(match["s"].startswith(stem) for stem in SEASONS):
                continue
            if match["s"] == "лет" and match["y"] is None:
                continue  # "лет" is also "years"; "летом", "лето" are not
            given = _year_of(match["y"])
            until = _year_of(match["y2"], given) if given is not None else None
            season = _season(match["s"], given, until)
            if pattern is PART_OF_SEASON:
                part = next(n for p, n in SEASON_PARTS if re.fullmatch(p, match["p"]))
                first = season.first if part == 0 else _fifteenth(season.first, part - 1)
                season = replace(season, first=first, last=_fifteenth(season.first, part + 1))
            return season, match
    if match := PART_OF_YEAR.search(text):
        year = _check_year(int(match["y"]))
        months = next(m for p, m, _y in YEAR_PARTS if re.fullmatch(p, match["p"]))
        first, last = _month(year, months[0])[0], _month(year, months[1])[1]
        return Period(first, last), match
    if match := MONTH_YEAR.search(text):
        return Period(*_month(int(match["y"]), int(match["m"]))), match
    if match := YEAR_MONTH.search(text):
        year, month = _check_year(int(match["y"])), int(match["m"])
        if month > 12 and month > year % 100:  # "2018-19": two years
            until = year // 100 * 100 + month
            return Period(datetime.date(year, 1, 1), datetime.date(until, 12, 31)), match
        return Period(*_month(year, month)), match
    for match in YEAR_NAME.finditer(text):
        if month := month_named(match["m"]):
            year = _check_year(int(match["y"]))
            if match["d"]:
                found = _day(year, month, int(match["d"]))
                return Period(found, found), match
            return Period(*_month(year, month)), match
    for pattern in (DAY_NAME, NAME_DAY):
        for match in pattern.finditer(text):
            if month := month_named(match["m"]):
                return _no_year(month, int(match["d"])), match
    if match := DAY_MONTH.search(text):
        day, month = int(match["d"]), int(match["m"])
        if day == 1 and month == 1:  # the placeholder for an unknown day, as with a year
            whole = (datetime.date(NO_YEAR, 1, 1), datetime.date(NO_YEAR, 12, 31))
            return Period(*whole, year_given=False), match
        return _no_year(month, day), match
    for match in MONTH_NAME_YEAR.finditer(text):
        month = month_named(match["m"])
        if not month:
            continue
        given = _year_of(match["y"])
        first, last = _month(given or NO_YEAR, month)
        if match["m2"] and (until := month_named(match["m2"])):
            last = _month(given or NO_YEAR, until)[1]
        return Period(first, last, year_given=given is not None), match
    if match := YEAR_RANGE.search(text):
        first_year = _check_year(int(match["a"]))
        last_year = _year_of(match["b"], first_year) or first_year
        if last_year < first_year:
            raise Unreadable
        return Period(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)), match
    if match := YEAR.search(text):
        year = _check_year(int(match["y"]))
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31)), match
    return None


def _roman(match: re.Match[str], today: datetime.date) -> str:
    """ "12.III.2017" as "2017-03-12" (year first: a Roman month is never a
    day, so there is nothing to swap); a numeral that is no month is kept."""
    month = ROMAN_MONTHS.get(match["m"])
    if month is None:
        return match.group(0)
    year = int(match["y"])
    if len(match["y"]) == 2:  # the latest century that is not in the future
        year += today.year // 100 * 100 - (100 if year > today.year % 100 else 0)
    return f"{year}-{month:02d}-{int(match['d']):02d}"


def _overnight(period: Period, *, before: bool) -> Period:
    """A night: the one before the day named ("в ночь на 12 марта": the
    11th and 12th), the one between the days named ("с 11 на 12 марта"), or
    for one day alone the night on either side of it, as lists write both."""
    day = datetime.timedelta(days=1)
    if before:
        return replace(period, first=period.first - day, swapped=None)
    if period.exact:
        return replace(period, first=period.first - day, last=period.last + day, swapped=None)
    return period


def _with_century(match: re.Match[str], today: datetime.date) -> str:
    """ "15.03.90" as "15.03.1990" and "01.03.17" as "01.03.2017" (when
    today is later): the latest century that is not in the future."""
    year = today.year // 100 * 100 + int(match["y"])
    if year > today.year:
        year -= 100
    return f"{match['dm']}{match['sep']}{year}"


APPROXIMATE = re.compile(
    r"^(?:~|≈|\+/-|около|примерно|ок\.|about|around|approx\w*|circa|ca\.?|c\.|env\.?|environ|"
    r"vers|etwa)\s*"
)


# A bound without its other end ("before April 2017", "после 8 марта
# 2017"): the year on that side of it, approximate (the events are known
# only not to lie on the other side).
BEFORE = re.compile(r"^(?:до|перед|ранее|не\s+позднее|before|prior\s+to|avant|vor)\s+")
AFTER = re.compile(r"^(?:после|позднее|не\s+ранее|after|later\s+than|apres|nach)\s+")


def _bound(value: str, today: datetime.date, words: bool) -> Period | None:
    """A date written as a bound alone; None if the value is not one."""
    plain = " ".join(FILLER.sub(" ", value).split())
    bound = BEFORE.match(plain) or AFTER.match(plain)
    if bound is None:
        return None
    inner = read_period(plain[bound.end() :], today, words=words)
    if inner is None:
        raise Unreadable
    day = datetime.timedelta(days=1)
    if bound.re is BEFORE:
        first, last = _shift(inner.first, -1), inner.first - day
    else:
        first, last = inner.last + day, _shift(inner.last, 1)
        if inner.year_given:
            last = min(last, today)
        if first > last:
            raise Unreadable(later=True)
    return Period(first, last, year_given=inner.year_given, approximate=True)


@functools.lru_cache(maxsize=1 << 16)  # lists repeat the same dates many times
def read_period(
    text: str, today: datetime.date | None = None, *, words: bool = True
) -> Period | None:
    """The days a written date allows; None for nothing. `words`: other
    words may stand around the date (an event's "задержан в марте 2017");
    otherwise only the usual small ones."""
    value = SIGN_AFTER_WORD.sub("", normal(text))
    if not value or UNKNOWN.match(value):
        return None
    today = today or datetime.date.today()
    value = DOTTED_TIME.sub(r"\g<kept>", TIME.sub(" ", value)).strip()
    value = ROMAN_MONTH.sub(lambda match: _roman(match, today), value)
    value = SHORT_YEAR.sub(lambda match: _with_century(match, today), value)
    if (either := _alternatives(value, today, words)) is not None:
        return either
    if (counted := read_back(value)) is not None:
        return Period(
            datetime.date(NO_YEAR, 1, 1),
            datetime.date(NO_YEAR, 12, 31),
            year_given=False,
            approximate=counted.approximate,
            back=counted,
        )
    if (bounded := _bound(value, today, words)) is not None:
        return bounded
    approximate = bool(APPROXIMATE.match(value))
    back = OF_LAST_YEAR.search(value)
    if back:
        # "прошлой весной": the season's own word is kept for _find.
        kept = re.search(r"(?:весн|лет|осен|зим)\w*$", back.group(0))
        value = (value[: back.start()] + " " + (kept.group(0) if kept else "") + " "
                 + value[back.end() :]).strip()  # fmt: skip
    night = NIGHT.search(value)
    if night:
        value = (value[: night.start()] + " " + value[night.end() :]).strip()
    value = NEW_YEAR.sub("1 января", NEW_YEARS_EVE.sub("31 декабря", value))
    eve = EVE.search(value)
    if eve:
        value = (value[: eve.start()] + " " + value[eve.end() :]).strip()
    found = _find(value, today)
    if found is None and back and not FILLER.sub(" ", value).strip(" .,;:-()"):
        # "в прошлом году" alone: the whole of last year.
        whole = Period(
            datetime.date(NO_YEAR, 1, 1), datetime.date(NO_YEAR, 12, 31), year_given=False
        )
        return replace(whole, years_back=1, approximate=approximate)
    if found is None and back:
        # A part of last year ("в конце прошлого года", "late last year"):
        # read as that part of a year without its number, then placed.
        part = _find(f"{value} {NO_YEAR}", today)
        if part is not None and part[0].first.year == NO_YEAR == part[0].last.year:
            return replace(part[0], year_given=False, years_back=1, approximate=approximate)
    if found is None:
        raise Unreadable
    period, match = found
    rest = (value[: match.start()] + " " + value[match.end() :]).strip()
    rest = APPROXIMATE.sub("", rest)
    if re.search(r"\d", rest):
        ranged = _range(value, today)
        if ranged is None:
            raise Unreadable  # another number: a second date, a typo
        period, rest = ranged, ""
    elif FILLER.sub(" ", rest).strip(" .,;:-()") and (ranged := _range(value, today)):
        period, rest = ranged, ""  # "конец марта/начало апреля": two ends without a year
    if not words and FILLER.sub(" ", rest).strip(" .,;:-()"):
        raise Unreadable
    if night:
        period = _overnight(period, before=bool(night["before"]))
    if eve and period.exact:
        day = datetime.timedelta(days=1)
        period = replace(period, first=period.first - day, last=period.last - day, swapped=None)
    elif eve:  # the eve of a month or more: its days, and the one before
        period = replace(period, first=period.first - datetime.timedelta(days=1), swapped=None)
    if period.year_given and period.first > today:
        raise Unreadable(later=True)
    if back and not period.year_given:
        period = replace(period, years_back=1)
    return replace(period, approximate=approximate) if approximate else period


def _alternatives(value: str, today: datetime.date, words: bool) -> Period | None:
    """Two dates or more given as alternatives ("27.02.2017 или 28.02.2017",
    "March or April 2017", "27 или 28 февраля 2017"): the days from the
    first to the last, as the range of the same ends would be; None if the
    value holds no alternatives."""
    parts = OR.split(value)
    if len(parts) < 2:
        return None
    try:
        found = [read_period(part, today, words=words) for part in parts]
    except Unreadable:
        found = [None]
    if any(period is None or not period.year_given for period in found):
        # Ends that share what is written after the last ("March or April 2017").
        return read_period(OR.sub(" - ", value), today, words=words)
    periods = [period for period in found if period is not None]
    return Period(
        min(period.first for period in periods),
        max(period.last for period in periods),
        approximate=any(period.approximate for period in periods),
    )


def period_in_days(period: Period | None) -> tuple[int | None, int | None]:
    """A period as the first and last day numbers (days since 1 January of
    year 1), for the database to compare; (None, None) for none."""
    if period is None or not period.year_given:
        return None, None
    return period.first.toordinal(), period.last.toordinal()
