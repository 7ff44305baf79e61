"""Linking victim records across sources into people (splink on DuckDB).

Records are prepared with the name keys of this region (names.py), birth
years from exact dates, years or ages, and place keys; splink then learns a
Fellegi-Sunter model without labels (expectation maximisation) and scores
candidate pairs; pairs above a threshold are clustered into people. Each
person's list-membership pattern feeds multiple systems estimation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.names import fold, latin, parse

# Places written in Russian, Chechen and transliterations, to one key.
PLACE_GROUPS = [
    ["grozny", "groznyy", "groznyi", "soelzha ghala", "solzha ghala"],
    ["argun", "ustrada ghala"],
    ["gudermes", "gumse"],
    ["shali", "shela"],
    ["urus martan", "khalkha martan", "halha martan"],
]
PLACE_KEYS = {
    fold(latin(variant).replace(" ", "")): fold(latin(group[0]).replace(" ", ""))
    for group in PLACE_GROUPS
    for variant in group
}


def place_key(text: str) -> str:
    key = fold(latin(text).replace(" ", ""))
    return PLACE_KEYS.get(key, key)


AGE = re.compile(r"(\d{1,3})\s*(?:years?|лет|года?|ans?)")
YEAR = re.compile(r"(19\d\d|20\d\d)")


def birth_year(text: str, reference_year: int) -> tuple[int | None, bool]:
    """(year, approximate): from a date, a year, or an age in a given year."""
    text = text.strip().lower()
    if not text:
        return None, False
    age = AGE.search(text)
    if age:
        return reference_year - int(age.group(1)), True
    year = YEAR.search(text)
    if year:
        return int(year.group(1)), text.startswith(("~", "c.", "ca", "около"))
    return None, False


@dataclass(frozen=True)
class SourceRecord:
    list_name: str
    record_id: str
    name: str
    birth: str = ""
    place: str = ""


def prepare(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    rows = []
    for number, record in enumerate(records):
        parsed = parse(record.name)
        year, approximate = birth_year(record.birth, reference_year)
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": parsed.surname or None,
                "given": parsed.given or None,
                "initial": parsed.initial or None,
                "birth_year": year,
                "birth_approximate": approximate,
                "place": place_key(record.place) or None,
            }
        )
    return rows


def prepare_plainly(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    """The comparison: lower-cased words as they are, no name handling."""
    rows = []
    for number, record in enumerate(records):
        words = record.name.lower().replace(".", " ").split()
        year, approximate = birth_year(record.birth, reference_year)
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": words[-1] if words else None,
                "given": words[0] if len(words) > 1 else None,
                "initial": words[0][:1] if len(words) > 1 else None,
                "birth_year": year,
                "birth_approximate": approximate,
                "place": record.place.lower() or None,
            }
        )
    return rows


def _settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    given = cl.CustomComparison(
        output_column_name="given",
        comparison_levels=[
            cll.And(cll.NullLevel("given"), cll.NullLevel("initial")),
            cll.ExactMatchLevel("given"),
            cll.JaroWinklerLevel("given", 0.9),
            cll.ExactMatchLevel("initial"),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth_year",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.AbsoluteDifferenceLevel("birth_year", 3),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("surname", [0.95, 0.88]),
            given,
            birth,
            cl.ExactMatch("place"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("given", "birth_year"),
            block_on("initial", "place"),
        ],
        retain_intermediate_calculation_columns=False,
    )


@dataclass(frozen=True)
class Linkage:
    """Record ids grouped into people, and every scored pair."""

    clusters: dict[int, int]  # unique_id -> cluster id
    pairs: list[tuple[int, int, float]]  # (unique_id_l, unique_id_r, probability)
    trained: bool = True  # False: too little data to learn the model

    def people(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for record, cluster in self.clusters.items():
            grouped.setdefault(cluster, []).append(record)
        return grouped


def link(rows: Sequence[dict[str, Any]], threshold: float = 0.5, seed: int = 1) -> Linkage:
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker, block_on

    frame = pd.DataFrame(rows)
    # In memory only: names of victims must never spill to a temporary file.
    connection = duckdb.connect(":memory:")
    connection.execute("SET temp_directory = ''")
    db_api = DuckDBAPI(connection=connection)
    table = db_api.register(frame)
    linker = Linker(table, _settings(), log_level="WARNING")
    steps = [
        lambda: linker.training.estimate_probability_two_random_records_match(
            [block_on("surname", "given", "birth_year")], recall=0.7
        ),
        lambda: linker.training.estimate_u_using_random_sampling(max_pairs=2e5, seed=seed),
        lambda: linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("surname")
        ),
        lambda: linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("given")
        ),
    ]
    trained = True
    for step in steps:
        try:
            step()
        except (ValueError, ZeroDivisionError, ArithmeticError):
            # Too few records (or too few matches) to learn from: the
            # comparisons keep splink's default weights, and the caller says so.
            trained = False
    settings = linker._settings_obj
    prior = settings._probability_two_random_records_match
    if not 0.0 < prior < 1.0:
        # No matches among the strictest pairs (a handful of records): fall
        # back to one expected match per list of this size.
        settings._probability_two_random_records_match = min(0.5, max(1e-6, 1 / len(frame)))
        trained = False
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    cluster_frame = clusters.as_pandas_dataframe()
    pair_frame = predictions.as_pandas_dataframe()
    return Linkage(
        clusters=dict(zip(cluster_frame["unique_id"], cluster_frame["cluster_id"], strict=True)),
        pairs=list(
            zip(
                pair_frame["unique_id_l"],
                pair_frame["unique_id_r"],
                pair_frame["match_probability"],
                strict=True,
            )
        ),
        trained=trained,
    )


def capture_table(rows: Sequence[dict[str, Any]], linkage: Linkage) -> CaptureTable:
    """The list-membership pattern of every linked person."""
    lists = sorted({row["list_name"] for row in rows})
    by_id = {row["unique_id"]: row for row in rows}
    counts: dict[tuple[int, ...], int] = {}
    for members in linkage.people().values():
        on = {by_id[m]["list_name"] for m in members}
        pattern = tuple(int(name in on) for name in lists)
        counts[pattern] = counts.get(pattern, 0) + 1
    return CaptureTable(tuple(lists), counts)


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    clusters: int
    true_people: int


def evaluate(truth: dict[int, int], linkage: Linkage) -> Quality:
    """Pairwise precision, recall and F1 against known people."""

    def pairs_of(groups: Iterable[list[int]]) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for members in groups:
            found.update(combinations(sorted(members), 2))
        return found

    true_groups: dict[int, list[int]] = {}
    for record, person in truth.items():
        true_groups.setdefault(person, []).append(record)
    true_pairs = pairs_of(true_groups.values())
    found_pairs = pairs_of(linkage.people().values())
    correct = len(true_pairs & found_pairs)
    precision = correct / len(found_pairs) if found_pairs else 1.0
    recall = correct / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, len(linkage.people()), len(true_groups))
