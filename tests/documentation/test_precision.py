"""Dates and places as precisely as they are known: each value reads back
exactly from its text, from the database and from its form field, and
covers the span of days or the area it says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from safepassage.documentation import vocabularies
from safepassage.documentation.fields import FuzzyDateField, FuzzyDateWidget, PlaceField
from safepassage.documentation.models import Event
from safepassage.documentation.precision import (
    BadDate,
    BadPlace,
    DatePrecision,
    FuzzyDate,
    MonthPart,
    Place,
    PlacePrecision,
    Season,
)
from tests.documentation.conftest import Desk, record_detention, term

dates = st.builds(
    lambda precision, day, part, season: FuzzyDate.of(
        precision, day.year, day.month, day.day, part=part, season=season
    ),
    st.sampled_from(DatePrecision.values),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)),
    st.sampled_from(MonthPart.values),
    st.sampled_from(Season.values),
)


@given(dates)
def test_a_date_reads_back_from_its_text(value: FuzzyDate) -> None:
    assert FuzzyDate.parse(str(value)) == value


@given(dates)
def test_a_date_reads_back_from_its_columns(value: FuzzyDate) -> None:
    assert FuzzyDate.from_db(*value.to_db()) == value


@given(dates)
def test_a_date_reads_back_from_its_form_field(value: FuzzyDate) -> None:
    parts = FuzzyDateWidget().decompress(value)
    assert FuzzyDateField().clean(parts) == value


@given(dates)
def test_a_date_spans_the_days_it_names(value: FuzzyDate) -> None:
    if value.anchor is None:
        assert value.earliest is None
        assert value.latest is None
        return
    assert value.earliest <= value.anchor <= value.latest
    if value.precision == DatePrecision.EXACT:
        assert value.earliest == value.latest


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "english", "russian"),
    [
        ("2017-04-03", "2017-04-03", "2017-04-03", "3 April 2017", "3 апреля 2017"),
        ("~2017-04-03", "2017-03-19", "2017-04-18", "about 3 April 2017", "около 3 апреля 2017"),
        ("2017-04-early", "2017-04-01", "2017-04-10", "early April 2017", "начало апреля 2017"),
        ("2017-02-late", "2017-02-21", "2017-02-28", "late February 2017", "конец февраля 2017"),
        ("2017-04", "2017-04-01", "2017-04-30", "April 2017", "Апрель 2017"),
        ("2017-spring", "2017-03-01", "2017-05-31", "spring 2017", "весна 2017"),
        ("2019-winter", "2019-12-01", "2020-02-29", "winter 2019–2020", "зима 2019–2020"),
        ("2017", "2017-01-01", "2017-12-31", "2017", "2017"),
    ],
)
def test_each_precision_names_its_span(
    text: str, earliest: str, latest: str, english: str, russian: str
) -> None:
    value = FuzzyDate.parse(text)
    assert value.earliest == dt.date.fromisoformat(earliest)
    assert value.latest == dt.date.fromisoformat(latest)
    with translation.override("en"):
        assert value.display() == english
    with translation.override("ru"):
        assert value.display() == russian


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-02-30", "no such day"),
        ("2017-13", "month"),
        ("03/04/2017", "Write a date as"),
        ("~2017-04", "whole date"),
        ("1850", "between 1900 and 2200"),
    ],
)
def test_a_date_that_cannot_be_is_refused_in_words(text: str, message: str) -> None:
    with pytest.raises(BadDate, match=message):
        FuzzyDate.parse(text)


def test_a_date_field_names_the_missing_part() -> None:
    field = FuzzyDateField()
    with pytest.raises(Exception, match="Choose the season"):
        field.clean(["season", "2017", "", "", "", ""])
    with pytest.raises(Exception, match="Give the day"):
        field.clean(["exact", "2017", "4", "", "", ""])
    assert field.clean(["unknown", "", "", "", "", ""]) == FuzzyDate.unknown()
    # Parts given under "unknown" are not thrown away in silence.
    with pytest.raises(Exception, match="choose how precisely"):
        field.clean(["unknown", "2017", "4", "", "", ""])


@pytest.mark.django_db
def test_places_read_back_from_their_parts_and_their_form_field() -> None:
    grozny = term("place", "L-RU-CE-GROZNY")
    chechnya = term("place", "L-RU-CE")
    examples = [
        Place.unknown(),
        Place.of("country", term("place", "L-RU")),
        Place.of("region", chechnya),
        Place.of("district", grozny),
        # A village kept out of plaintext: the district, and the village sealed.
        Place.of("locality", term("place", "L-RU-CE-SHALI"), "Avtury"),
        Place.of("exact", grozny, "the former police building, Staropromyslovsky district"),
        Place.of("exact", None, "a basement, place not known"),
    ]
    field = PlaceField()
    field.offer()
    for place in examples:
        assert vocabularies.place_from_parts(*place.to_parts()) == place
        assert field.clean(field.widget.decompress(place)) == place


@pytest.mark.django_db
def test_a_place_whose_parts_disagree_is_refused() -> None:
    chechnya = term("place", "L-RU-CE")
    grozny = term("place", "L-RU-CE-GROZNY")
    with pytest.raises(BadPlace, match="no area"):
        Place.of("unknown", grozny)
    with pytest.raises(BadPlace, match="more precise"):
        Place.of("region", grozny)
    with pytest.raises(BadPlace, match="detail"):
        Place.of("district", chechnya)
    with pytest.raises(BadPlace, match="Choose the area"):
        Place.of("district")
    with pytest.raises(BadPlace, match="from the places"):
        Place.of("country", term("act_type", "020111110000"))
    assert PlacePrecision.values[-1] == "unknown"


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_dates_and_places_read_back_from_the_database(desk: Desk) -> None:
    start = FuzzyDate.parse("2017-04-middle")
    place = Place.of("locality", term("place", "L-RU-CE-SHALI"), "Avtury")
    recorded = record_detention(desk.documenter, start=start, place=place)
    event = Event.objects.get(pk=recorded.event.pk)
    assert event.start == start
    assert event.end == FuzzyDate.unknown()
    assert event.place == place
    assert (event.period_from, event.period_to) == (dt.date(2017, 4, 11), dt.date(2017, 4, 20))
    # The act inherits the event's when and where unless told otherwise.
    assert recorded.act.start == start
    assert recorded.act.place == place
