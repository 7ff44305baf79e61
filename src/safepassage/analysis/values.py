"""Births and ages as victim lists write them, read strictly enough to tell
a date from a typo.

A birth is a date (in any of the ways periods.py reads: "12.03.1987",
"1987-03-12", "12 марта 1987", "XX/XX/1987", "01/01/1987" for an unknown
day; "12.III.1987" with a Roman month), a month, a year ("1987", "1994
г.р.", "1994г.р.", "1990 г/р", "1994 года рождения", "д.р. 12.03.1990",
"b. 1994", "né en 1994", "Jahrgang 1994"), years ("1993-1994", "1998 или
1999", "1990-е", "1990s", "1990er Jahre", "80-х"; "конец 1980-х", a part
of a decade, is four of its years, overlapping the next part as parts of a
year do) or an age. A year or date marked as a guess ("~1987", "около
1990", "ca. 1990", "1990?", "1990 (?)") allows three years either side,
as an approximate age does. A birth beside an age
("12.03.1990 (27 лет)", "27 лет (1990 г.р.)") is the birth, the more
precise of the two, even where they disagree.

An age is a number, with or without a unit ("28", "28 лет", "27 л.", "21
год", "28 years old", "28-year-old", "30 ans", "28-летний", "28-jährig"),
approximate ("около 30", "~30", "лет 30", "about 30", "environ 30 ans", "28
ans environ", "30ish": three years either side), a bound ("под 40", "за
30", "30 с небольшим"), a range ("20-25 лет", "27 или 28 лет") or a part
of a decade ("in his 20s", "early 30s", "Mitte 20", "la trentaine"). An
infant's age is in months, weeks or days ("7 мес.", "8 months", "7 mois",
"3 недели", "1 год 3 месяца") or a fraction of a year ("1,5 года",
"полтора года": until the next half year), and a newborn is a month old
at most. An age says when someone was born only with the date it refers
to: at linkage, the record's `age_date` (a publication date), else the
date of the events, else the run's year; it becomes a range of birth
years. What cannot be read raises Unreadable: the importer names it as a
problem of its row, and linkage never guesses from it.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

from safepassage.analysis.numerals import in_digits
from safepassage.analysis.periods import (
    ROMAN_MONTHS,
    UNKNOWN,
    Period,
    Unreadable,
    normal,
    read_period,
)

OLDEST = 120
# Either side of an approximate age, in the unit it is written in (years,
# months, half years), and of a year of birth marked as a guess: "около
# 1990" and "около 27 лет" are one guess about one person, written from
# either end, so they allow the same years and a record that writes one
# still meets a record that writes the other.
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
    # An infant's age in whole months, from the first to the second ("7
    # мес.", "1,5 года"); `low` and `high` are its whole years.
    months: tuple[int, int] | None = None

    def born(self, at: Period) -> tuple[int, int]:
        """The birth years this age allows at the days of `at`: 28 on
        15.03.2017 was born in 1988 or 1989, 7 months old on that day in
        2016."""
        if self.months is not None:
            earliest = _months_before(at.first, self.months[1] + 1) + datetime.timedelta(days=1)
            return earliest.year, _months_before(at.last, self.months[0]).year
        return at.first.year - self.high - 1, at.last.year - self.low


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ("лет 30": the Russian word for years put first says "about".)
APPROXIMATELY = (
    r"(?:~|≈|\+/-|±|около|примерно|приблизительно|прибл\.?|ок\.?|лет|about|around|approx\w*|"
    r"roughly|circa|ca\.?|c\.|some|environ|env\.?|vers|etwa|ungefahr|rund|gegen)"
)
# The same said after the number ("28 ans environ", "30ish").
APPROXIMATELY_AFTER = (
    r"(?:\s*\(?\s*(?:-?ish|or\s+so|environ|env\.?|примерно|приблизительно|прибл\.?|approx\w*\.?|"
    r"ungefahr|etwa|circa|ca\.?)\s*\)?)"
)
YEARS = (
    r"(?:лет|год|года|г\.?|л\.?|years?(?:\s+old|\s+of\s+age)?|-?\s*years?-old|yrs?\.?(?:\s+old)?|y\.?\s*o\.?|y/o|"
    r"ans?|jahren?(?:\s+alt)?|j\.?|-?\s*jahrig\w*|-?\s*летн\w*|-?\s*х?\s*летн\w*)"
)
# The case ending Russian writes after a number ("30-ти лет", "25-и лет").
NUMBER_ENDING = r"(?:-?(?:ти|ми|и|х|ух|ох))?"
AGED = r"(?:aged|age|в\s+возрасте|возраст|agee?s?\s+(?:de|d')|im\s+alter\s+von)(?:\s*:)?"
# Two ages joined as a range ("20-25 лет", "27 или 28 лет", "27/28", "20 to 25").
JOINED = r"(?:\s*[-/]\s*|\s+(?:or|или|либо|ou|oder|to|a|bis)\s+)"
AGE = re.compile(
    rf"^(?:{AGED}\s*)?(?P<about>{APPROXIMATELY}\s*)?(?P<n>\d{{1,3}}){NUMBER_ENDING}"
    rf"(?:{JOINED}(?P<m>\d{{1,3}}){NUMBER_ENDING})?"
    rf"\s*{YEARS}?\.?(?P<after>{APPROXIMATELY_AFTER})?$"
)
UNDER = re.compile(rf"^(?:под|almost|nearly|presque|fast)\s*(?P<n>\d{{1,3}})\s*{YEARS}?$")
# A little over a number ("за 30", "30+", "30 с небольшим", "30-odd").
A_LITTLE_MORE = r"(?:\+|с\s+небольшим|с\s+лишним|с\s+гаком|-?\s*odd|et\s+quelques)"
OVER = re.compile(
    rf"^(?:за|более|старше|больше|over|more\s+than|older\s+than|plus\s+de|uber|mehr\s+als)\s*"
    rf"(?P<n>\d{{1,3}})\s*{YEARS}?\+?$"
    rf"|^(?P<plus>\d{{1,3}})\s*{YEARS}?\s*{A_LITTLE_MORE}\s*{YEARS}?$"
)
# Parts of a decade of age ("early 30s", "Mitte 20", "fin de la trentaine").
AGE_PARTS = [
    (r"early|anfang|debut", (0, 3)),
    (r"mid|mitte|milieu", (4, 6)),
    (r"late|ende|fin", (7, 9)),
]
AGE_PART = r"(?P<part>early|anfang|debut|mid|mitte|milieu|late|ende|fin)"
DECADE_NUMBER = re.compile(
    rf"^(?:in\s+(?:his|her|their)\s+|in\s+den\s+)?(?:{AGE_PART}\s*-?\s*)?(?P<n>[1-9]0)"
    r"(?P<decade>'?s|-?ern|-?\s*something)?$"
)
DECADE_WORDS = {
    "teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "vingtaine": 20, "trentaine": 30, "quarantaine": 40, "cinquantaine": 50,
    "soixantaine": 60, "zwanzig": 20, "dreissig": 30, "vierzig": 40, "funfzig": 50,
    "sechzig": 60,
}  # fmt: skip
DECADE_WORD = re.compile(
    rf"^(?:{AGED}\s*)?(?:in\s+(?:his|her|their)\s+|in\s+den\s+)?(?:{AGE_PART}\s*-?\s*(?:de\s+)?)?"
    r"(?:une\s+|la\s+)?(?P<word>[a-z]+?)(?:ern)?(?:\s+d'annees|\s+d'ans)?$"
)
# An infant's age: months, weeks or days, after any whole years.
MONTHS = r"(?P<mo>мес\w*|-?\s*месячн\w*|months?(?:\s+old)?|-?\s*months?-old|mois|monate?n?|mos?)"
WEEKS = r"(?P<wk>недел\w*|нед|weeks?(?:\s+old)?|-?\s*weeks?-old|semaines?|wochen?)"
DAYS = r"(?P<dy>дн\w*|день|days?(?:\s+old)?|-?\s*days?-old|jours?|tage?n?)"
IN_MONTHS = re.compile(
    rf"^(?:{AGED}\s*)?(?P<about>{APPROXIMATELY}\s*)?"
    rf"(?:(?P<y>\d{{1,2}})\s*{YEARS}[\s,]*(?:(?:и|and|et|und)\s+)?)?"
    rf"(?P<n>\d{{1,3}}){NUMBER_ENDING}\s*(?:{MONTHS}|{WEEKS}|{DAYS})(?:\s+alt)?\.?"
    rf"(?P<after>{APPROXIMATELY_AFTER})?$"
)
# A fraction of a year ("1,5 года", "полтора года", "полгода").
FRACTION = re.compile(
    rf"^(?:{AGED}\s*)?(?P<about>{APPROXIMATELY}\s*)?"
    rf"(?:(?P<n>\d{{1,2}}[.,]\d{{1,2}})\s*|(?P<word>полтора|полутора|пол)\s*-?\s*){YEARS}"
    rf"(?P<after>{APPROXIMATELY_AFTER})?$"
)
HALVES = {"полтора": 1.5, "полутора": 1.5, "пол": 0.5}
# An age written as the press writes it of someone: after an article ("a
# 28-year-old"), before the word for who they are ("28-year-old man",
# "16-летний подросток"), or with a note after it ("25 (на момент
# задержания)"). Read without them when the age alone is not readable.
# Words before an age: an article ("a 28-year-old"), or "he is" ("ему 21",
# "il a 21 ans", "er ist 21").
ARTICLE = re.compile(
    r"^(?:a|an|un|une|ein|eine|einen|ему|ей|ему\s+было|ей\s+было|he\s+is|she\s+is|aged|"
    r"il\s+a|elle\s+a|il\s+avait|elle\s+avait|er\s+ist|sie\s+ist|er\s+war|sie\s+war)\s+(?=\S*\d)"
)
WHO = re.compile(
    r"(?<=\S)\s+(?:man|woman|men|boy|girl|son|daughter|brother|sister|person|resident|student|"
    r"youth|teenager|мужчина|женщина|парень|юноша|девушка|подросток|житель|жительница|уроженец|"
    r"уроженка|студент|студентка|сын|брат|дочь|сестра|homme|femme|garcon|fille|jeune|mann|frau|"
    r"junge|madchen)$"
)
NOTE = re.compile(r"(?<=\S)\s*\((?=[^()]*[^\W\d_])[^()\d?]*\)$")
# A minor, and a teenager, as lists call them: under 18; 13 to 19.
MINOR = re.compile(r"^(?:несовершеннолетн\w*|minor|under-?age|mineure?s?|minderjahrig\w*)$")
TEENAGER = re.compile(r"^(?:подрост\w*|teenager|teen|adolescent\w*|jugendlich\w*)$")
NEWBORN = re.compile(r"^(?:новорожденн\w*|newborn|new-born|nouveau-nee?s?|neugeboren\w*)$")
INFANT = re.compile(
    r"^(?:младен\w*|грудн\w*(?:\s+(?:ребенок|младенец))?|infant|baby|bebe|nourrisson|saugling)$"
)
# Words that mark a value as a birth ("1994 г.р.", "1994г.р.", "1990 г/р",
# "д.р. 12.03.1990", "дата рождения:", "b. 1994", "Jahrgang 1994"), not
# inside another word (a number may stand right before them).
BORN = re.compile(
    r"(?<![^\W\d_])(?:"
    r"г\.?\s*[./]?\s*р\.?|год\w*\s+рожд\w*\.?|г\.\s*рожд\w*\.?|дата\s+рожд\w*\.?|д\s*[./]\s*р\.?|"
    r"рожд\w*\.?|родил\w*|род\.?|р\.|born(?:\s+in|\s+on)?|b\.|d\.?o\.?b\.?|date\s+of\s+birth|"
    r"year\s+of\s+birth|ne\(e\)(?:\s+en|\s+le)?|nee?(?:\s+en|\s+le)?|date\s+de\s+naissance|"
    r"annee\s+de\s+naissance|geboren(?:\s+am|\s+im)?|geb\.|geburtsdatum|geburtsjahr|jahrgang|"
    r"jg\.)(?![^\W\d_])\s*:?"
    r"|^\*\s*"  # the German sign for born ("*12.03.1990")
)
# A year or date marked as a guess, before or after it ("около 1990",
# "ca. 1990", "1990 environ").
GUESS_BEFORE = re.compile(
    r"^(?:~|≈|\+/-|±|(?:около|примерно|приблизительно|прибл|ок|about|around|approx\w*|roughly|"
    r"circa|ca|c|environ|env|vers|etwa|ungefahr|rund|gegen|um)(?![^\W\d_])\.?)\s*"
)
GUESS_AFTER = re.compile(rf"{APPROXIMATELY_AFTER}$")
# A value its writer was not sure of ("1990?", "30 (?)"), and what files
# put after a year for the month they do not know ("1990-??").
UNSURE = re.compile(r"(?<=[\w.)])\s*\?+$|\s*\(\s*\?+\s*\)$")
NO_MONTH = re.compile(r"(?<=\d)[-./]\?+$")
# A birth and an age side by side ("12.03.1990 (27 лет)", "1990, 27").
BESIDE = re.compile(
    r"^(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)$|^(?P<c>[^(),;]+?)\s*[,;]\s*(?P<d>[^(),;]+)$"
)
# Alternatives ("1998 or 1999", "1998 или 99"): the years from the first to the last.
EITHER = re.compile(r"\s+(?:or|или|либо|ou|oder)\s+")
# Decades of years and their parts, drawn as periods.py draws them for
# events (four years each, overlapping at the edges).
DECADE_PARTS = [
    (r"начал\w*|early|debut|anfang", (0, 3)),
    (r"середин\w*|mid|milieu|mitte", (3, 6)),
    (r"конц\w*|конец|late|fin|ende", (6, 9)),
    (r"перв\w*\s+половин\w*|first\s+half", (0, 4)),
    (r"втор\w*\s+половин\w*|second\s+half", (5, 9)),
]
DECADE_OF_YEARS = re.compile(
    r"^(?:в|во|au|in\s+the|the|die|les)?\s*(?:(?P<part>"
    + "|".join(pattern for pattern, _years in DECADE_PARTS)
    + r")\s*-?\s*(?:of\s+the|of|des|der)?\s*)?"
    r"(?:(?:les\s+)?annees\s+(?P<a>\d0|\d{3}0)"
    r"|(?P<b>\d0|\d{3}0)-?(?:е|х|ые|ых)(?:\s+(?:год\w*|гг\.?))?"
    r"|(?P<c>\d{3}0)'?s|(?P<d>\d0|\d{3}0)er(?:\s+jahren?)?)$"
)
# A year whose last digit is not known ("198?", "198x", "198_").
DECADE_DIGIT_UNKNOWN = re.compile(r"^(?P<d>1[89]\d|20\d)(?:\?|x|х|_|\*|-)$")
ROMAN_MONTH = re.compile(
    r"(?<![\w.])(?P<d>\d{1,2})\s*(?P<s>[./-]|\s)\s*(?P<m>xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)"
    r"\s*(?P=s)\s*(?P<y>\d{4}|\d{2})(?!\d)"
)


def _unsure(value: str) -> str:
    """ "1990?", "30 (?)": a value its writer was not sure of, read as approximate."""
    if not re.search(r"\d", value):
        return value
    value = NO_MONTH.sub("", value)
    return "~" + bare if (bare := UNSURE.sub("", value)) != value else value


@functools.lru_cache(maxsize=1 << 16)
def read_age(text: str) -> Age | None:
    """An age as written, in digits or in words; None for nothing."""
    value = _unsure(in_digits(normal(text)).strip(" .,"))
    if not value or UNKNOWN.match(value):
        return None
    try:
        return _age(value)
    except Unreadable:
        if value.startswith("(") and value.endswith(")") and value.count("(") == 1:
            return _age(value[1:-1].strip())  # "(28)", as written after a name
        numbered = [part.strip() for part in value.split(",") if any(c.isdigit() for c in part)]
        if "," in value and len(numbered) == 1:
            return _age(numbered[0])  # "пенсионерка, 65 лет": who, then the age
        bare = NOTE.sub("", WHO.sub("", ARTICLE.sub("", value)))
        if bare == value or not bare:
            raise
        return _age(bare)


def _age(value: str) -> Age:
    if match := AGE.match(value):
        low = int(match["n"])
        high = int(match["m"]) if match["m"] else low
        if high < low or high > OLDEST:
            raise Unreadable
        if "/" in value and high - low > 2:  # "3/12": a day and month, not ages
            raise Unreadable
        if match["about"] or match["after"]:
            return Age(max(0, low - ABOUT), high + ABOUT, True)
        return Age(low, high)
    if match := UNDER.match(value):
        years = int(match["n"])
        return Age(max(0, years - ABOUT), max(0, years - 1), True)
    if match := OVER.match(value):
        years = int(match["n"] or match["plus"])
        return Age(years + 1, years + 2 * ABOUT, True)
    if (match := DECADE_NUMBER.match(value)) and (match["part"] or match["decade"]):
        return _decade(int(match["n"]), match["part"])
    if (match := DECADE_WORD.match(value)) and match["word"] in DECADE_WORDS:
        decade = DECADE_WORDS[match["word"]]
        if decade == 10:  # teens
            return Age(13, 19, True)
        return _decade(decade, match["part"])
    if TEENAGER.match(value):
        return Age(13, 19, True)
    if MINOR.match(value):
        return Age(0, 17, True)
    return _infant(value)


def _decade(decade: int, part: str | None) -> Age:
    first, last = next((d for p, d in AGE_PARTS if part and re.fullmatch(p, part)), (0, 9))
    return Age(decade + first, decade + last, True)


def _infant(value: str) -> Age:
    """An age in months, weeks or days, a fraction of a year, a newborn or
    an infant; Unreadable if the value is none of these."""
    approximate = False
    if match := IN_MONTHS.match(value):
        count = int(match["n"])
        approximate = bool(match["about"] or match["after"])
        widen = ABOUT if approximate else 0  # months, weeks or days, as written
        low, high = max(0, count - widen), count + widen
        if match["wk"] or match["dy"]:  # whole months in these days
            days = 7 if match["wk"] else 1
            low, high = low * days // 31, (high * days + days - 1) // 28
        years = 12 * int(match["y"] or 0)
        low, high = low + years, high + years
    elif match := FRACTION.match(value):
        written = float(match["n"].replace(",", ".")) if match["n"] else HALVES[match["word"]]
        low = round(12 * written)
        # A year and a half is said until two years: the next half year.
        high = low // 6 * 6 + 5
        approximate = bool(match["about"] or match["after"])
        widen = 6 * ABOUT if approximate else 0  # half years
        low, high = max(0, low - widen), high + widen
    elif NEWBORN.match(value):
        low, high = 0, 1
    elif INFANT.match(value):  # a baby: under two, as lists use the word
        low, high, approximate = 0, 23, True
    else:
        raise Unreadable
    if high > 12 * OLDEST:
        raise Unreadable
    return Age(low // 12, high // 12, approximate, months=(low, high))


@dataclass(frozen=True)
class Birth:
    """A birth as a record gives it: the days it allows, or an age."""

    period: Period | None = None
    age: Age | None = None
    # The years a guess allows ("около 1990": 1987 to 1993), wider than
    # its period as written; None when the period says them.
    years: tuple[int, int] | None = None


@functools.lru_cache(maxsize=1 << 16)
def birth_of(text: str, today: datetime.date | None = None) -> Birth | None:
    """A birth column's value: a date, a month, a year or years, or an age
    (a number of at most three digits is an age); None for nothing."""
    value = normal(text).strip(" .,")
    if not value:
        return None
    today = today or datetime.date.today()
    if match := DECADE_DIGIT_UNKNOWN.match(value):  # "198?": the 1980s
        return Birth(period=read_period(f"{match['d']}0-{match['d']}9", today))
    value = ROMAN_MONTH.sub(
        lambda match: f"{match['d']}.{ROMAN_MONTHS[match['m']]:02d}.{match['y']}", _unsure(value)
    )
    if re.fullmatch(r"\d{1,3}", value) or not re.search(r"\d{4}", value):
        # No year in it: a decade ("80-х", not an age), an age, or nothing readable.
        if (decade := _decade_of_years(value, today)) is not None:
            return Birth(period=decade)
        try:
            age = read_age(value)
        except Unreadable:
            period = read_period(value, today, words=False)
            if period is not None and not period.year_given:
                raise Unreadable from None
            return Birth(period=period) if period else None
        return Birth(age=age) if age else None
    periods: list[Period] = []
    guessed = False
    for part in EITHER.split(_without_age(value)):
        if periods and re.fullmatch(r"\d{2}", part):  # "1998 или 99"
            before = periods[-1].last.year
            year = before // 100 * 100 + int(part)
            part = str(year if year >= before else year + 100)
        period, guess = _one_birth(part, today)
        periods.append(period)
        guessed = guessed or guess
    period = periods[0]
    if len(periods) > 1:
        period = Period(min(p.first for p in periods), max(p.last for p in periods))
    if not guessed:
        return Birth(period=period)
    years = (period.first.year - ABOUT, min(period.last.year + ABOUT, today.year))
    return Birth(period=period, years=years)


def _without_age(value: str) -> str:
    """A birth written beside an age ("12.03.1990 (27 лет)", "27 лет (1990
    г.р.)", "1990, 27"): the birth alone, the more precise of the two;
    other values as they are."""
    match = BESIDE.match(value)
    if match is None:
        return value
    one, other = (match["a"], match["b"]) if match["a"] else (match["c"], match["d"])
    for birth, age in ((one, other), (other, one)):
        if re.search(r"\d{4}", birth) and not re.search(r"\d{4}", age) and _is_age(age):
            return birth
    return value


def _is_age(value: str) -> bool:
    try:
        return read_age(value) is not None
    except Unreadable:
        return False


def _one_birth(value: str, today: datetime.date) -> tuple[Period, bool]:
    """A birth with its year: the days it allows, and whether it is
    marked as a guess."""
    cleaned = " ".join(BORN.sub(" ", value).split())
    bare = GUESS_AFTER.sub("", GUESS_BEFORE.sub("", cleaned)).strip()
    period = _decade_of_years(bare, today) or read_period(bare, today, words=False)
    if period is None:
        raise Unreadable
    return period, bare != cleaned


def _decade_of_years(value: str, today: datetime.date) -> Period | None:
    """A decade of years or a part of one ("1990-е", "конец 80-х",
    "late 1980s", "fin des années 80"); None if the value is not one. Two
    digits are of the latest century that is not in the future."""
    match = DECADE_OF_YEARS.match(value)
    if match is None:
        return None
    written = match["a"] or match["b"] or match["c"] or match["d"]
    decade = int(written)
    if len(written) == 2:
        decade += today.year // 100 * 100
        if decade > today.year:
            decade -= 100
    part = match["part"]
    first, last = next((d for p, d in DECADE_PARTS if part and re.fullmatch(p, part)), (0, 9))
    return read_period(f"{decade + first}-{decade + last}", today)


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
    if birth is not None and birth.years is not None:
        return birth.years
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

    kind: str  # "empty", "date", "month", "year", "age", "infant" (an age in months)
    year: int | None = None
    approximate: bool = False
    age: int | None = None


def read_birth(text: str, today: datetime.date | None = None) -> Reading:
    """A birth as one of the kinds a page words differently."""
    birth = birth_of(text, today)
    if birth is None:
        return Reading("empty")
    if birth.age is not None and birth.age.months is not None:
        return Reading("infant", None, birth.age.approximate)
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
    return Reading(kind, period.first.year, period.approximate or birth.years is not None)


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
    if birth.age is not None and birth.age.months is not None:
        # An infant: the months back from the middle of the year.
        middle = sum(birth.age.months) // 2
        return (reference_year * 12 + 6 - middle) // 12, True
    if birth.age is not None:
        middle = (birth.age.low + birth.age.high) // 2
        return reference_year - middle, True
    assert birth.period is not None  # noqa: S101
    period = birth.period
    return period.first.year, period.approximate or birth.years is not None or (
        not period.exact and (period.first.year != period.last.year)
    )
