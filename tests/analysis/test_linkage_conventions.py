"""Linkage of lists in the conventions of this region: five simulated sources
(analysis/simulated, written independently of the linkage's tables), each
imported with the column names it came with, linked and exported; people
found across scripts and systems, and brothers kept apart; the clustering
that resists chains; the measures the benchmark reports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.accounts.models import User
from safepassage.analysis import linkage, simulated
from safepassage.analysis.linkage import comparisons, pipeline, victims
from safepassage.analysis.linkage.clustering import alone_records, average_linkage, refine
from safepassage.analysis.linkage.quality import bcubed, recall_between
from tests.analysis.conftest import link_and_export


@pytest.fixture(scope="module")
def five_lists() -> tuple[list[simulated.SimulatedList], int]:
    return simulated.generate(people=120, seed=4)


def _records(lists: list[simulated.SimulatedList]) -> tuple[list[linkage.SourceRecord], list[int]]:
    records, truth = [], []
    for item in lists:
        ours = {column: key for key, column in item.mapping.items()}
        for row, person in zip(item.rows, item.people, strict=True):
            values = {ours[column]: value for column, value in row.items() if column in ours}
            records.append(linkage.SourceRecord.of(item.name, values["id"], values))
            truth.append(person)
    return records, truth


def test_the_generator_writes_each_sources_conventions(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    lists, listed = five_lists
    assert [item.name for item in lists] == [
        "NGO testimonies", "Russian newspaper", "English-language press",
        "International report", "Asylum files",
    ]  # fmt: skip
    text = {item.name: " ".join(" ".join(row.values()) for row in item.rows) for item in lists}
    assert "г.р." in text["NGO testimonies"] or "." in text["NGO testimonies"]
    assert "(имя изменено)" in text["Russian newspaper"]
    assert "real name)" in text["English-language press"]
    assert any(ch in text["International report"] for ch in "šžčjJ")
    assert "01/01/" in text["Asylum files"] or "XX/XX/" in text["Asylum files"]
    # People on no list, and people on several.
    people = {person for item in lists for person in item.people}
    assert len(people) == listed < 120
    again, _ = simulated.generate(people=120, seed=4)
    assert [item.rows for item in again] == [item.rows for item in lists]  # reproducible


def test_it_links_five_lists_in_five_conventions(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    lists, listed = five_lists
    records, people = _records(lists)
    truth = dict(enumerate(people))
    result = linkage.link(linkage.prepare(records, 2017))
    quality = linkage.evaluate(truth, result)
    assert quality.precision > 0.88
    assert quality.f1 > 0.85
    assert abs(quality.clusters - listed) <= 0.15 * listed
    plain = linkage.evaluate(truth, linkage.link(linkage.prepare_plainly(records, 2017),
                                                 schema=linkage.PLAIN))  # fmt: skip
    assert quality.f1 > plain.f1 + 0.4


def test_people_are_found_across_scripts_and_brothers_kept_apart(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    lists, _listed = five_lists
    background, _people = _records(lists)
    planted = [
        ("NGO testimonies", {"name": "Умаров Магомед Саидович", "birth": "12.03.1987",
                             "place": "с. Цоци-Юрт", "event_date": "14.03.2017",
                             "detention_place": "Аргун"}),
        ("English-language press", {"name": "Mohammed Umarov", "age": "30",
                                    "age_date": "2017-05-02", "place": "Tsotsi-Yurt",
                                    "event_date": "mid-March 2017"}),
        ("International report", {"surname": "UMAROV", "given": "Magomed",
                                  "patronymic": "Saidovič", "birth": "1987",
                                  "place": "Coci-Jurt", "event_date": "2017-Q1"}),
        ("Asylum files", {"surname": "OUMAROV", "given": "Magomed", "sex": "M",
                          "birth": "03/12/1987", "place": "Tsotsi-Iourt",
                          "event_date": "mars 2017"}),
        # His brother: the same surname, father, village, day and place of
        # detention, another given name and birth.
        ("NGO testimonies", {"name": "Умаров Хасан Саидович", "birth": "02.11.1991",
                             "place": "с. Цоци-Юрт", "event_date": "14.03.2017",
                             "detention_place": "Аргун"}),
    ]  # fmt: skip
    records = background + [
        linkage.SourceRecord.of(source, f"planted-{n}", values)
        for n, (source, values) in enumerate(planted)
    ]
    result = linkage.link(linkage.prepare(records, 2017))
    first = len(background)
    person = {result.clusters[first + n] for n in range(4)}
    assert len(person) == 1, "Магомед Умаров in four systems is one person"
    assert result.clusters[first + 4] not in person, "his brother is another"


def test_average_linkage_breaks_a_chain_through_an_ambiguous_record() -> None:
    # A and C are brothers; B ("M. Umarov") agrees with both.
    pairs = [(1, 2, 0.8), (2, 3, 0.7), (1, 3, 0.01)]
    parts, lowered = refine(pairs, [1, 2, 3], 0.5)
    assert sorted(sorted(part) for part in parts) == [[1, 2], [3]]
    assert lowered == {(2, 3): pytest.approx((0.7 + 0.01) / 2)}
    assert all(value < 0.5 for value in lowered.values())
    # Records that all agree stay together.
    assert len(average_linkage([1, 2, 3], {(1, 2): 0.9, (2, 3): 0.9, (1, 3): 0.8}, 0.5)) == 1


def test_two_records_that_can_never_be_one_person_are_never_in_one_part() -> None:
    # Records 1 and 2 are two namesakes of one article; 3 and 4 of another
    # list fit each of them well. Without the rule, one part of four.
    pairs = [(1, 3, 0.99), (1, 4, 0.95), (2, 3, 0.95), (2, 4, 0.99), (3, 4, 0.9)]
    assert len(average_linkage([1, 2, 3, 4], {(a, b): p for a, b, p in pairs}, 0.5)) == 1
    never = {(1, 2)}
    parts, lowered = refine(pairs, [1, 2, 3, 4], 0.5, lambda a, b: (min(a, b), max(a, b)) in never)
    assert sorted(sorted(part) for part in parts) == [[1, 3], [2, 4]]
    # The pairs across the two parts stay under the threshold (and so in
    # the review queue), though their average is above it.
    assert lowered
    assert all(value < 0.5 for value in lowered.values())


def test_two_records_of_one_article_are_never_one_person() -> None:
    rows = victims.prepare(
        [
            linkage.SourceRecord.of("Russian newspaper", "3", {
                "name": "Муса Мусаев", "age": "34", "place": "Шали", "age_date": "03.02.2017"}),
            linkage.SourceRecord.of("Russian newspaper", "4", {
                "name": "Муса Мусаев", "age": "30", "place": "Шали", "age_date": "03.02.2017"}),
            linkage.SourceRecord.of("Russian newspaper", "9", {
                "name": "Муса Мусаев", "age": "30", "place": "Шали", "age_date": "04.02.2017"}),
        ],
        2017,
    )  # fmt: skip
    never = pipeline.never_one(victims.VICTIMS, rows)
    first, second, later = (row["unique_id"] for row in rows)
    assert never(first, second)
    assert not never(second, later)


def test_the_benchmarks_measures() -> None:
    truth = {0: 1, 1: 1, 2: 1, 3: 2}
    clusters = {0: 10, 1: 10, 2: 11, 3: 11}
    cubed = bcubed(truth, clusters)
    # Records 0 and 1: precision 1, recall 2/3; record 2: 1/2, 1/3; record 3: 1/2, 1.
    assert cubed.precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert cubed.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    sources = {0: "A", 1: "B", 2: "B", 3: "A"}
    assert recall_between(truth, clusters, sources) == {
        ("A", "B"): (0.5, 2),
        ("B", "B"): (0.0, 1),
    }


@pytest.mark.django_db
def test_five_lists_imported_with_their_own_columns_are_linked_and_exported(
    analyst: User,
    five_lists: tuple[list[simulated.SimulatedList], int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import Workbook

    lists, listed = five_lists
    truth: dict[tuple[str, str], int] = {}
    for number, item in enumerate(lists):
        if number % 2:  # some as spreadsheets, some as CSV
            path = tmp_path / f"list{number}.xlsx"
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.append(item.columns)
            for row in item.rows:
                sheet.append([row[column] for column in item.columns])
            book.save(path)
        else:
            path = tmp_path / f"list{number}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, item.columns)
                writer.writeheader()
                writer.writerows(item.rows)
        maps = [f"--map={ours}={theirs}" for ours, theirs in item.mapping.items() if ours != "id"]
        call_command(
            "analysis", "import", str(path), "--list", item.name, "--id", item.mapping["id"],
            *maps, stdout=io.StringIO(),
        )  # fmt: skip
        for row, person in zip(item.rows, item.people, strict=True):
            truth[(item.name, row[item.mapping["id"]])] = person
    exported = link_and_export([item.name for item in lists], monkeypatch)
    assert len(exported) == len(truth)
    found = {index: int(row["person_id"]) for index, row in enumerate(exported)}
    people = {index: truth[(row["list"], row["record_id"])] for index, row in enumerate(exported)}
    quality = linkage.evaluate(people, linkage.Linkage(found, []))
    assert quality.f1 > 0.85
    assert abs(quality.clusters - listed) <= 0.15 * listed


def _two(
    left: tuple[str, dict[str, str]], right: tuple[str, dict[str, str]]
) -> list[dict[str, object]]:
    records = [
        linkage.SourceRecord.of(source, f"r{n}", values)
        for n, (source, values) in enumerate((left, right))
    ]
    return victims.prepare(records, 2017)


def _holds(condition: str, rows: list[dict[str, object]]) -> bool:
    """Whether a condition on `l.` and `r.` columns holds for the pair, in
    the database the linkage runs on."""
    import duckdb
    import pyarrow as pa

    with duckdb.connect() as db:
        db.register("pair", pa.Table.from_pylist(rows))
        found = db.execute(
            f"select ({condition}) from pair as l, pair as r"  # noqa: S608
            " where l.unique_id = 0 and r.unique_id = 1"
        ).fetchone()
    return bool(found and found[0])


@contextmanager
def _untrained_model(rows: list[dict[str, object]]) -> Iterator[Any]:
    """The victims' splink model over ``rows``, as set before any learning."""
    from splink import Linker

    from safepassage.analysis.linkage.backends import duckdb_database, to_arrow
    from safepassage.analysis.linkage.schema import settings

    schema = victims.VICTIMS
    columns = schema.columns()
    table = to_arrow(rows, columns, {column: schema.column_type(column) for column in columns})
    with duckdb_database() as db_api:
        linker = Linker(db_api.register(table), settings(schema), validate_settings=False)
        yield linker._settings_obj


def _blocked(rows: list[dict[str, object]]) -> bool:
    """Whether a blocking rule of the victim schema makes the pair a
    candidate (either way round)."""
    for rule in victims.VICTIMS.blocking:
        condition = rule if isinstance(rule, str) else " and ".join(f"l.{c} = r.{c}" for c in rule)
        swapped = comparisons.SIDES.sub(
            lambda m: f"{'r' if m[1] == 'l' else 'l'}.{m[2]}", condition
        )
        if _holds(condition, rows) or _holds(swapped, rows):
            return True
    return False


def test_an_initial_alone_is_found_and_agrees_across_spellings_and_districts() -> None:
    # The English press writes Умар as Omar and names the district, not the
    # village.
    rows = _two(
        ("NGO testimonies", {"name": "Шахидов Умар", "place": "с. Ведено"}),
        ("English-language press", {"name": "O. Shakhidov",
                                    "place": "a village in the Vedeno district"}),
    )  # fmt: skip
    assert _blocked(rows)
    assert _holds(comparisons._initials_agree("initial", "given_initials"), rows)
    assert _holds("l.place_district = r.place_area or l.place_area = r.place_district", rows)
    # Another initial is another man.
    other = _two(
        ("NGO testimonies", {"name": "Шахидов Умар", "place": "с. Ведено"}),
        ("English-language press", {"name": "M. Shakhidov", "place": "Vedeno"}),
    )
    assert not _holds(comparisons._initials_agree("initial", "given_initials"), other)


@pytest.mark.parametrize(
    ("typed", "right"),
    [("Кадиров Хусейн", "Кадиав Хусейн"), ("Джабраилов Сулейман", "Джабаилов Сулейман"),
     ("Umarov Islam", "Умавров Ислам")],
)  # fmt: skip
def test_a_surname_with_a_typing_error_is_still_a_candidate(typed: str, right: str) -> None:
    rows = _two(
        ("NGO testimonies", {"name": typed, "place": "Майртуп"}),
        ("Russian newspaper", {"name": right, "place": "из Майртупа"}),
    )
    assert rows[0]["surname"] != rows[1]["surname"]
    assert _blocked(rows)


def test_a_given_name_spelt_with_another_vowel_is_still_a_candidate() -> None:
    rows = _two(
        ("Russian newspaper", {"name": "Резван Исмаилаев", "place": "уроженец Гехов"}),
        ("English-language press", {"name": "Rizvan Ismailayev", "place": "a village nearby"}),
    )
    assert rows[0]["given"] != rows[1]["given"]
    assert _blocked(rows)


def test_an_initial_alone_beside_a_surname_with_a_typing_error_is_still_a_candidate() -> None:
    # Neither the surname nor the given name is the same on both sides: the
    # start of the surname, the initial, the place and the year of the
    # events are.
    held = {"place": "Урус-Мартан", "event_date": "сентябрь 2017"}
    rows = _two(
        ("NGO testimonies", {"name": "Осмаве Магомед Юнусович", **held}),
        ("Russian newspaper", {"name": "М. Осмаев", **held}),
    )
    assert rows[0]["surname"] != rows[1]["surname"]
    assert _blocked(rows)
    # Without the year of the events, or in another place, it is not.
    assert not _blocked(_two(
        ("NGO testimonies", {"name": "Осмаве Магомед Юнусович", "place": "Урус-Мартан"}),
        ("Russian newspaper", {"name": "М. Осмаев", "place": "Урус-Мартан"}),
    ))  # fmt: skip
    assert not _blocked(_two(
        ("NGO testimonies", {"name": "Осмаве Магомед Юнусович", **held}),
        ("Russian newspaper", {"name": "М. Осмаев", "place": "Шали",
                               "event_date": "сентябрь 2017"}),
    ))  # fmt: skip


@pytest.mark.parametrize(
    ("initial", "full"),
    [("Хсанов И.", "Ibrahim Hasanov"), ("Х. Умров", "Умаров Хасан")],
)  # fmt: skip
def test_an_initial_alone_beside_a_surname_with_a_vowel_dropped_is_still_a_candidate(
    initial: str, full: str
) -> None:
    # The start of the surname differs too ("hsa", "has"): its consonants
    # are the same.
    held = {"place": "Ведено", "event_date": "весна 2017"}
    rows = _two(
        ("Russian newspaper", {"name": initial, **held}),
        ("English-language press", {"name": full, **held}),
    )
    assert rows[0]["surname"] != rows[1]["surname"]
    assert _blocked(rows)
    assert not _blocked(_two(
        ("Russian newspaper", {"name": initial, **held}),
        ("English-language press", {"name": full, "place": "Ведено", "event_date": "2019"}),
    ))  # fmt: skip


def test_every_comparison_is_learnt_in_some_training_session() -> None:
    # A session cannot learn the comparisons of the columns it blocks on.
    schema = victims.VICTIMS
    for comparison in schema.comparisons:
        assert any(
            comparison.column not in rule for rule in schema.training if isinstance(rule, tuple)
        ), comparison.column


def test_a_level_no_random_pair_showed_weighs_nothing() -> None:
    # A district named for a place of detention may be in no random pair;
    # splink would take its u as one in a million (twenty bits for a match).
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    from safepassage.analysis.linkage import pipeline

    rows = _two(
        ("NGO testimonies", {"name": "Шахидов Умар", "detention_place": "Курчалой"}),
        ("English-language press", {"name": "Umar Shakhidov",
                                    "detention_place": "a village in the Kurchaloy district"}),
    )  # fmt: skip
    with _untrained_model(rows) as model:
        detention = model._get_comparison_by_output_column_name("detention")
        area = next(
            level
            for level in detention.comparison_levels
            if level.label_for_charts == "in the district the other names"
        )
        area.m_probability = 0.05
        area.u_probability = LEVEL_NOT_OBSERVED_TEXT
        pipeline._neutral_where_unseen(model)
        assert area.u_probability == area.m_probability == 0.05
        assert _holds("l.detention_district = r.detention_area", rows)


@pytest.mark.parametrize(
    ("written", "published", "first"),
    [("в декабре", "09.02.2019", "2018-12-01"), ("в конце марта", "15.05.2017", "2017-03-20"),
     ("late December", "2019-01-20", "2018-12-20"), ("зимой", "01.02.2019", "2018-12-01"),
     ("летом", "22.07.2017", "2017-06-01"),
     # "Of last year": the year before the publication, whatever the month.
     ("в марте прошлого года", "14.05.2019", "2018-03-01"),
     ("летом прошлого года", "09.02.2019", "2018-06-01"),
     ("прошлой весной", "20.11.2018", "2017-03-01"),
     ("in March of last year", "2019-05-14", "2018-03-01"),
     ("en mars de l'année dernière", "14/05/2019", "2018-03-01"),
     ("в прошлом году", "14.05.2019", "2018-01-01")],
)  # fmt: skip
def test_it_places_a_date_without_its_year_before_the_publication(
    written: str, published: str, first: str
) -> None:
    # An article tells what happened before it: "в декабре" in an article
    # of February 2019 is December 2018, not December 2019.
    import datetime

    rows = _two(
        ("Russian newspaper", {"name": "Ислам Дудаев", "age_date": published,
                               "event_date": written}),
        ("NGO testimonies", {"name": "Дудаев Ислам", "event_date": "01.01.2017"}),
    )  # fmt: skip
    assert datetime.date.fromordinal(rows[0]["event_lo"]).isoformat() == first


def test_it_learns_the_chance_of_a_match_for_each_pair_of_lists(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    # The English press takes its cases from the newspaper, the newspaper
    # from the NGO, and a list seldom names one person twice: nothing says
    # so but the records, and the model finds it in them.
    lists, _listed = five_lists
    records, _people = _records(lists)
    chances = linkage.link(linkage.prepare(records, 2017)).chances
    assert chances is not None
    press, paper = "English-language press", "Russian newspaper"
    assert chances.of(press, paper) == chances.of(paper, press)
    assert chances.of(press, paper) > chances.overall > chances.of("NGO testimonies",
                                                                    "NGO testimonies")  # fmt: skip
    assert chances.of(press, None) == chances.overall


def test_a_pair_of_lists_with_few_pairs_keeps_near_the_overall_chance() -> None:
    import numpy as np

    from safepassage.analysis.linkage import priors

    overall = 1e-3
    extra = priors.PSEUDO_MATCHES / overall
    strong = np.full(5, 20.0)  # five pairs that are plainly one person each
    # Among 10 pairs, five matches would be a chance of one half: with ten
    # matches' worth of the overall chance beside them, about 1.5e-3.
    small = priors._fixed_point(strong, 10, overall, extra, overall)
    assert small is not None
    assert overall < small < 2 * overall
    # Among 100,000 pairs holding 500 matches (100 at the overall chance),
    # about the pair of lists' own, 0.005.
    large = priors._fixed_point(np.full(500, 20.0), 100_000, overall, extra, overall)
    assert large == pytest.approx(0.005, rel=0.1)


def test_a_probability_is_given_another_chance_of_a_match_by_its_odds() -> None:
    from safepassage.analysis.linkage import priors

    # Twice the chance (as odds) doubles the odds of a pair, and back again.
    doubled = priors.rescaled(0.5, 0.01, 0.01 / (0.01 + 0.99 / 2))
    assert doubled == pytest.approx(2 / 3)
    assert priors.rescaled(doubled, 0.01 / (0.01 + 0.99 / 2), 0.01) == pytest.approx(0.5)
    assert priors.rescaled(1.0, 0.01, 0.001) == 1.0


def test_a_record_that_names_nobody_joins_the_brother_its_age_fits(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    # Two brothers share the village, the day and the place of detention; a
    # newspaper and the English press change the name of one of them. Their
    # ages at publication say which: the records join him, not his brother.
    lists, _listed = five_lists
    background, _people = _records(lists)
    held = {"event_date": "14.03.2017", "detention_place": "Аргун, отдел полиции",
            "place": "с. Цоци-Юрт"}  # fmt: skip
    planted = [
        ("NGO testimonies", {"name": "Умаров Магомед Саидович", "birth": "12.03.1989", **held}),
        ("NGO testimonies", {"name": "Умаров Хасан Саидович", "birth": "02.11.1979", **held}),
        ("Russian newspaper", {"name": "Ислам (имя изменено)", "age": "28 лет",
                               "age_date": "20.04.2017", "place": "житель Цоци-Юрта",
                               "event_date": "14.03.2017", "detention_place": "Аргун"}),
        ("English-language press", {"name": "Adam (not his real name)", "age": "28",
                                    "age_date": "2017-05-02", "place": "Tsotsi-Yurt",
                                    "event_date": "mid-March 2017", "detention_place": "Argun"}),
    ]  # fmt: skip
    records = background + [
        linkage.SourceRecord.of(source, f"planted-{n}", values)
        for n, (source, values) in enumerate(planted)
    ]
    result = linkage.link(linkage.prepare(records, 2017))
    first = len(background)
    magomed, hasan, paper, press = (result.clusters[first + n] for n in range(4))
    assert magomed == paper == press
    assert hasan != magomed


def test_a_father_and_son_of_one_name_held_together_stay_two_people(
    five_lists: tuple[list[simulated.SimulatedList], int],
) -> None:
    # One surname, given name and village, held on one day in one place,
    # and each named by three lists; only their fathers' names and their
    # births, three decades apart, tell them apart. The model weighs each
    # field on its own, and so much agreement outweighed both.
    lists, _listed = five_lists
    background, _people = _records(lists)
    held = {"event_date": "12.03.2017", "detention_place": "Шали", "place": "Майртуп"}
    later = {"event_date": "март 2017", "place": "житель Майртупа"}
    planted = [
        ("NGO testimonies", {"name": "Хасанов Умар Лечаевич", "birth": "1965", **held}),
        ("NGO testimonies", {"name": "Хасанов Умар Умарович", "birth": "1994", **held}),
        ("Russian newspaper", {"name": "Умар Хасанов", "age": "52 года", **later}),
        ("Russian newspaper", {"name": "Умар Хасанов", "age": "23 года", **later}),
        ("International report", {"surname": "Khasanov", "given": "Umar",
                                   "patronymic": "Lechaevich", "birth": "1965",
                                   "place": "Mairtup", "event_date": "03/2017"}),
        ("International report", {"surname": "Khasanov", "given": "Umar",
                                   "patronymic": "Umarovich", "birth": "1994",
                                   "place": "Mairtup", "event_date": "03/2017"}),
    ]  # fmt: skip
    records = background + [
        linkage.SourceRecord.of(source, f"planted-{n}", values)
        for n, (source, values) in enumerate(planted)
    ]
    rows = linkage.prepare(records, 2017)
    result = linkage.link(rows)
    first = len(background)
    people = [result.clusters[first + n] for n in range(len(planted))]
    assert people[0] == people[2] == people[4]
    assert people[1] == people[3] == people[5]
    assert people[0] != people[1]
    # No pair of the father's and the son's records is kept, not even for review.
    father, son = {first, first + 2, first + 4}, {first + 1, first + 3, first + 5}
    assert not [pair for pair in result.pairs if {pair[0], pair[1]} & father
                and {pair[0], pair[1]} & son]  # fmt: skip
    # Births some years apart (an age guessed) are still weighed, not left out.
    for age, kept in (("около 40", True), ("около 30", False)):
        two = linkage.prepare([
            linkage.SourceRecord.of("NGO testimonies", "a", {"name": "Умар", "birth": "1965"}),
            linkage.SourceRecord.of("Russian newspaper", "b",
                                    {"name": "Умар", "age": age, "event_date": "2017"}),
        ], 2017)  # fmt: skip
        pair = (two[0]["unique_id"], two[1]["unique_id"], 0.9)
        assert pipeline.apart_pairs(victims.VICTIMS, two)([pair]) == ([pair] if kept else [])


def _alone(pairs: list[tuple[int, int, float]], lists: str) -> dict[tuple[int, int], float]:
    """alone_records on records 0, 1, ... of the lists named by `lists`
    ("ABB": record 0 in A, 1 and 2 in B), each list of 10 records, with a
    chance of a match between two lists of 0.06: six in ten of one list's
    people are on the other."""
    named = {record: name for record, name in enumerate(lists)}

    def chance(left: str, right: str) -> float:
        return 0.06 if left != right else 0.001

    found = alone_records(
        list(named), pairs, named, chance, dict.fromkeys(set(lists), 10), threshold=0.5
    )
    return {(a, b): p for a, b, p in found}


def test_a_record_left_alone_joins_its_one_free_candidate() -> None:
    # Odds 2/3 against 2/5 that the person is not on the other list at all.
    assert _alone([(0, 1, 0.4)], "AB") == {(0, 1): pytest.approx((2 / 3) / (0.4 + 2 / 3))}
    # Too little evidence: odds 1/9 against 2/5.
    assert _alone([(0, 1, 0.1)], "AB") == {(0, 1): 0.1}


def test_a_record_that_fits_two_brothers_joins_one_of_them() -> None:
    # Record 0 is as likely one brother (record 1) as the other (2), and
    # neither more likely than not; but record 1, left alone, is more likely
    # record 0 than no one, and so is record 2. One of them joins it.
    found = _alone([(0, 1, 0.4), (0, 2, 0.4)], "ABB")
    assert sorted(found.values()) == [0.4, pytest.approx((2 / 3) / (0.4 + 2 / 3))]
    # Two records of one list that fit two of another alike (two brothers
    # named twice): each joins one, so that they are two people, not four.
    found = _alone([(0, 1, 0.4), (0, 2, 0.4), (3, 1, 0.4), (3, 2, 0.4)], "ABBA")
    joined = [pair for pair, p in found.items() if p > 0.5]
    assert len(joined) == 2
    assert {record for pair in joined for record in pair} == {0, 1, 2, 3}


def test_a_record_likely_someone_of_a_list_joins_its_likeliest_candidate() -> None:
    # Three candidates of odds 1/4 each (probability 0.2): none is more
    # likely than not, but together (3/4) they outweigh no one (2/5). The
    # record joins the likeliest, with the probability that it is someone.
    found = _alone([(0, 1, 0.25), (0, 2, 0.2), (0, 3, 0.2)], "ABBB")
    someone = (1 / 3 + 1 / 4 + 1 / 4) / (0.4 + 1 / 3 + 1 / 4 + 1 / 4)
    assert found == {(0, 1): pytest.approx(someone), (0, 2): 0.2, (0, 3): 0.2}
    # One faint candidate alone is not enough.
    assert _alone([(0, 1, 0.2)], "AB") == {(0, 1): 0.2}


def test_faint_candidates_count_in_the_sum_and_may_join() -> None:
    named = {record: name for record, name in enumerate("ABBBB")}

    def chance(left: str, right: str) -> float:
        return 0.06 if left != right else 0.001

    faint = [(0, 1, 0.15), (0, 2, 0.15), (0, 3, 0.15), (0, 4, 0.12)]
    found = alone_records(list(named), [], named, chance, dict.fromkeys("AB", 10), 0.5, faint)
    # Four candidates of odds about 1/6: 0.66 together against 0.4.
    assert len(found) == 1
    a, b, p = found[0]
    assert (a, b) == (0, 1)
    assert p > 0.5
    # Without them, nothing is joined.
    assert alone_records(list(named), [], named, chance, dict.fromkeys("AB", 10), 0.5) == []


def test_a_candidate_its_list_names_already_is_not_counted() -> None:
    # Record 1 is already one person with record 2, of the same list as 0.
    assert _alone([(0, 1, 0.4), (1, 2, 0.9)], "ABA") == {(0, 1): 0.4, (1, 2): 0.9}
    # Nor is a record of its own list (its duplicates are weighed pair by pair).
    assert _alone([(0, 1, 0.4)], "AA") == {(0, 1): 0.4}


def test_each_record_left_alone_joins_one_person_at_most() -> None:
    # Record 0 could join the person of records 1 and 3 or that of records 2
    # and 4: the more likely only.
    found = _alone([(0, 1, 0.45), (0, 2, 0.4), (1, 3, 0.9), (2, 4, 0.9)], "ABCDD")
    assert found[(0, 1)] > 0.5
    assert found[(0, 2)] == 0.4
    # Two records left alone that fit each other and a third join as one.
    found = _alone([(0, 1, 0.45), (0, 2, 0.4)], "ABC")
    assert min(found.values()) > 0.5


def test_of_two_records_that_fit_one_the_more_likely_joins_it() -> None:
    # Record 1 (list B) is record 0's one candidate there, and record 3's
    # (list A, as 0): it is one person of list A at most.
    found = _alone([(0, 1, 0.45), (3, 1, 0.42)], "ABBA")
    assert found[(0, 1)] > 0.5
    assert found[(3, 1)] == 0.42


def test_the_share_of_pairs_with_an_initial_alone_is_counted_from_the_records() -> None:
    from safepassage.analysis.linkage import pipeline

    records = [
        linkage.SourceRecord.of("NGO testimonies", "1", {"name": "Умаров Магомед"}),
        linkage.SourceRecord.of("Russian newspaper", "2", {"name": "М. Умаров"}),
        linkage.SourceRecord.of("Russian newspaper", "3", {"name": "Умаров"}),
        linkage.SourceRecord.of("English-language press", "4", {"name": "Magomed Umarov"}),
    ]
    shares = pipeline.initial_shares(victims.VICTIMS, victims.prepare(records, 2017))
    # Three records name the given name, one of them by its initial alone.
    assert shares["given"] == pytest.approx(1 - (2 / 3) ** 2)
    assert shares["surname"] == 0.0  # no record gives a surname's initial alone
    assert "patronymic" not in shares  # no record names a father


def test_an_initial_alone_weighs_by_how_often_the_lists_write_one() -> None:
    from safepassage.analysis.linkage import pipeline

    rows = _two(
        ("NGO testimonies", {"name": "Умаров Магомед"}),
        ("Russian newspaper", {"name": "М. Умаров"}),
    )
    with _untrained_model(rows) as model:
        given = model._get_comparison_by_output_column_name("given")
        levels = [level for level in given.comparison_levels if not level.is_null_level]
        initial = next(level for level in levels if level.label_for_charts == "initial agrees")
        others = [level for level in levels if level is not initial]
        before = {level.label_for_charts: level.m_probability for level in others}
        pipeline._initials_as_written(model, victims.VICTIMS, rows)
        # One record of two gives the initial alone: every pair of such lists has one.
        assert initial.m_probability == pytest.approx(0.75)
        assert sum(level.m_probability for level in levels) == pytest.approx(1.0)
        exact = next(level for level in others if level.label_for_charts == "exact")
        different = next(level for level in others if level.label_for_charts == "different")
        # The other levels keep their proportions.
        assert exact.m_probability / different.m_probability == pytest.approx(
            before["exact"] / before["different"]
        )


def test_two_different_names_of_the_table_are_two_names_however_alike() -> None:
    brothers = _two(
        ("NGO testimonies", {"name": "Алхазов Саид-Магомед Сулейманович", "place": "Урус-Мартан"}),
        ("International report", {"name": "Alxazov Islam", "place": "Urus-Martan"}),
    )
    different = "l.given_known is not null and r.given_known is not null and l.given <> r.given"
    assert _holds(different, brothers)
    # One name in two spellings is the same key; a name the table does not
    # know falls to the ladder's similarity levels (it may be a typing error).
    spelt = _two(
        ("NGO testimonies", {"name": "Алхазов Мохьмад"}),
        ("English-language press", {"name": "Mohammed Alkhazov"}),
    )
    assert not _holds(different, spelt)
    unknown = _two(
        ("NGO testimonies", {"name": "Алхазов Бекхан"}),
        ("NGO testimonies", {"name": "Алхазов Бекан"}),
    )
    assert not _holds(different, unknown)


def test_the_weight_of_two_different_names_is_not_learnt_from_brothers() -> None:
    from safepassage.analysis.linkage import pipeline

    rows = _two(
        ("NGO testimonies", {"name": "Алхазов Ислам"}),
        ("Russian newspaper", {"name": "Ислам Алхазов"}),
    )
    with _untrained_model(rows) as model:
        given = model._get_comparison_by_output_column_name("given")
        levels = [level for level in given.comparison_levels if not level.is_null_level]
        named = next(
            level for level in levels if level.label_for_charts == "two different known names"
        )
        # As if expectation maximisation had taken brothers for one man.
        named.m_probability = 0.05
        others = [level for level in levels if level is not named]
        before = {level.label_for_charts: level.m_probability for level in others}
        least = victims.VICTIMS.least_m
        pipeline._different_names_are_a_mistake(model, least)
        assert named.m_probability == least
        assert sum(level.m_probability for level in levels) == pytest.approx(1.0)
        exact = next(level for level in others if level.label_for_charts == "exact")
        initial = next(level for level in others if level.label_for_charts == "initial agrees")
        assert exact.m_probability / initial.m_probability == pytest.approx(
            before["exact"] / before["initial agrees"]
        )


def test_brothers_with_all_else_in_common_stay_two_people() -> None:
    """Brothers held the same week, with their father's name and village and
    births a year apart (Саид-Магомед and Ислам Алхазов, in the simulated
    lists of seed 5), each named by three lists: expectation maximisation
    took such brothers for one man, and the pairs across the brothers
    joined them."""
    lists, _listed = simulated.generate(people=120, seed=5)
    records, people = _records(lists)
    result = linkage.link(linkage.prepare(records, 2017))
    by_name = {
        n: person
        for n, (record, person) in enumerate(zip(records, people, strict=True))
        if record.name.startswith(("Алхазов Саид-Магомед", "Алхазов Ислам"))
    }
    assert len(set(by_name.values())) == 2, "the two brothers are in the NGO's list"
    for one in by_name:
        for other in by_name:
            if by_name[one] != by_name[other]:
                assert result.clusters[one] != result.clusters[other]
    # Each brother is still one person across the lists.
    for person in set(by_name.values()):
        records_of = [n for n, p in enumerate(people) if p == person]
        assert len({result.clusters[n] for n in records_of}) == 1


def test_a_surname_typed_wrong_beside_a_district_named_for_a_village_is_a_candidate() -> None:
    rows = _two(
        ("NGO testimonies", {"name": "Закриев Бекхан Вахаевич", "place": "Толстой-Юрт"}),
        ("International report", {"surname": "Закреив", "given": "Бекхан",
                                  "place": "Грозненский р-н"}),
    )  # fmt: skip
    assert rows[0]["surname"] != rows[1]["surname"]
    assert _blocked(rows)
    # Not in another district.
    assert not _blocked(_two(
        ("NGO testimonies", {"name": "Закриев Бекхан Вахаевич", "place": "Толстой-Юрт"}),
        ("International report", {"surname": "Закреив", "given": "Бекхан",
                                  "place": "Шалинский р-н"}),
    ))  # fmt: skip


def test_a_record_without_a_surname_is_found_by_the_others_place_of_detention() -> None:
    # The other names no home, only where he was held.
    held = {"event_date": "10.03.2017"}
    rows = _two(
        ("NGO testimonies", {"name": "Алиев Адам", "detention_place": "Гудермес", **held}),
        ("Russian newspaper", {"name": "Адам А.", "place": "Гудермес", **held}),
    )
    assert _blocked(rows)
    # A record that names its home is found by its home, not by where it was held.
    assert not _blocked(_two(
        ("NGO testimonies", {"name": "Алиев Адам", "place": "Шали", "detention_place": "Гудермес",
                             **held}),
        ("Russian newspaper", {"name": "Адам А.", "place": "Гудермес", **held}),
    ))  # fmt: skip


def _level_of(rows: list[dict[str, object]], comparison: str) -> str:
    """The level of a comparison of the victims' model that the pair of
    rows falls in, as the database decides it."""
    import duckdb
    import pyarrow as pa

    with _untrained_model(rows) as model:
        levels = model._get_comparison_by_output_column_name(comparison).comparison_levels
        table = pa.Table.from_pylist(rows)
        sides = ", ".join(
            f"l.{name} as {name}_l, r.{name} as {name}_r" for name in table.column_names
        )
        with duckdb.connect() as db:
            db.register("pair", table)
            for level in levels:
                found = db.execute(
                    f"select ({level.sql_condition}) from (select {sides} from pair as l,"  # noqa: S608
                    " pair as r where l.unique_id = 0 and r.unique_id = 1)"
                ).fetchone()
                if found and found[0]:
                    return str(level.label_for_charts)
    raise AssertionError("no level holds")


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [("03.12.2017", "12/03/2017", "day and month swapped"),  # one list writes the month first
     ("12.03.2017", "12.03.2017", "same day"),
     ("3/12/2017", "в середине марта 2017", "day and month swapped"),
     ("03.12.2017", "04.12.2017", "within a month"),
     # No second reading where the day is over 12 or in the year-first order.
     ("13.03.2017", "03.13.2017", "same day"),
     ("2017-03-12", "2017-12-03", "within a year")],
)  # fmt: skip
def test_a_date_of_events_agrees_with_its_day_and_month_swapped(
    left: str, right: str, level: str
) -> None:
    rows = _two(
        ("NGO testimonies", {"name": "Умаров Ислам", "event_date": left}),
        ("English-language press", {"name": "Islam Umarov", "event_date": right}),
    )
    assert _level_of(rows, "event_lo") == level


def test_a_date_of_events_after_its_publication_is_read_month_first() -> None:
    # 3/12/2017 in an article of 1 April 2017 cannot be 3 December.
    rows = _two(
        ("NGO testimonies", {"name": "Ибрагимов Ризван", "event_date": "12.03.2017"}),
        ("English-language press", {"name": "Rizvan Ibragimov", "event_date": "3/12/2017",
                                    "age_date": "2017-04-01"}),
    )  # fmt: skip
    assert _level_of(rows, "event_lo") == "same day"
    # Where both readings come before it, the day is first, as written elsewhere.
    rows = _two(
        ("NGO testimonies", {"name": "Ибрагимов Ризван", "event_date": "12.03.2017"}),
        ("English-language press", {"name": "Rizvan Ibragimov", "event_date": "3/12/2017",
                                    "age_date": "2018-01-15"}),
    )  # fmt: skip
    assert _level_of(rows, "event_lo") == "day and month swapped"


def test_a_father_and_son_of_one_name_teach_nothing_about_matches() -> None:
    # Both of one surname, given name and village; their patronymics differ.
    # In the block that learns births, they would teach that births decades
    # apart are common among the records of one person.
    father, son = _two(
        ("NGO testimonies", {"name": "Хасанов Умар Лечаевич", "birth": "1965", "place": "Майртуп"}),
        ("NGO testimonies", {"name": "Хасанов Умар Умарович", "birth": "1994", "place": "Майртуп"}),
    )
    same, other = _two(
        ("NGO testimonies", {"name": "Хасанов Умар Лечаевич", "birth": "1965", "place": "Майртуп"}),
        ("International report", {"surname": "Khasanov", "given": "Umar", "place": "Mairtup"}),
    )
    learnt_by_name = victims.VICTIMS.training[0]
    assert isinstance(learnt_by_name, str)
    assert not _holds(learnt_by_name, [father, son])
    assert _holds(learnt_by_name, [same, other])


def test_pairs_scored_in_slices_are_the_pairs_scored_in_one_piece(
    five_lists: tuple[list[simulated.SimulatedList], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large lists are scored a slice of records at a time, to hold less in
    memory: the pairs, their probabilities and the people are the same."""
    records, _truth = _records(five_lists[0])
    rows = linkage.prepare(records, 2017)
    whole = linkage.link(rows)
    monkeypatch.setattr(pipeline, "SLICE_RECORDS", 60)
    slices = -(-len(rows) // 60)
    assert slices >= 3
    assert pipeline._slices(len(rows)) == {"num_chunks_left": slices, "num_chunks_right": slices}
    sliced = linkage.link(rows)
    assert whole.pairs, "nothing scored: the comparison says nothing"

    def rounded(found: linkage.Linkage) -> list[tuple[int, int, float]]:
        return sorted((min(a, b), max(a, b), round(p, 9)) for a, b, p in found.pairs)

    assert rounded(sliced) == rounded(whole)
    assert sliced.clusters == whole.clusters


def test_a_person_described_is_found_by_the_place_the_description_names() -> None:
    """A description ("житель Аргуна") is no surname: the record has no name
    to compare, and its home is Argun where the list has no column for it."""
    records = [
        linkage.SourceRecord.of("Newspaper", "1", {"name": "житель Аргуна", "age": "25 лет"}),
        linkage.SourceRecord.of("Newspaper", "2", {"name": "житель Аргуна", "age": "40 лет"}),
        linkage.SourceRecord.of("Press", "3", {"name": "a young man from Shali"}),
    ]
    rows = linkage.prepare(records, 2017)
    assert [row.get("surname") for row in rows] == [None, None, None]
    assert [row.get("given") for row in rows] == [None, None, None]
    assert [row.get("place") for row in rows] == ["argun", "argun", "shali"]
    assert [row.get("sex") for row in rows] == ["m", "m", "m"]


def _level_holds(column: str, label: str, rows: list[dict[str, object]]) -> bool:
    """Whether the pair falls at or above the named level of a comparison
    (its condition holds)."""
    with _untrained_model(rows) as model:
        compared = model._get_comparison_by_output_column_name(column)
        level = next(
            level for level in compared.comparison_levels if level.label_for_charts == label
        )
        # (splink writes a column of each side as column_l and column_r.)
        return _holds(re.sub(r"\b(\w+)_([lr])\b", r"\2.\1", level.sql_condition), rows)


def test_two_compound_names_that_share_one_part_are_two_names() -> None:
    # Brothers Саид-Эми and Магомед-Эми Закриев: the same second part.
    brothers = _two(
        ("NGO testimonies", {"name": "Закриев Саид-Эми Русланович", "place": "Сержень-Юрт"}),
        ("English-language press", {"name": "Magomed-Emi Zakriyev", "place": "Serzhen-Yurt"}),
    )
    assert not _level_holds("given", "a part of a compound name", brothers)
    # One name alone and the compound that holds it may be one man.
    short = _two(
        ("NGO testimonies", {"name": "Закриев Саид-Магомед"}),
        ("English-language press", {"name": "Magomed Zakriyev"}),
    )
    assert _level_holds("given", "a part of a compound name", short)


def test_a_surname_misspelt_where_one_record_names_no_home_is_still_a_candidate() -> None:
    # The press gives only where he was held; the surname has a vowel wrong.
    rows = _two(
        ("NGO testimonies", {"name": "Эльмурзаев Шамиль", "place": "с. Цоци-Юрт",
                             "event_date": "18.03.2017"}),
        ("English-language press", {"name": "Shamil Elmurzyev", "event_date": "March 18, 2017",
                                    "detention_place": "Tsotsi-Yurt"}),
    )  # fmt: skip
    assert rows[0]["surname"] != rows[1]["surname"]
    assert rows[1]["place"] is None
    assert _blocked(rows)


def test_a_given_name_alone_is_a_candidate_by_the_given_name_and_the_place() -> None:
    # Events over the turn of a year (each record counts them in another),
    # no single year of birth, no surname on one side.
    rows = _two(
        ("French press", {"name": "Mouslim", "age": "18 ans", "place": "Grozny",
                          "event_date": "l'hiver 2018-2019", "age_date": "30 janvier 2019"}),
        ("NGO testimonies", {"name": "Исмаилов Муслим", "age": "18 лет", "place": "г. Грозный",
                             "event_date": "в декабре", "age_date": "21.01.2019"}),
    )  # fmt: skip
    assert rows[0]["surname"] is None
    assert rows[0]["event_year"] != rows[1]["event_year"]
    assert _blocked(rows)
