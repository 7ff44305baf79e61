"""Linking victim records across lists into people, with this region's
names, against a synthetic truth; and estimating from the linked lists."""

from __future__ import annotations

import pytest

from safepassage.analysis import linkage, synthetic
from safepassage.analysis.mse.loglinear import Model, fit


@pytest.fixture(scope="module")
def lists() -> tuple[list[synthetic.Record], int]:
    return synthetic.generate(people=400, lists=4, seed=3)


def _source(records: list[synthetic.Record]) -> list[linkage.SourceRecord]:
    return [
        linkage.SourceRecord(r.list_name, r.record_id, r.name, r.birth, r.place) for r in records
    ]


def test_the_generator_writes_names_many_ways(lists: tuple[list[synthetic.Record], int]) -> None:
    records, seen = lists
    assert 0 < seen <= 400
    assert len({r.list_name for r in records}) == 4
    assert any(any("а" <= ch <= "я" for ch in r.name.lower()) for r in records)  # Cyrillic
    assert any(r.name[:2].endswith(".") for r in records)  # initials
    assert any("years" in r.birth for r in records)  # ages
    again, _ = synthetic.generate(people=400, lists=4, seed=3)
    assert again == records  # reproducible


def test_birth_years_from_dates_years_and_ages() -> None:
    assert linkage.birth_year("12.03.1987", 2017) == (1987, False)
    assert linkage.birth_year("1987", 2017) == (1987, False)
    assert linkage.birth_year("~30 years", 2017) == (1987, True)
    assert linkage.birth_year("около 30 лет", 2017) == (1987, True)
    assert linkage.birth_year("", 2017) == (None, False)


def test_places_in_russian_chechen_and_latin_agree() -> None:
    assert linkage.place_key("Грозный") == linkage.place_key("Groznyy")
    assert linkage.place_key("Soelzha-Ghala") == linkage.place_key("Grozny")
    assert linkage.place_key("Argun") != linkage.place_key("Shali")


def test_our_name_handling_links_far_better_than_plain_words(
    lists: tuple[list[synthetic.Record], int],
) -> None:
    records, seen = lists
    truth = {i: r.person_id for i, r in enumerate(records)}
    ours = linkage.evaluate(truth, linkage.link(linkage.prepare(_source(records), 2017)))
    plain = linkage.evaluate(truth, linkage.link(linkage.prepare_plainly(_source(records), 2017)))
    assert ours.precision > 0.9
    assert ours.f1 > 0.75
    assert ours.f1 > plain.f1 + 0.3
    assert abs(ours.clusters - seen) < abs(plain.clusters - seen)


def test_linked_lists_feed_the_estimate(lists: tuple[list[synthetic.Record], int]) -> None:
    records, _seen = lists
    rows = linkage.prepare(_source(records), 2017)
    table = linkage.capture_table(rows, linkage.link(rows))
    assert table.lists == tuple(sorted({r.list_name for r in records}))
    estimate = fit(table, Model.parse("main", table.lists))
    assert estimate.total >= table.observed
