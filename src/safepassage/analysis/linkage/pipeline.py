"""Learning a model, scoring candidate pairs and clustering them into people.

splink learns a Fellegi-Sunter model without labels: the chance that two
random records match from near-certain pairs, the chance of each level of
agreement among non-matches from random pairs, and among matches by
expectation maximisation on blocked pairs. Candidate pairs are scored and
those above a threshold are clustered (connected components).

The same SQL runs on DuckDB in this process or on Spark (backends.py);
neither writes records to disk in clear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from safepassage.analysis.linkage import priors
from safepassage.analysis.linkage.backends import (
    SMALL_LIST,
    SMALL_LIST_SETTINGS,
    Backend,
    duckdb_database,
    local_spark,
    spark_database,
    to_arrow,
)
from safepassage.analysis.linkage.clustering import (
    alone_records,
    components,
    groups_to_refine,
    refine,
)
from safepassage.analysis.linkage.comparisons import DIFFERENT_NAMES, INITIAL_AGREES
from safepassage.analysis.linkage.schema import Kind, Schema, blocking_rules, settings
from safepassage.analysis.linkage.victims import VICTIMS
from safepassage.analysis.mse.tables import CaptureTable

# Pairs this likely or more are kept for review (below the usual threshold).
REVIEW_FLOOR = 0.2
# The least probability of a pair that a record left alone weighs among its
# candidates (Schema.faint_blocking): a hundred such pairs count as one of
# even odds.
FAINT_FLOOR = 0.01
# Random pairs for the u probabilities, read in one pass (splink's chunked
# early stop costs a query per chunk and comparison, slower at this size),
# and the most blocked pairs one expectation-maximisation session reads
# (larger blocks are sampled by splink, so training time stays flat as
# lists grow).
U_PAIRS = 2e5
EM_PAIRS = 5e6
PROBE_RECORDS = 20_000
# The candidate pairs are scored in slices of at most this many records on
# each side, so that DuckDB holds one slice's pairs at a time (a million
# records: 7.3 GB at the peak in one piece, 5.8 GB in two by two, in the
# same time; bench/README.md). Fewer records are scored in one piece.
SLICE_RECORDS = 500_000

# Told the phase that starts and the share of the whole linkage done.
Progress = Callable[[str, float], None]


def phase_starts(records: int) -> dict[str, float]:
    """Where each phase starts, as a share of the whole linkage of this many
    records: a rough model of the seconds each took on synthetic victim
    lists on two cores (bench/linkage_scale.py). Training samples its pairs,
    so it takes about as long whatever the size; scoring grows with the
    candidate pairs, about the square of the records (2 s of 10 at 100,000
    records, 83 s of 94 at a million). Only the shares matter."""
    millions = records / 1e6
    seconds = {
        "loading": 0.1 + 2 * millions,
        "training": 6.0,
        "scoring": 0.5 + 83 * millions**2,
        "clustering": 0.5 + 3 * millions,
    }
    total = sum(seconds.values())
    starts, done = {}, 0.0
    for phase, spent in seconds.items():
        starts[phase] = done / total
        done += spent
    return {**starts, "done": 1.0}


@dataclass(frozen=True)
class Linkage:
    """Record ids grouped into people, and every scored pair."""

    clusters: dict[int, int]  # unique_id -> cluster id
    pairs: list[tuple[int, int, float]]  # (unique_id_l, unique_id_r, probability)
    trained: bool = True  # False: too little data to learn the model
    threshold: float = 0.5  # pairs at or above it were clustered together
    # The chance that two random records match, over all pairs and for
    # each pair of lists, as learnt (None: the schema's prior rules).
    chances: priors.Priors | None = None

    def people(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for record, cluster in self.clusters.items():
            grouped.setdefault(cluster, []).append(record)
        return grouped


def _silent(phase: str, fraction: float) -> None:
    """No one is listening."""


def link(
    rows: Sequence[dict[str, Any]],
    threshold: float = 0.5,
    seed: int = 1,
    *,
    schema: Schema = VICTIMS,
    backend: Backend = "duckdb",
    spark_session: Any = None,
    progress: Progress | None = None,
) -> Linkage:
    """Link prepared rows (each with an integer `unique_id`) into people.

    `schema` says what is compared (victim records by default). `backend`
    picks the database: "duckdb" in this process, or "spark", on
    `spark_session` if given (it must encrypt its local files, else
    `SparkUnsafe`), else on a private local session opened and stopped for
    this call. Pairs scored `REVIEW_FLOOR` or more (or `threshold`, if
    lower) are returned; those at `threshold` or more are clustered.

    `progress`, if given, is called with the name of each phase as it
    starts ("loading", "training", "scoring", "clustering") and the share
    of the whole linkage done (0 to 1), again after each training step, and
    with ("done", 1.0) at the end. An exception it raises stops the linkage
    and propagates (a cancelled job).
    """
    if backend not in ("duckdb", "spark"):
        raise ValueError(f"unknown backend {backend!r}")
    if not 0.0 < threshold < 1.0:
        raise ValueError("the threshold is a match probability, between 0 and 1")
    report = progress or _silent
    with ExitStack() as stack:
        report("loading", 0.0)
        if backend == "spark":
            if spark_session is None:
                tuning = SMALL_LIST_SETTINGS if len(rows) < SMALL_LIST else None
                spark_session = stack.enter_context(local_spark(settings=tuning))
            db_api = stack.enter_context(spark_database(spark_session))
        else:
            db_api = stack.enter_context(duckdb_database())
        result = _link(db_api, rows, threshold, seed, schema, report)
    report("done", 1.0)
    return result


def _link(
    db_api: Any,
    rows: Sequence[dict[str, Any]],
    threshold: float,
    seed: int,
    schema: Schema,
    report: Progress,
) -> Linkage:
    from splink import Linker

    columns = schema.columns()
    table = to_arrow(rows, columns, {column: schema.column_type(column) for column in columns})
    # (The settings are built by code and held by tests: splink's own
    # check of them, which parses every comparison's SQL, is skipped. Its
    # warnings that a level was never seen among the data's matches are
    # not for the analyst: such levels are handled here, `_smooth` and
    # `_neutral_where_unseen`.)
    linker = Linker(
        db_api.register(table), settings(schema), log_level="ERROR", validate_settings=False
    )
    del table
    phases = phase_starts(len(rows))
    observed = {column for column in columns if any(row.get(column) is not None for row in rows)}
    trained = _train(linker, schema, seed, len(rows), report, phases, observed)
    _initials_as_written(linker._settings_obj, schema, rows)
    if schema.least_m:
        _different_names_are_a_mistake(linker._settings_obj, schema.least_m)
        _smooth(linker._settings_obj, schema.least_m)
        _neutral_where_unseen(linker._settings_obj)
    chances = None
    if schema.prior == "pairs" and trained:
        chances = priors.learn(db_api, linker, rows, schema, seed)
    model = linker._settings_obj
    if chances is not None:
        # Scored with the highest chance of any pair of lists, then each
        # pair given its own lists' (so that none is left out below the floor).
        model._probability_two_random_records_match = chances.highest()
    scored_with = model._probability_two_random_records_match
    lists = {row["unique_id"]: row.get(schema.prior_by) for row in rows} if schema.prior_by else {}

    never = never_one(schema, rows)
    joinable = apart_pairs(schema, rows, never)

    def own(found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """Each pair's probability given its own pair of lists' chance (the
        pairs that can never be one person left out)."""
        found = joinable(found)
        if chances is None or not chances.by_lists:
            return found
        return [
            (a, b, priors.rescaled(p, scored_with, chances.of(lists.get(a), lists.get(b))))
            for a, b, p in found
        ]

    floor = min(REVIEW_FLOOR, threshold)
    report("scoring", phases["scoring"])
    predictions = linker.inference.predict(
        threshold_match_probability=floor, warning_mode="never", **_slices(len(rows))
    )
    pair_table = predictions.as_pyarrow_table()
    pairs = own(_pairs_of(pair_table))
    pairs = [pair for pair in pairs if pair[2] >= floor]
    del pair_table
    report("clustering", phases["clustering"])
    ids = [row["unique_id"] for row in rows]
    if schema.refine:
        pairs = _refined(db_api, linker, predictions, ids, pairs, threshold, own, never)
    if schema.one_of_candidates and chances is not None and chances.by_lists:
        sizes = Counter(str(name) for name in lists.values())
        named = {record: str(name) for record, name in lists.items()}
        faint = _faint_pairs(linker, schema, own, len(rows)) if schema.faint_blocking else []
        pairs = alone_records(ids, pairs, named, chances.of, sizes, threshold, faint)
    position = {record: i for i, record in enumerate(ids)}
    labels = components(
        len(ids), ((position[a], position[b]) for a, b, p in pairs if p >= threshold)
    )
    return Linkage(
        clusters=dict(zip(ids, labels.tolist(), strict=True)),
        pairs=pairs,
        trained=trained,
        threshold=threshold,
        chances=chances,
    )


def _slices(records: int) -> dict[str, int]:
    """splink's arguments that score the pairs of `records` in slices of
    at most SLICE_RECORDS a side; none where one piece is small enough."""
    slices = -(-records // SLICE_RECORDS)
    return {"num_chunks_left": slices, "num_chunks_right": slices} if slices > 1 else {}


def apart_pairs(
    schema: Schema,
    rows: Sequence[dict[str, Any]],
    never: Callable[[int, int], bool] | None = None,
) -> Callable[[list[tuple[int, int, float]]], list[tuple[int, int, float]]]:
    """A filter of scored pairs that leaves out those that can never be one
    person (`never`, by default `never_one`): births further apart than
    `schema.apart` allows, or one source (one article). The model weighs
    each field on its own, so a father and son of one name, from one
    village, held on one day in one place agree on so much that their
    births, decades apart, cannot outweigh it.
    A pair left out is as if never scored: it is not joined, not weighed as
    a candidate of a record left alone, and counts as 0 when a group is
    rebuilt."""
    never = never or never_one(schema, rows)

    def joinable(found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        return [pair for pair in found if not never(pair[0], pair[1])]

    return joinable


def never_one(schema: Schema, rows: Sequence[dict[str, Any]]) -> Callable[[int, int], bool]:
    """Whether two records can never be one person: births further apart
    than `schema.apart` allows, or the same source (`schema.one_source`).
    Such a pair is never scored, and a group rebuilt by average linkage
    never joins two parts that hold one (clustering.average_linkage)."""
    low, high, most = schema.apart or ("", "", 0)
    ranges = {
        row["unique_id"]: (row[low], row[high])
        for row in rows
        if schema.apart and row.get(low) is not None and row.get(high) is not None
    }
    sources = {
        row["unique_id"]: row[schema.one_source]
        for row in rows
        if schema.one_source and row.get(schema.one_source) is not None
    }

    def never(a: int, b: int) -> bool:
        left, right = ranges.get(a), ranges.get(b)
        if left and right and max(left[0] - right[1], right[0] - left[1]) > most:
            return True
        return a in sources and sources[a] == sources.get(b)

    return never


def _pairs_of(table: Any) -> list[tuple[int, int, float]]:
    """A table of splink's predictions as (record, record, probability)."""
    return list(
        zip(
            table.column("unique_id_l").to_pylist(),
            table.column("unique_id_r").to_pylist(),
            table.column("match_probability").to_pylist(),
            strict=True,
        )
    )


def _faint_pairs(
    linker: Any,
    schema: Schema,
    own: Callable[[list[tuple[int, int, float]]], list[tuple[int, int, float]]],
    records: int,
) -> list[tuple[int, int, float]]:
    """The pairs of `schema.faint_blocking`'s rules scored FAINT_FLOOR or
    more with their own lists' chance of a match: candidates of a record
    left alone too unlikely each to be kept as pairs. (Scored by the same
    model, with the prediction's rules set to these for the call.)"""
    from splink.internals.blocking import BlockingRule
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    dialect = linker._sql_dialect_str
    rules = [
        to_blocking_rule_creator(rule).get_blocking_rule(dialect)
        for rule in blocking_rules(schema.faint_blocking)
    ]
    model = linker._settings_obj
    kept = model._blocking_rules_to_generate_predictions
    model._blocking_rules_to_generate_predictions = (
        BlockingRule._add_preceding_rules_to_each_blocking_rule(rules)
    )
    try:
        found = linker.inference.predict(
            threshold_match_probability=FAINT_FLOOR, warning_mode="never", **_slices(records)
        ).as_pyarrow_table()
    finally:
        model._blocking_rules_to_generate_predictions = kept
    scored = own(_pairs_of(found))
    return [pair for pair in scored if pair[2] >= FAINT_FLOOR]


def _refined(
    db_api: Any,
    linker: Any,
    predictions: Any,
    ids: list[int],
    pairs: list[tuple[int, int, float]],
    threshold: float,
    own: Callable[[list[tuple[int, int, float]]], list[tuple[int, int, float]]],
    never: Callable[[int, int], bool] | None = None,
) -> list[tuple[int, int, float]]:
    """The pairs, with each group of three records or more that they join
    rebuilt by average linkage (clustering.py): the pairs inside it that no
    blocking rule found scored too, and those that joined parts it splits
    given the parts' average."""
    import pyarrow as pa

    position = {record: i for i, record in enumerate(ids)}
    labels = components(
        len(ids), ((position[a], position[b]) for a, b, p in pairs if p >= threshold)
    )
    groups = groups_to_refine(labels)
    if not groups:
        return pairs
    members = [(ids[i], label) for label, records in groups.items() for i in records]
    table = pa.table(
        {
            "unique_id": pa.array([record for record, _label in members], type=pa.int64()),
            "cluster_id": pa.array([label for _record, label in members], type=pa.int64()),
        }
    )
    missing = linker.inference._score_missing_cluster_edges(db_api.register(table), predictions)
    found = missing.as_pyarrow_table()
    extra = own(_pairs_of(found))
    group_of = {record: label for record, label in members}
    inside: dict[int, list[tuple[int, int, float]]] = {}
    for a, b, p in [*pairs, *extra]:
        if a in group_of and group_of[a] == group_of.get(b):
            inside.setdefault(group_of[a], []).append((a, b, p))
    lowered: dict[tuple[int, int], float] = {}
    for label, records in groups.items():
        _parts, changed = refine(inside.get(label, []), [ids[i] for i in records], threshold, never)
        lowered.update(changed)
    # (A pair scored only now that joins two parts is lowered as the others
    # are: kept at its own probability, it would join the parts again.)
    floor = min(REVIEW_FLOOR, threshold)
    return [
        (a, b, lowered.get((min(a, b), max(a, b)), p))
        for a, b, p in [*pairs, *(pair for pair in extra if pair[2] >= floor)]
    ]


def _train(
    linker: Any,
    schema: Schema,
    seed: int,
    records: int,
    report: Progress,
    phases: dict[str, float],
    observed: set[str],
) -> bool:
    """Learn the model; False if some step had too little data to learn
    from: the chance of a match or the u probabilities, or the m
    probabilities of a comparison of columns that hold values (a session
    whose block holds no pairs is no loss if others teach the same)."""
    from splink.internals.exceptions import EMTrainingException

    training = linker.training
    # Sampling blocked pairs costs a probe query per session; below this
    # many records there cannot be more pairs than it would keep. The probe
    # counts the pairs among a share of the records: at least PROBE_RECORDS
    # of them, so that it finds some pairs in a list of a few thousand.
    em_pairs = EM_PAIRS if records * (records - 1) / 2 > EM_PAIRS else None
    probe = min(1.0, max(0.01, PROBE_RECORDS / max(records, 1)))
    model = linker._settings_obj

    def session(rule: Any) -> None:
        # A session that fails (no pairs in its block) leaves splink's model
        # without the comparisons it set aside: put them back.
        before = model.core_model_settings.copy()
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule,
                estimate_without_term_frequencies=True,
                max_pairs=em_pairs,
                record_sample_proportion=probe,
            )
        except BaseException:
            model.core_model_settings = before
            raise

    steps = [
        lambda: training.estimate_probability_two_random_records_match(
            blocking_rules(schema.prior_rules), recall=schema.prior_recall
        ),
        lambda: training.estimate_u_using_random_sampling(
            max_pairs=U_PAIRS, seed=seed, num_chunks=1
        ),
        *(lambda rule=rule: session(rule) for rule in blocking_rules(schema.training)),
    ]
    start, end = phases["training"], phases["scoring"]
    report("training", start)
    trained = True
    for done, step in enumerate(steps, start=1):
        try:
            step()
        except (EMTrainingException, ValueError, ZeroDivisionError, ArithmeticError):
            # Too few records (or too few matches) to learn from: the
            # comparisons keep splink's default weights, and the caller says so.
            if done <= 2:
                trained = False
        report("training", start + (end - start) * done / len(steps))
    for comparison in schema.comparisons:
        learnt = model._get_comparison_by_output_column_name(comparison.column)
        if not learnt._some_m_are_trained and set(comparison.columns()) & observed:
            trained = False
    prior = model._probability_two_random_records_match
    if not 0.0 < prior < 1.0:
        # No matches among the strictest pairs (a handful of records): fall
        # back to one expected match per list of this size.
        model._probability_two_random_records_match = min(0.5, max(1e-6, 1 / records))
        trained = False
    return trained


def initial_shares(schema: Schema, rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """For each name part and patronymic of the schema, the share of two
    records, both naming it, in which at least one gives only its initial:
    1 - (1 - f)^2, where f is the share of the records naming it that give
    only the initial."""
    shares = {}
    for comparison in schema.comparisons:
        initial = comparison.role("initial")
        if comparison.kind not in (Kind.NAME_PART, Kind.PATRONYMIC) or not initial:
            continue
        naming = alone = 0
        for row in rows:
            if row.get(comparison.column) is not None:
                naming += 1
            elif row.get(initial) is not None:
                naming += 1
                alone += 1
        if naming:
            shares[comparison.column] = 1 - (1 - alone / naming) ** 2
    return shares


def _initials_as_written(model: Any, schema: Schema, rows: Sequence[dict[str, Any]]) -> None:
    """The m probability of each "initial agrees" level is the share of
    pairs in which one record gives only the initial (initial_shares), and
    the other levels share the rest as expectation maximisation divided it.

    How a list writes a name does not depend on whether two records are one
    person, so this share is the same among matches as among all pairs and
    is counted, not learnt. Learnt, it came out at a quarter to a half of
    the truth: a pair that agrees on a surname, an initial and a place but
    on nothing else is as likely a namesake as the same person to the
    model, which then calls too few of them matches and learns from that
    that such pairs are rare among matches."""
    for column, share in initial_shares(schema, rows).items():
        if share > 0:  # (no record gives only the initial: the level never holds)
            comparison = model._get_comparison_by_output_column_name(column)
            _set_level(comparison, INITIAL_AGREES, share)


def _set_level(comparison: Any, label: str, m: float) -> None:
    """The m probability of the comparison's level `label` set to `m`, the
    other levels sharing the rest as expectation maximisation divided it;
    nothing if the comparison has no such level or was not learnt."""
    levels = [level for level in comparison.comparison_levels if not level.is_null_level]
    if any(level.m_probability is None for level in levels):
        return
    chosen = [level for level in levels if level.label_for_charts == label]
    others = [level for level in levels if level.label_for_charts != label]
    rest = sum(float(level.m_probability) for level in others)
    if len(chosen) != 1 or rest <= 0:
        return
    chosen[0].m_probability = m
    for level in others:
        level.m_probability = float(level.m_probability) * (1 - m) / rest


def _different_names_are_a_mistake(model: Any, least: float) -> None:
    """Two records of one person give two different names of the given-name
    table (Ислам and Саид-Магомед) only by a list's mistake. Expectation
    maximisation learns otherwise from brothers, who agree on all else
    (surname, father, village, often the day of detention): on simulated
    lists it learnt that 2 % of matches do so, where none of 1,441 true
    pairs did. The level is not learnt: its m is the floor of every level
    (`least`, as `_smooth` gives a level never seen among matches), the
    other levels keeping their proportions."""
    for comparison in model.comparisons:
        _set_level(comparison, DIFFERENT_NAMES, least)


def _smooth(model: Any, least: float) -> None:
    """No level is impossible among matches: each comparison's m
    probabilities are raised to at least `least` and scaled to sum to one
    again (as a weak prior would), so that a level that expectation
    maximisation never saw among this data's matches (a typing error in
    lists that have none) weighs against a match without vetoing it."""
    for comparison in model.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        values = [level.m_probability for level in levels]
        if any(value is None for value in values):
            continue
        raised = [max(float(value), least) for value in values]
        total = sum(raised)
        for level, value in zip(levels, raised, strict=True):
            level.m_probability = value / total


def _neutral_where_unseen(model: Any) -> None:
    """A level that no random pair showed has no u probability (splink
    would take one in a million, and the level would count as twenty bits
    for a match): it gets its m probability instead, so that it weighs
    neither for nor against. (A district named for a place of detention
    is rare enough that 200,000 random pairs may hold none.)"""
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    for comparison in model.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level and level._u_probability in (None, LEVEL_NOT_OBSERVED_TEXT):
                m = level.m_probability
                if m is not None:
                    level.u_probability = m


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
