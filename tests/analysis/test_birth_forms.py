"""Births and ages as victim lists write them beyond a plain date, year or
number: a year marked as a guess, Russian abbreviations, a birth beside an
age, alternatives, decades, Roman months, ages in words of four languages
and infants' ages in months. Each is the range of birth years it allows,
neither narrower (which would keep one person's records apart) nor refused
(which would lose the birth)."""

from __future__ import annotations

import datetime

import pytest

from safepassage.analysis.periods import Period, Unreadable
from safepassage.analysis.values import (
    ABOUT,
    Age,
    birth_of,
    birth_range,
    birth_year,
    read_age,
    read_birth,
)

D = datetime.date
TODAY = D(2024, 1, 1)
# The date an age refers to: a publication of 15 March 2017.
PUBLISHED = Period(D(2017, 3, 15), D(2017, 3, 15))
THE_YEAR = Period(D(2017, 1, 1), D(2017, 12, 31))


def years(text: str, at: Period = PUBLISHED) -> tuple[int | None, int | None]:
    return birth_range(birth_of(text, TODAY), None, at)


@pytest.mark.parametrize(
    "written",
    ["около 1990", "~1990", "ca. 1990", "circa 1990", "vers 1990", "etwa 1990",
     "примерно 1990 г.р.", "ок. 1990", "born c. 1990", "1990 environ", "1990 (примерно)",
     "1990?", "1990 (?)"],
)  # fmt: skip
def test_it_reads_a_year_marked_as_a_guess_as_wide_as_an_approximate_age(written: str) -> None:
    assert years(written) == (1990 - ABOUT, 1990 + ABOUT)
    # The written year is kept for the page and the plain linkage.
    reading = read_birth(written, TODAY)
    assert (reading.kind, reading.year, reading.approximate) == ("year", 1990, True)
    assert birth_year(written, 2017) == (1990, True)


def test_a_guessed_year_is_as_wide_as_the_same_guess_of_an_age() -> None:
    assert read_age("около 27") == Age(27 - ABOUT, 27 + ABOUT, True)
    low, high = years("около 1990")
    assert (low, high) == (1990 - ABOUT, 1990 + ABOUT)


def test_a_guess_does_not_reach_past_today_and_keeps_its_date() -> None:
    assert years("около 2022") == (2019, 2024)
    birth = birth_of("около 12.03.1990", TODAY)
    assert birth is not None
    assert birth.period is not None
    assert birth.period.exact  # still compared as a date
    assert birth_range(birth, None, PUBLISHED) == (1987, 1993)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("1994г.р.", D(1994, 1, 1), D(1994, 12, 31)),
        ("12.03.1990г.р.", D(1990, 3, 12), D(1990, 3, 12)),
        ("1990гр", D(1990, 1, 1), D(1990, 12, 31)),
        ("1990 г/р", D(1990, 1, 1), D(1990, 12, 31)),
        ("рожд. 1990", D(1990, 1, 1), D(1990, 12, 31)),
        ("д.р. 12.03.1990", D(1990, 3, 12), D(1990, 3, 12)),
        ("д/р 12.03.1990", D(1990, 3, 12), D(1990, 3, 12)),
        ("дата рождения: 12.03.1990", D(1990, 3, 12), D(1990, 3, 12)),
        ("родился 12.03.1990", D(1990, 3, 12), D(1990, 3, 12)),
        ("DOB: 12.03.1990", D(1990, 3, 12), D(1990, 3, 12)),
        ("Jahrgang 1994", D(1994, 1, 1), D(1994, 12, 31)),
        ("Geburtsjahr 1994", D(1994, 1, 1), D(1994, 12, 31)),
        ("né(e) en 1994", D(1994, 1, 1), D(1994, 12, 31)),
    ],
)
def test_it_reads_the_words_that_mark_a_birth_however_abbreviated(
    written: str, first: D, last: D
) -> None:
    birth = birth_of(written, TODAY)
    assert birth is not None
    assert birth.period is not None
    assert (birth.period.first, birth.period.last) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("12.03.1990 (27 лет)", D(1990, 3, 12), D(1990, 3, 12)),
        ("1990 г.р. (27 лет)", D(1990, 1, 1), D(1990, 12, 31)),
        ("27 лет (1990 г.р.)", D(1990, 1, 1), D(1990, 12, 31)),
        ("1990 (27)", D(1990, 1, 1), D(1990, 12, 31)),
        ("12 марта 1990 г., 27 лет", D(1990, 3, 12), D(1990, 3, 12)),
        # The two disagree: the date, the more precise, is taken.
        ("12.03.1990 (45 лет)", D(1990, 3, 12), D(1990, 3, 12)),
    ],
)
def test_it_reads_the_birth_beside_an_age(written: str, first: D, last: D) -> None:
    birth = birth_of(written, TODAY)
    assert birth is not None
    assert birth.period is not None
    assert (birth.period.first, birth.period.last) == (first, last)


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("1998 or 1999", 1998, 1999),
        ("1998 или 1999", 1998, 1999),
        ("1998 ou 1999", 1998, 1999),
        ("1998 oder 1999", 1998, 1999),
        ("1999 или 1998", 1998, 1999),
        ("1998 или 99", 1998, 1999),
        ("1990er Jahre", 1990, 1999),
        ("80-х", 1980, 1989),
        ("les années 80", 1980, 1989),
        # Parts of a decade: four years each, overlapping as parts of a year do.
        ("конец 1980-х", 1986, 1989),
        ("в конце 80-х годов", 1986, 1989),
        ("начало 1990-х", 1990, 1993),
        ("mid-1990s", 1993, 1996),
        ("Ende der 1980er Jahre", 1986, 1989),
        ("во второй половине 1990-х", 1995, 1999),
    ],
)
def test_it_reads_alternatives_and_decades_as_their_years(
    written: str, low: int, high: int
) -> None:
    assert years(written) == (low, high)


@pytest.mark.parametrize("written", ["12.III.1990", "12 III 1990", "12-iii-1990", "12.III.90"])
def test_it_reads_a_roman_month(written: str) -> None:
    birth = birth_of(written, TODAY)
    assert birth is not None
    assert birth.period is not None
    assert (birth.period.first, birth.period.last) == (D(1990, 3, 12), D(1990, 3, 12))


@pytest.mark.parametrize(
    ("written", "low", "high", "approximate"),
    [
        ("28-jährig", 28, 28, False),
        ("28-jähriger", 28, 28, False),
        ("27 л.", 27, 27, False),
        ("Age: 28", 28, 28, False),
        ("27 или 28 лет", 27, 28, False),
        ("28 ans environ", 25, 31, True),
        ("30ish", 27, 33, True),
        # Parts of a decade of age, as "early 30s" and "late 20s" are.
        ("Anfang 30", 30, 33, True),
        ("Mitte 20", 24, 26, True),
        ("Ende 20", 27, 29, True),
        ("âgé d'une trentaine d'années", 30, 39, True),
        # A little over a number, as "за 30" is.
        ("30 с небольшим", 31, 36, True),
        ("30-odd", 31, 36, True),
    ],
)
def test_it_reads_ages_in_words(written: str, low: int, high: int, approximate: bool) -> None:
    assert read_age(written) == Age(low, high, approximate)
    birth = birth_of(written, TODAY)
    assert birth is not None
    assert birth.age == Age(low, high, approximate)


@pytest.mark.parametrize(
    ("written", "low", "high", "approximate"),
    [
        ("a 28-year-old", 28, 28, False),
        ("an 18-year-old", 18, 18, False),
        ("28-year-old man", 28, 28, False),
        ("28 y/o", 28, 28, False),
        ("(28)", 28, 28, False),
        ("16-летний подросток", 16, 16, False),
        ("28-летняя жительница", 28, 28, False),
        ("25 (на момент задержания)", 25, 25, False),
        ("25 (at the time of his detention)", 25, 25, False),
        # A note that is a guess keeps saying so.
        ("28 лет (примерно)", 28 - ABOUT, 28 + ABOUT, True),
        ("подросток", 13, 19, True),
        ("teenager", 13, 19, True),
        ("несовершеннолетний", 0, 17, True),
        ("mineur", 0, 17, True),
    ],
)
def test_it_reads_an_age_as_the_press_writes_it_of_someone(
    written: str, low: int, high: int, approximate: bool
) -> None:
    assert read_age(written) == Age(low, high, approximate)
    birth = birth_of(written, TODAY)
    assert birth is not None
    assert birth.age == Age(low, high, approximate)


@pytest.mark.parametrize("written", ["житель Грозного", "сын", "a man", "Ислам (имя изменено)"])
def test_words_about_someone_without_an_age_are_no_age(written: str) -> None:
    with pytest.raises(Unreadable):
        read_age(written)


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        # Seven months old on 15 March 2017: born in July or August 2016.
        ("7 мес.", 2016, 2016),
        ("8 месяцев", 2016, 2016),
        ("7 months", 2016, 2016),
        ("7 mois", 2016, 2016),
        ("7 Monate", 2016, 2016),
        ("7-month-old", 2016, 2016),
        ("1 месяц", 2017, 2017),
        ("3 недели", 2017, 2017),
        ("1 год 3 месяца", 2015, 2015),
        # A year and a half is said until two years: 18 to 23 months.
        ("1,5 года", 2015, 2015),
        ("1.5 years", 2015, 2015),
        ("полтора года", 2015, 2015),
        ("новорождённый", 2017, 2017),
    ],
)
def test_it_reads_an_infants_age_in_months(written: str, low: int, high: int) -> None:
    assert years(written) == (low, high)
    age = read_age(written)
    assert age is not None
    assert age.months is not None  # counted in months, not whole years


def test_an_infants_age_at_a_year_allows_that_year_and_the_one_before() -> None:
    assert years("7 мес.", THE_YEAR) == (2016, 2017)
    assert years("1,5 года", THE_YEAR) == (2015, 2016)
    # Counted back from the middle of the year, as other ages are.
    assert birth_year("7 мес.", 2017) == (2016, True)


@pytest.mark.parametrize(
    ("written", "low", "high", "approximate"),
    [
        ("двадцать восемь лет", 28, 28, False),
        ("Двадцать восемь", 28, 28, False),
        ("сорок лет", 40, 40, False),
        ("двадцать один год", 21, 21, False),
        ("в возрасте тридцати двух лет", 32, 32, False),
        ("около сорока лет", 37, 43, True),
        ("лет тридцать", 27, 33, True),
        ("за сорок", 41, 46, True),
        ("двадцатипятилетний", 25, 25, False),
        ("восемнадцатилетняя", 18, 18, False),
        ("сорокалетний мужчина", 40, 40, False),
        ("twenty-eight", 28, 28, False),
        ("a twenty-eight-year-old man", 28, 28, False),
        ("Thirty five years old", 35, 35, False),
        ("vingt-huit ans", 28, 28, False),
        ("vingt et un ans", 21, 21, False),
        ("soixante-douze ans", 72, 72, False),
        ("quatre-vingt-un ans", 81, 81, False),
        ("septante ans", 70, 70, False),
        ("achtundzwanzig Jahre", 28, 28, False),
        ("Fünfundzwanzig", 25, 25, False),
        ("dreißig Jahre alt", 30, 30, False),
        ("Mitte zwanzig", 24, 26, True),
        ("thirty-something", 30, 39, True),
        ("30-something", 30, 39, True),
        ("30 years of age", 30, 30, False),
    ],
)
def test_it_reads_a_number_of_years_written_in_words(
    written: str, low: int, high: int, approximate: bool
) -> None:
    assert read_age(written) == Age(low, high, approximate)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        # A placeholder typed in Cyrillic letters, or with stars.
        ("хх.хх.1990", 1990, 1990),
        ("**.**.1990", 1990, 1990),
        # The German sign for born.
        ("*1990", 1990, 1990),
        ("* 12.03.1990", 1990, 1990),
        # A year whose last digit is not known.
        ("198?", 1980, 1989),
        ("198x", 1980, 1989),
        # German abbreviations of an age, and two ages with a slash.
        ("28 J.", 1988, 1989),
        ("im Alter von 28 Jahren", 1988, 1989),
        ("28/29", 1987, 1989),
    ],
)
def test_it_reads_more_ways_of_writing_a_birth_or_an_age(
    written: str, first: int, last: int
) -> None:
    assert years(written) == (first, last)


@pytest.mark.parametrize(
    "written",
    ["1990 г. р.", "1994 г.р.", "1990 гр.", "род. в 1990 г.", "1990 года рожд.",
     "род. 12.03.1990", "1998/1999", "late twenties", "в возрасте 28 лет", "aged 28",
     "age 28", "une vingtaine d'années", "12.xx.1990"],
)  # fmt: skip
def test_forms_read_before_are_still_read(written: str) -> None:
    assert birth_of(written, TODAY) is not None


@pytest.mark.parametrize("written", ["1990-??-??", "1990-??", "1990-?"])
def test_a_month_not_known_after_its_year_is_the_year_not_a_guess(written: str) -> None:
    assert years(written) == (1990, 1990)
    assert not read_birth(written, TODAY).approximate


@pytest.mark.parametrize(
    "written",
    [
        "1,5",
        "12.5",
        "1990 (Грозный)",
        "5/12",
        "3/12",
        "12.03.1990 15.03.1990",
        "one",
        "un homme",
        "двадцатый",
    ],
)
def test_what_is_still_not_a_birth_is_unreadable(written: str) -> None:
    with pytest.raises(Unreadable):
        birth_of(written, TODAY)


@pytest.mark.parametrize(
    ("written", "age"),
    [
        ("ему 21", 21),
        ("ей было 19", 19),
        ("aged 30", 30),
        ("il a 21 ans", 21),
        ("er ist 21", 21),
        # Who the person is, then the age.
        ("пенсионерка, 65 лет", 65),
        ("студент, 19 лет", 19),
    ],
)
def test_an_age_after_words_about_the_person_is_read(written: str, age: int) -> None:
    found = read_age(written)
    assert found is not None
    assert (found.low, found.high) == (age, age)
