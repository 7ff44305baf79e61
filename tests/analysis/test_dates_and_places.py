"""Dates, ages and places as the lists of this region write them: each date a
span of days, each age a range of birth years, each place one entry of the
gazetteer however it is named; what cannot be read is said to be so."""

from __future__ import annotations

import datetime

import pytest

from safepassage.analysis.periods import Period, Unreadable, read_period
from safepassage.analysis.places import read_place
from safepassage.analysis.values import Age, birth_of, birth_range, read_age, read_sex

D = datetime.date


def span(text: str) -> tuple[D, D]:
    found = read_period(text)
    assert found is not None
    return found.first, found.last


@pytest.mark.parametrize(
    "written",
    ["12.04.2017", "12/04/2017", "2017-04-12", "12 апреля 2017 г.", "April 12, 2017",
     "12 avril 2017", "12 April 2017", "задержан 12.04.2017", "2017-04-12T10:00",
     "12. April 2017", "am 12. April 2017", "12.04.17"],
)  # fmt: skip
def test_it_reads_a_day_in_every_format(written: str) -> None:
    assert span(written) == (D(2017, 4, 12), D(2017, 4, 12))


def test_day_and_month_swapped_are_kept_for_comparison() -> None:
    found = read_period("03/04/2017")
    assert found is not None
    assert (found.first, found.swapped) == (D(2017, 4, 3), D(2017, 3, 4))
    assert span("04/25/2017") == (D(2017, 4, 25), D(2017, 4, 25))  # no 25th month
    assert read_period("2017-04-03").swapped is None  # year first: never swapped


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("XX.04.2017", D(2017, 4, 1), D(2017, 4, 30)),
        ("00.04.2017", D(2017, 4, 1), D(2017, 4, 30)),
        ("01.01.1990", D(1990, 1, 1), D(1990, 12, 31)),  # the placeholder for "unknown"
        ("XX/XX/1990", D(1990, 1, 1), D(1990, 12, 31)),
        ("апрель 2017", D(2017, 4, 1), D(2017, 4, 30)),
        ("в апреле 2017 года", D(2017, 4, 1), D(2017, 4, 30)),
        ("04.2017", D(2017, 4, 1), D(2017, 4, 30)),
        ("avril 2017", D(2017, 4, 1), D(2017, 4, 30)),
        ("в конце марта 2017", D(2017, 3, 20), D(2017, 3, 31)),
        ("late March 2017", D(2017, 3, 20), D(2017, 3, 31)),
        ("fin mars 2017", D(2017, 3, 20), D(2017, 3, 31)),
        ("mid-March 2017", D(2017, 3, 10), D(2017, 3, 20)),
        ("à la mi-mars 2017", D(2017, 3, 10), D(2017, 3, 20)),
        ("начало марта 2017", D(2017, 3, 1), D(2017, 3, 10)),
        ("первая половина марта 2017", D(2017, 3, 1), D(2017, 3, 15)),
        ("весна 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("весной 2017 года", D(2017, 3, 1), D(2017, 5, 31)),
        ("printemps 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("spring 2017", D(2017, 3, 1), D(2017, 5, 31)),
        ("winter 2018-19", D(2018, 12, 1), D(2019, 2, 28)),
        ("зима 2018-2019", D(2018, 12, 1), D(2019, 2, 28)),
        ("hiver 2018-2019", D(2018, 12, 1), D(2019, 2, 28)),
        ("2017-Q2", D(2017, 4, 1), D(2017, 6, 30)),
        ("II квартал 2017", D(2017, 4, 1), D(2017, 6, 30)),
        ("T2 2017", D(2017, 4, 1), D(2017, 6, 30)),
        ("март-апрель 2017", D(2017, 3, 1), D(2017, 4, 30)),
        ("2017", D(2017, 1, 1), D(2017, 12, 31)),
        ("2017-2018", D(2017, 1, 1), D(2018, 12, 31)),
        # Parts of a year, overlapping at their edges.
        ("late 2017", D(2017, 8, 1), D(2017, 12, 31)),
        ("в конце 2017 года", D(2017, 8, 1), D(2017, 12, 31)),
        ("début 2018", D(2018, 1, 1), D(2018, 5, 31)),
        ("mid-2017", D(2017, 4, 1), D(2017, 9, 30)),
        ("в первой половине 2017 года", D(2017, 1, 1), D(2017, 6, 30)),
        ("first half of 2017", D(2017, 1, 1), D(2017, 6, 30)),
        ("второе полугодие 2017 г.", D(2017, 7, 1), D(2017, 12, 31)),
        ("second half of 2017", D(2017, 7, 1), D(2017, 12, 31)),
        # Placeholders for the day and month in the year-first order.
        ("1990-XX-XX", D(1990, 1, 1), D(1990, 12, 31)),
        ("2017-03-xx", D(2017, 3, 1), D(2017, 3, 31)),
        ("?.?.1990", D(1990, 1, 1), D(1990, 12, 31)),
        # A bound alone: the year on that side of it.
        ("before April 2017", D(2016, 4, 1), D(2017, 3, 31)),
        ("до апреля 2017 года", D(2016, 4, 1), D(2017, 3, 31)),
        ("после 8 марта 2017", D(2017, 3, 9), D(2018, 3, 8)),
        ("задержан после 8 марта 2017", D(2017, 3, 9), D(2018, 3, 8)),
        ("avant mars 2017", D(2016, 3, 1), D(2017, 2, 28)),
        ("с 25 до 30 марта 2017", D(2017, 3, 25), D(2017, 3, 30)),  # a range, not a bound
        # Ranges of days, the first lacking what the second gives.
        ("с 25 по 30 марта 2017", D(2017, 3, 25), D(2017, 3, 30)),
        ("25-30 марта 2017", D(2017, 3, 25), D(2017, 3, 30)),
        ("du 2 au 5 avril 2017", D(2017, 4, 2), D(2017, 4, 5)),
        ("between 12 and 15 March 2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("March 25-30, 2017", D(2017, 3, 25), D(2017, 3, 30)),
        ("March 25 to April 2, 2017", D(2017, 3, 25), D(2017, 4, 2)),
        ("с 25 марта по 2 апреля 2017", D(2017, 3, 25), D(2017, 4, 2)),
        ("с 25 декабря по 5 января 2018", D(2017, 12, 25), D(2018, 1, 5)),
        ("12.03.2017 - 15.03.2017", D(2017, 3, 12), D(2017, 3, 15)),
        ("2017-03-12 – 2017-03-15", D(2017, 3, 12), D(2017, 3, 15)),
    ],
)
def test_it_reads_each_way_of_dating_events_as_a_span(written: str, first: D, last: D) -> None:
    assert span(written) == (first, last)


def test_a_date_without_its_year_is_placed_in_a_year_later() -> None:
    found = read_period("в конце марта")
    assert found is not None
    assert not found.year_given
    placed = found.in_year(2017)
    assert (placed.first, placed.last) == (D(2017, 3, 20), D(2017, 3, 31))
    winter = read_period("зимой")
    assert winter is not None
    assert (winter.in_year(2019).first, winter.in_year(2019).last) == (
        D(2018, 12, 1),
        D(2019, 2, 28),
    )


def test_summer_alone_is_a_season_and_years_alone_are_not() -> None:
    # "лет" is also "years" ("28 лет"); "летом" and "лето" are only summer.
    for written in ("летом", "лето"):
        summer = read_period(written)
        assert summer is not None
        assert not summer.year_given
        placed = summer.in_year(2017)
        assert (placed.first, placed.last) == (D(2017, 6, 1), D(2017, 8, 31))
    with pytest.raises(Unreadable):
        read_period("лет")
    found = read_period("в марте прошлого года")
    assert found is not None
    assert (found.year_given, found.years_back) == (False, 1)
    # A year given is kept as it is.
    kept = read_period("весной 2017 года")
    assert kept is not None
    assert (kept.year_given, kept.years_back) == (True, 0)


def test_blank_and_unknown_are_nothing() -> None:
    for written in ("", "  ", "неизвестно", "неизв.", "unknown", "inconnu", "?", "—"):
        assert read_period(written) is None
        assert birth_of(written) is None


@pytest.mark.parametrize(
    "written",
    # Two dates side by side are not a range, nor a range that ends before it begins.
    ["some day", "2017-13", "31/31/1990", "31.31.90", "12.03.2017 15.03.2017", "30-25 марта 2017"],
)
def test_what_is_not_a_date_is_unreadable(written: str) -> None:
    with pytest.raises(Unreadable):
        read_period(written)


def test_a_bound_alone_is_approximate_and_ends_by_today() -> None:
    found = read_period("after 1 March 2017", D(2017, 6, 30))
    assert found is not None
    assert found.approximate
    assert (found.first, found.last) == (D(2017, 3, 2), D(2017, 6, 30))
    with pytest.raises(Unreadable):
        read_period("после")


def test_a_date_after_today_is_refused_as_such() -> None:
    with pytest.raises(Unreadable) as refused:
        read_period("2090")
    assert refused.value.later


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("28", 28, 28),  # a bare number is an age
        ("28 лет", 28, 28),
        ("21 год", 21, 21),
        ("22 года", 22, 22),
        ("28 years old", 28, 28),
        ("28-year-old", 28, 28),
        ("30 ans", 30, 30),
        ("28-летний", 28, 28),
        ("в возрасте 28 лет", 28, 28),
        ("около 30", 27, 33),
        ("~30", 27, 33),
        ("about 30", 27, 33),
        ("environ 30 ans", 27, 33),
        ("20-25 лет", 20, 25),
        ("in his 20s", 20, 29),
        ("in her twenties", 20, 29),
        ("early 30s", 30, 33),
        ("late 20s", 27, 29),
        ("la trentaine", 30, 39),
        ("30-ти лет", 30, 30),  # the case ending after the number
        ("около 25-ти лет", 22, 28),
        ("30?", 27, 33),  # not sure: approximate
        ("лет 30", 27, 33),  # the word for years first: "about"
        ("лет 25-30", 22, 33),
    ],
)
def test_it_reads_ages_with_or_without_a_unit(written: str, low: int, high: int) -> None:
    assert read_age(written) == Age(low, high, read_age(written).approximate)  # type: ignore[union-attr]
    birth = birth_of(written)
    assert birth is not None
    assert birth.age is not None


def test_an_age_is_a_range_of_birth_years_at_its_date() -> None:
    published = Period(D(2017, 3, 15), D(2017, 3, 15))
    assert birth_range(None, read_age("28"), published) == (1988, 1989)
    assert birth_range(None, read_age("in his 20s"), published) == (1987, 1997)
    spring = read_period("весна 2017")
    assert birth_range(None, read_age("28 лет"), spring) == (1988, 1989)
    # No date: no birth years (the run's year stands in, at linkage).
    assert birth_range(None, read_age("28"), None) == (None, None)


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("12.03.1987", 1987, 1987),
        ("1994 г.р.", 1994, 1994),
        ("1994 года рождения", 1994, 1994),
        ("b. 1994", 1994, 1994),
        ("né en 1994", 1994, 1994),
        ("~1987", 1984, 1990),
        ("1993-1994", 1993, 1994),
        ("1990-е", 1990, 1999),
        ("1990s", 1990, 1999),
        ("XX/XX/1987", 1987, 1987),
        ("1987?", 1984, 1990),
        ("1987-XX-XX", 1987, 1987),
        # Two digits of a year: the latest century not in the future.
        ("12.03.87", 1987, 1987),
        ("12/03/01", 2001, 2001),
        ("geboren am 3. März 1987", 1987, 1987),
    ],
)
def test_births_are_years(written: str, low: int, high: int) -> None:
    assert birth_range(birth_of(written), None, None) == (low, high)


@pytest.mark.parametrize("written", ["12.03.8", "31/31/1990", "no idea"])
def test_what_is_not_a_birth_is_unreadable(written: str) -> None:
    with pytest.raises(Unreadable):
        birth_of(written)


def test_sexes_in_four_languages() -> None:
    assert [read_sex(v) for v in ("M", "м", "муж.", "male", "H", "homme")] == ["m"] * 6
    assert [read_sex(v) for v in ("F", "ж", "жен.", "female", "femme", "W")] == ["f"] * 6
    assert read_sex("") == ""
    assert read_sex("unknown person") is None


@pytest.mark.parametrize(
    ("written", "system"),
    [
        ("г. Грозный", "english"),
        ("житель Грозного", "english"),
        ("в Грозном", "english"),
        ("Соьлжа-ГӀала", "english"),
        ("Соьлжа-Г1ала", "english"),  # the palochka typed as 1
        ("Джохар", "english"),  # its name in 1996-2000
        ("Grozny", "english"),
        ("Groznyy", "bgn_pcgn"),
        ("Groznyj", "iso9"),
        ("Grosny", "german"),
        ("Groznyï", "french"),
        ("the Chechen capital", "english"),
        ("Grozny, the Chechen capital", "english"),
        ("la capitale tchétchène", "french"),
    ],
)
def test_every_name_of_grozny_is_grozny(written: str, system: str) -> None:
    place = read_place(written, system)
    assert place is not None
    assert place.id == "grozny"


def test_prefixes_districts_and_case_forms() -> None:
    def where(text: str, system: str = "english") -> str:
        found = read_place(text, system)
        assert found is not None
        return found.id

    assert where("из Урус-Мартана") == where("Urus-Martan") == "urus-martan"
    assert where("житель Аргуна") == where("Argoun", "french") == "argun"
    assert where("с. Цоци-Юрт Курчалоевского района") == where("Tsotsi-Iourt", "french")
    assert where("ст. Наурская") == "naur"
    assert where("Центорой") == where("Akhmat-Yurt") == "akhmat-yurt"  # renamed in 2019
    assert where("Shali district") == where("Шалинский район") == "district:shali"
    assert read_place("с. Цоци-Юрт").district == read_place("Курчалоевский район").district  # type: ignore[union-attr]
    assert where("район Шали") == "district:shali"
    assert where("district d'Ourous-Martan", "french") == "district:urus-martan"  # elided "de"
    # A place after a district's own name is where that district lies: a
    # village of the district, the city of a city district.
    assert where("ЧР, Шалинский р-н, с. Автуры") == "avtury"
    assert where("Ленинский район Грозного") == "grozny"
    assert where("Старопромысловский район г. Грозного") == "grozny"
    assert where("Grozny (Staropromyslovsky district)") == "grozny"
    # A police unit is named "by" its district, in the dative.
    assert where("ОМВД России по Шалинскому району") == "district:shali"


def test_the_grozny_district_is_the_one_around_the_city_not_the_city() -> None:
    around = read_place("a village in the Grozny district")
    assert around is not None
    assert around.id == "district:grozny-district"
    assert around == read_place("Грозненский район")
    assert read_place("с. Старые Атаги").district == around.district  # type: ignore[union-attr]
    assert read_place("Grozny").district != around.district  # type: ignore[union-attr]


def test_a_place_the_gazetteer_does_not_know_is_kept_as_its_key() -> None:
    a, b = read_place("с. Ники-Хита"), read_place("Niki-Khita")
    assert a is not None
    assert b is not None
    assert not a.known
    assert a.id == b.id
    assert read_place("") is None


@pytest.mark.parametrize(
    ("written", "system", "place"),
    [
        # A French file that copies a passport's (ICAO) spelling: in French
        # "ch" is ш and "oi" is ои, so read in its own system it is no place.
        ("Achkhoi-Martan", "french", "achkhoy-martan"),
        ("Kurchaloi", "french", "kurchaloy"),
        # A report in English that quotes a scholarly source (c is ц, j is й).
        ("Coci-Jurt", "english", "tsotsi-yurt"),
        ("Naurskaja", "icao", "naur"),
    ],
)
def test_a_place_written_in_another_system_than_its_lists_is_found(
    written: str, system: str, place: str
) -> None:
    found = read_place(written, system)
    assert found is not None
    assert (found.id, found.known) == (place, True)
