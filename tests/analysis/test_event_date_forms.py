"""Dates of events as lists of detentions write them beyond a plain day or
month: decades, nights, times of day, ranges, ten-day periods, quarters,
halves and parts of a season, a month before or after its year, Roman
months and days without their year. Each is the span of days it allows,
neither narrower (which would keep one person's records apart) nor
refused (which would lose the date)."""

from __future__ import annotations

import datetime

import pytest

from safepassage.analysis.linkage.victims import _before
from safepassage.analysis.periods import Period, Unreadable
from safepassage.analysis.values import birth_of, read_event_date

D = datetime.date
TODAY = D(2024, 1, 1)


def span(text: str) -> tuple[D, D]:
    found = read_event_date(text, TODAY)
    assert found is not None
    assert found.year_given
    return found.first, found.last


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("2000-е", D(2000, 1, 1), D(2009, 12, 31)),
        ("в 2000-х годах", D(2000, 1, 1), D(2009, 12, 31)),
        ("в 2000-е годы", D(2000, 1, 1), D(2009, 12, 31)),
        ("the 2000s", D(2000, 1, 1), D(2009, 12, 31)),
        ("les années 2000", D(2000, 1, 1), D(2009, 12, 31)),
        ("die 2000er Jahre", D(2000, 1, 1), D(2009, 12, 31)),
        # Parts of a decade: four years each, overlapping as parts of a year do.
        ("в начале 2000-х", D(2000, 1, 1), D(2003, 12, 31)),
        ("early 2000s", D(2000, 1, 1), D(2003, 12, 31)),
        ("au début des années 2000", D(2000, 1, 1), D(2003, 12, 31)),
        ("в середине 2000-х", D(2003, 1, 1), D(2006, 12, 31)),
        ("mid-2000s", D(2003, 1, 1), D(2006, 12, 31)),
        ("в конце 1990-х", D(1996, 1, 1), D(1999, 12, 31)),
        ("Ende der 1990er Jahre", D(1996, 1, 1), D(1999, 12, 31)),
        ("во второй половине 1990-х годов", D(1995, 1, 1), D(1999, 12, 31)),
        # Two digits: the latest century not in the future.
        ("в 90-е", D(1990, 1, 1), D(1999, 12, 31)),
        ("в конце 90-х", D(1996, 1, 1), D(1999, 12, 31)),
        ("early 90s", D(1990, 1, 1), D(1993, 12, 31)),
        # Two decades as a range.
        ("конец 1990-х - начало 2000-х", D(1996, 1, 1), D(2003, 12, 31)),
    ],
)
def test_it_reads_a_decade_as_its_ten_years_or_a_part_of_them(
    written: str, first: D, last: D
) -> None:
    assert span(written) == (first, last)


def test_a_day_written_as_an_ordinal_is_not_a_decade() -> None:
    assert span("20-е марта 2017") == (D(2017, 3, 20), D(2017, 3, 20))
    found = read_event_date("20-е марта", TODAY)
    assert found is not None
    assert (found.in_year(2017).first, found.year_given) == (D(2017, 3, 20), False)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        # The night before the day named.
        ("в ночь на 12 марта 2017 года", D(2017, 3, 11), D(2017, 3, 12)),
        ("ночь на 12.03.2017", D(2017, 3, 11), D(2017, 3, 12)),
        ("задержан в ночь на 1 января 2017 г.", D(2016, 12, 31), D(2017, 1, 1)),
        ("in der Nacht zum 12. März 2017", D(2017, 3, 11), D(2017, 3, 12)),
        ("in der Nacht auf den 12. März 2017", D(2017, 3, 11), D(2017, 3, 12)),
        # A night between two days.
        ("в ночь с 11 на 12 марта 2017 г.", D(2017, 3, 11), D(2017, 3, 12)),
        ("dans la nuit du 11 au 12 mars 2017", D(2017, 3, 11), D(2017, 3, 12)),
        ("in the night of 11 to 12 March 2017", D(2017, 3, 11), D(2017, 3, 12)),
        ("in der Nacht vom 11. auf den 12. März 2017", D(2017, 3, 11), D(2017, 3, 12)),
        ("в ночь с 31 декабря 2016 на 1 января 2017", D(2016, 12, 31), D(2017, 1, 1)),
        # The night of one day alone: lists put it on either side of that day.
        ("ночью 12 марта 2017 года", D(2017, 3, 11), D(2017, 3, 13)),
        ("on the night of 12 March 2017", D(2017, 3, 11), D(2017, 3, 13)),
    ],
)
def test_it_reads_a_night_as_the_two_days_it_joins(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    "written",
    ["12.03.2017 05:00", "12 марта 2017 г. около 14:00", "12 марта 2017 года в 05:00",
     "2017-03-12T05:00", "2017-03-12 05:00:00", "12/03/2017 5:00 PM", "12.03.2017 в 14.00",
     "12 mars 2017 vers 14h30", "12. März 2017 gegen 5 Uhr", "12 марта 2017 г. около 5 часов утра",
     "March 12, 2017 at 5:00 a.m."],
)  # fmt: skip
def test_it_reads_a_day_with_a_time_as_the_day(written: str) -> None:
    assert span(written) == (D(2017, 3, 12), D(2017, 3, 12))


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("в период с 12 по 15 марта 2017 г.", D(2017, 3, 12), D(2017, 3, 15)),
        ("с 12 по 15 марта 2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("между 12 и 15 марта 2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("du 12 au 15 mars 2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("between 12 and 15 March 2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("de mars à mai 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("von März bis Mai 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("from March to May 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("март–апрель 2017", D(2017, 3, 1), D(2017, 4, 30)),
        ("Ende März/Anfang April 2017", D(2017, 3, 20), D(2017, 4, 10)),
        ("в конце марта / начале апреля 2017 года", D(2017, 3, 20), D(2017, 4, 10)),
        ("11/12 марта 2017", D(2017, 3, 11), D(2017, 3, 12)),
    ],
)
def test_it_reads_a_range_however_its_ends_are_joined(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("в первой декаде марта 2017", D(2017, 3, 1), D(2017, 3, 10)),
        ("во второй декаде марта 2017 г.", D(2017, 3, 11), D(2017, 3, 20)),
        ("в третьей декаде марта 2017", D(2017, 3, 21), D(2017, 3, 31)),
        ("3-я декада февраля 2017", D(2017, 2, 21), D(2017, 2, 28)),
    ],
)
def test_it_reads_a_ten_day_period_of_a_month(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("Maerz 2017", D(2017, 3, 1), D(2017, 3, 31)),
        ("März 2017", D(2017, 3, 1), D(2017, 3, 31)),
        # Quarters by their ordinal, in words or digits.
        ("во втором квартале 2017 года", D(2017, 4, 1), D(2017, 6, 30)),
        ("2. Quartal 2017", D(2017, 4, 1), D(2017, 6, 30)),
        ("second quarter of 2017", D(2017, 4, 1), D(2017, 6, 30)),
        ("deuxième trimestre 2017", D(2017, 4, 1), D(2017, 6, 30)),
        ("4 кв. 2017", D(2017, 10, 1), D(2017, 12, 31)),
        ("в 1-м квартале 2017", D(2017, 1, 1), D(2017, 3, 31)),
        # Halves of a year.
        ("I полугодие 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("первое полугодие 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("1-я половина 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("first half of 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("premier semestre 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("erstes Halbjahr 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("2. Halbjahr 2017", D(2017, 7, 1), D(2017, 12, 31)),
        # Parts of a season: half of it and half a month past its end,
        # since seasons are drawn by the calendar or by the sun.
        ("Spätsommer 2017", D(2017, 7, 15), D(2017, 9, 15)),
        ("late summer 2017", D(2017, 7, 15), D(2017, 9, 15)),
        ("fin de l'été 2017", D(2017, 7, 15), D(2017, 9, 15)),
        ("конец лета 2017", D(2017, 7, 15), D(2017, 9, 15)),
        ("в конце лета 2017 года", D(2017, 7, 15), D(2017, 9, 15)),
        ("early spring 2017", D(2017, 3, 1), D(2017, 4, 15)),
        ("Frühsommer 2017", D(2017, 6, 1), D(2017, 7, 15)),
        ("в середине осени 2017", D(2017, 9, 15), D(2017, 11, 15)),
        ("late winter 2017", D(2017, 1, 15), D(2017, 3, 15)),
    ],
)
def test_it_reads_no_wider_than_the_words_say(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("март, 2017", D(2017, 3, 1), D(2017, 3, 31)),
        ("2017, март", D(2017, 3, 1), D(2017, 3, 31)),
        ("2017 г., март", D(2017, 3, 1), D(2017, 3, 31)),
        ("в 2017 году, в марте", D(2017, 3, 1), D(2017, 3, 31)),
        ("2017, 12 марта", D(2017, 3, 12), D(2017, 3, 12)),
        ("March, 2017", D(2017, 3, 1), D(2017, 3, 31)),
        ("12.III.2017", D(2017, 3, 12), D(2017, 3, 12)),
        ("12 XI 2017", D(2017, 11, 12), D(2017, 11, 12)),
        ("12.x.2017", D(2017, 10, 12), D(2017, 10, 12)),  # a Roman month, not a placeholder
    ],
)
def test_it_reads_a_month_beside_its_year_and_a_roman_month(
    written: str, first: D, last: D
) -> None:
    assert span(written) == (first, last)


def test_placeholders_for_the_month_are_still_the_year() -> None:
    assert span("xx.xx.2017") == (D(2017, 1, 1), D(2017, 12, 31))
    assert span("12.xx.2017") == (D(2017, 1, 1), D(2017, 12, 31))


@pytest.mark.parametrize(
    ("written", "published", "first", "last"),
    [
        ("12 марта", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("12.03", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("12 March", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("March 12", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("le 12 mars", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("am 12. März", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 12)),
        ("в ночь на 12 марта", D(2017, 6, 1), D(2017, 3, 11), D(2017, 3, 12)),
        # After the publication's day in its year: the year before.
        ("12 марта", D(2017, 3, 1), D(2016, 3, 12), D(2016, 3, 12)),
        ("12 марта прошлого года", D(2017, 6, 1), D(2016, 3, 12), D(2016, 3, 12)),
        ("с 12 по 15 марта", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 15)),
        ("12.03 - 15.03", D(2017, 6, 1), D(2017, 3, 12), D(2017, 3, 15)),
        ("в конце февраля - начале марта", D(2017, 6, 1), D(2017, 2, 20), D(2017, 3, 10)),
        ("в ночь на 1 января", D(2017, 6, 1), D(2016, 12, 31), D(2017, 1, 1)),
    ],
)
def test_a_day_without_its_year_is_placed_by_the_publication(
    written: str, published: D, first: D, last: D
) -> None:
    found = read_event_date(written, TODAY)
    assert found is not None
    assert not found.year_given
    placed = _before(found, Period(published, published), 2024)
    assert placed is not None
    assert (placed.first, placed.last) == (first, last)


def test_a_day_without_its_year_and_no_publication_is_in_the_runs_year() -> None:
    found = read_event_date("12 марта", TODAY)
    assert found is not None
    placed = _before(found, None, 2019)
    assert placed is not None
    assert (placed.first, placed.last) == (D(2019, 3, 12), D(2019, 3, 12))
    leap = read_event_date("29 февраля", TODAY)
    assert leap is not None
    placed = _before(leap, None, 2020)
    assert placed is not None
    assert placed.first <= D(2020, 2, 29) <= placed.last


# Wednesday, 15 March 2017.
WEDNESDAY = Period(D(2017, 3, 15), D(2017, 3, 15))


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("вчера", D(2017, 3, 14), D(2017, 3, 14)),
        ("Вчера вечером", D(2017, 3, 14), D(2017, 3, 14)),
        ("позавчера", D(2017, 3, 13), D(2017, 3, 13)),
        ("сегодня утром", D(2017, 3, 15), D(2017, 3, 15)),
        ("вчера ночью", D(2017, 3, 14), D(2017, 3, 15)),
        ("три дня назад", D(2017, 3, 12), D(2017, 3, 12)),
        ("3 дня тому назад", D(2017, 3, 12), D(2017, 3, 12)),
        ("несколько дней назад", D(2017, 3, 5), D(2017, 3, 14)),
        ("на днях", D(2017, 3, 5), D(2017, 3, 14)),
        ("неделю назад", D(2017, 3, 6), D(2017, 3, 10)),
        ("около двух недель назад", D(2017, 2, 27), D(2017, 3, 3)),
        # The week before this one, whatever day this is.
        ("на прошлой неделе", D(2017, 3, 2), D(2017, 3, 14)),
        ("на этой неделе", D(2017, 3, 9), D(2017, 3, 15)),
        ("месяц назад", D(2017, 2, 3), D(2017, 2, 23)),
        # Last month is the calendar month before.
        ("в прошлом месяце", D(2017, 2, 1), D(2017, 2, 28)),
        ("в этом месяце", D(2017, 3, 1), D(2017, 3, 15)),
        # A weekday is the latest of its name.
        ("в понедельник", D(2017, 3, 13), D(2017, 3, 13)),
        ("в прошлую пятницу", D(2017, 3, 10), D(2017, 3, 10)),
        ("в среду", D(2017, 3, 15), D(2017, 3, 15)),
        ("yesterday", D(2017, 3, 14), D(2017, 3, 14)),
        ("two days ago", D(2017, 3, 13), D(2017, 3, 13)),
        ("a week ago", D(2017, 3, 6), D(2017, 3, 10)),
        ("last week", D(2017, 3, 2), D(2017, 3, 14)),
        ("last month", D(2017, 2, 1), D(2017, 2, 28)),
        ("on Sunday", D(2017, 3, 12), D(2017, 3, 12)),
        ("hier soir", D(2017, 3, 14), D(2017, 3, 14)),
        ("il y a trois jours", D(2017, 3, 12), D(2017, 3, 12)),
        ("la semaine dernière", D(2017, 3, 2), D(2017, 3, 14)),
        ("lundi dernier", D(2017, 3, 13), D(2017, 3, 13)),
        ("il y a un mois", D(2017, 2, 3), D(2017, 2, 23)),
        ("gestern", D(2017, 3, 14), D(2017, 3, 14)),
        ("vor zwei Wochen", D(2017, 2, 27), D(2017, 3, 3)),
        ("letzten Monat", D(2017, 2, 1), D(2017, 2, 28)),
        ("am Montag", D(2017, 3, 13), D(2017, 3, 13)),
        ("la nuit dernière", D(2017, 3, 14), D(2017, 3, 15)),
        ("last night", D(2017, 3, 14), D(2017, 3, 15)),
        ("il y a quelques jours", D(2017, 3, 5), D(2017, 3, 14)),
        ("vor einigen Tagen", D(2017, 3, 5), D(2017, 3, 14)),
        ("the other day", D(2017, 3, 5), D(2017, 3, 14)),
        ("earlier this month", D(2017, 3, 1), D(2017, 3, 15)),
        ("cette semaine", D(2017, 3, 9), D(2017, 3, 15)),
        ("letzte Woche", D(2017, 3, 2), D(2017, 3, 14)),
        # A part of last month, as a month is parted.
        ("в конце прошлого месяца", D(2017, 2, 20), D(2017, 2, 28)),
        ("в начале прошлого месяца", D(2017, 2, 1), D(2017, 2, 10)),
        ("в середине прошлого месяца", D(2017, 2, 10), D(2017, 2, 20)),
        ("late last month", D(2017, 2, 20), D(2017, 2, 28)),
        ("fin du mois dernier", D(2017, 2, 20), D(2017, 2, 28)),
        ("Anfang letzten Monats", D(2017, 2, 1), D(2017, 2, 10)),
        # The weekend before the day written (a Wednesday).
        ("в минувшие выходные", D(2017, 3, 11), D(2017, 3, 12)),
        ("на выходных", D(2017, 3, 11), D(2017, 3, 12)),
        ("last weekend", D(2017, 3, 11), D(2017, 3, 12)),
        ("le week-end dernier", D(2017, 3, 11), D(2017, 3, 12)),
        ("am Wochenende", D(2017, 3, 11), D(2017, 3, 12)),
    ],
)
def test_a_date_counted_back_is_placed_from_the_publication(
    written: str, first: D, last: D
) -> None:
    found = read_event_date(written, TODAY)
    assert found is not None
    assert found.back is not None
    assert placed(written) == (first, last)


def placed(written: str) -> tuple[D, D]:
    """The days a date of events allows in an article of WEDNESDAY."""
    found = read_event_date(written, TODAY)
    assert found is not None
    before = _before(found, WEDNESDAY, 2024)
    assert before is not None
    return before.first, before.last


def test_a_date_counted_back_from_a_month_allows_the_whole_month_back() -> None:
    found = read_event_date("три дня назад", TODAY)
    assert found is not None
    placed = _before(found, Period(D(2017, 3, 1), D(2017, 3, 31)), 2024)
    assert placed is not None
    assert (placed.first, placed.last) == (D(2017, 2, 26), D(2017, 3, 28))


def test_a_date_counted_back_from_no_date_is_no_date() -> None:
    found = read_event_date("last week", TODAY)
    assert found is not None
    assert _before(found, None, 2017) is None
    assert _before(found, Period(D(2001, 3, 15), D(2001, 3, 15), year_given=False), 2017) is None


def test_a_weekday_beside_a_date_is_the_date() -> None:
    assert span("в понедельник, 13 марта 2017") == (D(2017, 3, 13), D(2017, 3, 13))


def test_a_slash_date_is_read_as_a_birth_is_with_the_swap_kept() -> None:
    event = read_event_date("3/12/2017", TODAY)
    birth = birth_of("3/12/2017", TODAY)
    assert event is not None
    assert birth is not None
    assert birth.period is not None
    assert (event.first, event.swapped) == (birth.period.first, birth.period.swapped)
    assert {event.first, event.swapped} == {D(2017, 3, 12), D(2017, 12, 3)}


@pytest.mark.parametrize(
    "written",
    ["12.03.2017 15.03.2017", "12 марта 2017 25:00", "в ночь на", "13.13"],
)
def test_what_is_still_not_a_date_is_unreadable(written: str) -> None:
    with pytest.raises(Unreadable):
        read_event_date(written, TODAY)


def test_a_record_counted_back_from_its_publication_is_linked_on_those_days() -> None:
    from safepassage.analysis.linkage.victims import SourceRecord, prepare

    records = [
        SourceRecord(
            "A", "1", name="Умаров Магомед", event_date="три дня назад", age_date="15.03.2017"
        ),
        SourceRecord("A", "2", name="Алиев Руслан", event_date="три дня назад"),
    ]
    dated, undated = prepare(records, 2017)
    assert (dated["event_lo"], dated["event_hi"]) == (D(2017, 3, 12).toordinal(),) * 2
    assert (undated["event_lo"], undated["event_hi"]) == (None, None)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("27.02.2017 или 28.02.2017", D(2017, 2, 27), D(2017, 2, 28)),
        ("27 или 28 февраля 2017", D(2017, 2, 27), D(2017, 2, 28)),
        ("March or April 2017", D(2017, 3, 1), D(2017, 4, 30)),
        ("февраль или март 2017 года", D(2017, 2, 1), D(2017, 3, 31)),
        ("в конце февраля или в начале марта 2017", D(2017, 2, 20), D(2017, 3, 10)),
        ("printemps ou été 2017", D(2017, 3, 1), D(2017, 8, 31)),
        ("2016 oder 2017", D(2016, 1, 1), D(2017, 12, 31)),
    ],
)
def test_it_reads_alternatives_as_the_days_from_the_first_to_the_last(
    written: str, first: D, last: D
) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("накануне 8 марта 2017", D(2017, 3, 7), D(2017, 3, 7)),
        ("задержан накануне 8 марта 2017 года", D(2017, 3, 7), D(2017, 3, 7)),
        ("on the eve of 8 March 2017", D(2017, 3, 7), D(2017, 3, 7)),
        ("la veille du 8 mars 2017", D(2017, 3, 7), D(2017, 3, 7)),
        ("am Vorabend des 8. März 2017", D(2017, 3, 7), D(2017, 3, 7)),
        ("накануне марта 2017", D(2017, 2, 28), D(2017, 3, 31)),
    ],
)
def test_it_reads_the_eve_of_a_day_as_the_day_before(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("в конце прошлого года", D(2016, 8, 1), D(2016, 12, 31)),
        ("в начале прошлого года", D(2016, 1, 1), D(2016, 5, 31)),
        ("late last year", D(2016, 8, 1), D(2016, 12, 31)),
    ],
)
def test_a_part_of_last_year_is_placed_before_the_publication(
    written: str, first: D, last: D
) -> None:
    assert placed(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        # Russian months typed in Latin letters, a sign for ь after them.
        ("fevral` 2020", D(2020, 2, 1), D(2020, 2, 29)),
        ("oktyabr' 2019", D(2019, 10, 1), D(2019, 10, 31)),
        ("dekabrʹ 2018", D(2018, 12, 1), D(2018, 12, 31)),
        ("12 iyulya 2019", D(2019, 7, 12), D(2019, 7, 12)),
        ("yanvar 2019", D(2019, 1, 1), D(2019, 1, 31)),
        ("noyabr 2018", D(2018, 11, 1), D(2018, 11, 30)),
    ],
)
def test_a_russian_month_in_latin_letters_is_read(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("в канун Нового года", D(2016, 12, 31), D(2016, 12, 31)),
        ("на Новый год", D(2017, 1, 1), D(2017, 1, 1)),
        ("New Year's Eve", D(2016, 12, 31), D(2016, 12, 31)),
        ("la Saint-Sylvestre", D(2016, 12, 31), D(2016, 12, 31)),
    ],
)
def test_new_years_day_and_its_eve_are_placed_before_the_publication(
    written: str, first: D, last: D
) -> None:
    assert placed(written) == (first, last)


def test_new_years_eve_with_its_year_is_that_day() -> None:
    assert span("накануне Нового года 2019") == (D(2018, 12, 31), D(2018, 12, 31))
