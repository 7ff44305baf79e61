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
is the year on that side of it, approximate. A
date without its year ("в конце марта", "весной") is a span in a year to
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

FIRST_YEAR, LAST_YEAR = 1900, 2099
# A year stood in for when the year is not given (a leap year, after one
# that is not, so that a winter's December falls in the year before).
NO_YEAR = 2001


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

    @property
    def exact(self) -> bool:
        return self.first == self.last

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
}  # fmt: skip
MONTH_WORD = r"(?P<{name}>[a-zа-я]{{3,12}})\.?"
SEASONS = {
    "весн": (3, 5), "лет": (6, 8), "осен": (9, 11), "зим": (12, 2),
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2),
    "printemps": (3, 5), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2),
    "fruhling": (3, 5), "fruhjahr": (3, 5), "sommer": (6, 8), "herbst": (9, 11),
}  # fmt: skip
# Parts of a month: the days they cover (overlapping at the edges, since
# sources draw them differently).
EARLY, MIDDLE, LATE, FIRST_HALF, SECOND_HALF = (1, 10), (10, 20), (20, 31), (1, 15), (16, 31)
PARTS = [
    (r"начал\w*|early|beginning\s+of|start\s+of|debut|anfang", EARLY),
    (r"середин\w*|mitte|milieu|middle\s+of|mid|mi", MIDDLE),
    (r"конц\w*|конец|late|end\s+of|fin|ende", LATE),
    (r"перв\w*\s+половин\w*|first\s+half\s+of|premiere\s+quinzaine\s+de|premiere\s+moitie\s+de",
     FIRST_HALF),
    (r"втор\w*\s+половин\w*|second\s+half\s+of|seconde\s+quinzaine\s+de|deuxieme\s+quinzaine"
     r"\s+de|seconde\s+moitie\s+de", SECOND_HALF),
]  # fmt: skip
UNKNOWN = re.compile(
    r"^(?:неизвестн\w*|не\s+известн\w*|не\s+указан\w*|нет\s+данных|н/д|unknown|not\s+known|"
    r"n/?a|inconnue?|unbekannt|x+|\?+|-+|—)$"
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
# What files put for a day or month they do not know: "XX", "00", "??", "--".
NOT_KNOWN = r"x{1,2}|00|\?{1,2}|--"
UNKNOWN_PART = re.compile(NOT_KNOWN)
DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}}|{NOT_KNOWN})[./\-\s](?P<m>\d{{1,2}}|{NOT_KNOWN})[./\-\s]"
    r"(?P<y>\d{4})(?!\d)"
)
YEAR_MONTH_DAY = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})[./\-](?P<m>\d{{1,2}}|{NOT_KNOWN})[./\-](?P<d>\d{{1,2}}|{NOT_KNOWN})"
    r"(?![\d?x])(?:[ t]\d\d:\d\d(?::\d\d)?)?"
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
QUARTER = re.compile(
    r"(?<!\d)(?:(?P<y1>\d{4})\s*-?\s*q(?P<q1>[1-4])|q(?P<q2>[1-4])\s*-?\s*(?P<y2>\d{4})"
    r"|(?P<q3>[1-4]|i{1,3}|iv)(?:-?й|e|er|st|nd|rd|th)?\s*(?:кв\.?|квартал\w*|quarter|trimestre|t)"
    r"\s*(?P<y3>\d{4})|t(?P<q4>[1-4])\s*(?P<y4>\d{4}))(?!\d)"
)
YEAR_RANGE = re.compile(r"(?<!\d)(?P<a>\d{4})\s*[-/]\s*(?P<b>\d{2}|\d{4})(?![\d./-])")
YEAR = re.compile(r"(?<!\d)(?P<y>\d{4})(?!\d)")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


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
    for length in (4, 3):
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


SEASON_WORDS = "|".join(SEASONS)
SEASON = re.compile(
    rf"\b(?P<s>(?:{SEASON_WORDS})\w*)(?:\s+(?:of\s+|de\s+|d')?(?P<y>\d{{4}})"
    rf"(?:\s*[-/]\s*(?P<y2>\d{{2,4}}))?)?"
)
PART_OF_MONTH = re.compile(
    r"\b(?P<p>" + "|".join(f"(?:{pattern})" for pattern, _days in PARTS) + r")\s*-?\s*(?:de\s+|d')?"
    + MONTH_WORD.format(name="m") + r"(?:\s+(?P<y>\d{4}))?"
)  # fmt: skip
MONTH_NAME_YEAR = re.compile(
    r"\b" + MONTH_WORD.format(name="m") + r"(?:\s*-\s*" + MONTH_WORD.format(name="m2") + r")?"
    r"(?:\s+(?P<y>\d{4}))?"
)  # fmt: skip


# A part of a year ("late 2017", "в конце 2017 года"): its months,
# overlapping at the edges as the parts of a month do.
YEAR_PARTS = [
    (r"начал\w*|early|beginning\s+of|start\s+of|debut|anfang", (1, 5)),
    (r"середин\w*|mitte|milieu|middle\s+of|mid", (4, 9)),
    (r"конц\w*|конец|late|end\s+of|fin|ende", (8, 12)),
    (r"перв\w*\s+(?:половин\w*|полугоди\w*)|first\s+half\s+of|premiere\s+moitie\s+de"
     r"|(?:1|i)-?(?:е|ое)\s+полугоди\w*|erste\w*\s+halfte", (1, 6)),
    (r"втор\w*\s+(?:половин\w*|полугоди\w*)|second\s+half\s+of|seconde\s+moitie\s+de"
     r"|deuxieme\s+moitie\s+de|(?:2|ii)-?(?:е|ое)\s+полугоди\w*|zweite\w*\s+halfte", (7, 12)),
]  # fmt: skip
PART_OF_YEAR = re.compile(
    r"\b(?P<p>" + "|".join(f"(?:{pattern})" for pattern, _months in YEAR_PARTS) + r")"
    r"\s*-?\s*(?:de\s+|d'|l'annee\s+)?(?P<y>\d{4})(?!\d)"
)
# A range of days: "с 25 по 30 марта 2017", "25-30 March 2017", "du
# 2 au 5 avril 2017", "12.03.2017 - 15.03.2017", "March 25 to April 2, 2017".
RANGE_START = re.compile(r"^(?:с|со|from|between|du|vom|zwischen|entre(?:\s+le)?)\s+")
RANGE_WORD = re.compile(
    r"\s*(?:-|\bпо\b|\bдо\b|\bto\b|\buntil\b|\btill\b|\bau\b|\bbis\b|\band\b|\bи\b|\bet\b)\s*"
)


def _whole(text: str) -> Period | None:
    """A date that is all of `text` but for small words; None if not."""
    try:
        found = _find(text)
    except Unreadable:
        return None
    if found is None:
        return None
    period, match = found
    rest = text[: match.start()] + " " + text[match.end() :]
    if FILLER.sub(" ", APPROXIMATE.sub("", rest.strip())).strip(" .,;:-()"):
        return None
    return period


def _range(value: str) -> Period | None:
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
        end = _whole(right)
        if end is None and year_after and re.fullmatch(r"\d{1,2}", right[: year_after.start()]):
            month = month_named(left.split()[0]) if left.split() else None
            if month is None:
                continue
            end = _whole(f"{right[: year_after.start()]} {left.split()[0]} {year_after['y']}")
            left = f"{left.split()[-1]} {left.split()[0]}"
        if end is None or not end.year_given:
            continue
        year, month = end.last.year, end.last.month
        if re.fullmatch(r"\d{1,2}", left):
            start = _whole(f"{left}.{month:02d}.{year}")
        else:
            start = _whole(left) if re.search(r"\d{4}", left) else _whole(f"{left} {year}")
        if start is None:
            continue
        first = start.first
        if first.month > end.last.month and not re.search(r"\d{4}", left):
            # "с 25 декабря по 5 января 2018": the year is the second day's.
            first = _shift(first, -1)
        if first <= end.last:
            return Period(first, end.last)
    return None


def _year_of(text: str | None, base: int | None = None) -> int | None:
    if text is None:
        return None
    if len(text) == 2 and base is not None:  # "2018-19"
        return base // 100 * 100 + int(text)
    return _check_year(int(text))


def _find(text: str) -> tuple[Period, re.Match[str]] | None:
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
    if match := QUARTER.search(text):
        groups = match.groupdict()
        quarter_text = groups["q1"] or groups["q2"] or groups["q3"] or groups["q4"]
        year = int(groups["y1"] or groups["y2"] or groups["y3"] or groups["y4"])
        quarter = ROMAN.get(quarter_text) or int(quarter_text)
        first = _month(year, 3 * quarter - 2)[0]
        return Period(first, _month(year, 3 * quarter)[1]), match
    for match in PART_OF_MONTH.finditer(text):
        month = month_named(match["m"])
        if month:
            days = next(d for p, d in PARTS if re.fullmatch(p, match["p"]))
            given = _year_of(match["y"])
            first, last = _month(given or NO_YEAR, month, days)
            return Period(first, last, year_given=given is not None), match
    for match in SEASON.finditer(text):
        if not any(match["s"].startswith(stem) for stem in SEASONS):
            continue
        if match["s"] == "лет" and match["y"] is None:
            continue  # "лет" is also "years"; "летом", "лето" are not
        given = _year_of(match["y"])
        until = _year_of(match["y2"], given) if given is not None else None
        return _season(match["s"], given, until), match
    if match := PART_OF_YEAR.search(text):
        year = _check_year(int(match["y"]))
        months = next(m for p, m in YEAR_PARTS if re.fullmatch(p, match["p"]))
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
    value = normal(text)
    if not value or UNKNOWN.match(value):
        return None
    today = today or datetime.date.today()
    value = SHORT_YEAR.sub(lambda match: _with_century(match, today), value)
    if (bounded := _bound(value, today, words)) is not None:
        return bounded
    approximate = bool(APPROXIMATE.match(value))
    back = OF_LAST_YEAR.search(value)
    if back:
        # "прошлой весной": the season's own word is kept for _find.
        kept = re.search(r"(?:весн|лет|осен|зим)\w*$", back.group(0))
        value = (value[: back.start()] + " " + (kept.group(0) if kept else "") + " "
                 + value[back.end() :]).strip()  # fmt: skip
    found = _find(value)
    if found is None and back and not FILLER.sub(" ", value).strip(" .,;:-()"):
        # "в прошлом году" alone: the whole of last year.
        whole = Period(
            datetime.date(NO_YEAR, 1, 1), datetime.date(NO_YEAR, 12, 31), year_given=False
        )
        return replace(whole, years_back=1, approximate=approximate)
    if found is None:
        raise Unreadable
    period, match = found
    rest = (value[: match.start()] + " " + value[match.end() :]).strip()
    rest = APPROXIMATE.sub("", rest)
    if re.search(r"\d", rest):
        ranged = _range(value)
        if ranged is None:
            raise Unreadable  # another number: a second date, a typo
        period, rest = ranged, ""
    if not words and FILLER.sub(" ", rest).strip(" .,;:-()"):
        raise Unreadable
    if period.year_given and period.first > today:
        raise Unreadable(later=True)
    if back and not period.year_given:
        period = replace(period, years_back=1)
    return replace(period, approximate=approximate) if approximate else period


def period_in_days(period: Period | None) -> tuple[int | None, int | None]:
    """A period as the first and last day numbers (days since 1 January of
    year 1), for the database to compare; (None, None) for none."""
    if period is None or not period.year_given:
        return None, None
    return period.first.toordinal(), period.last.toordinal()
