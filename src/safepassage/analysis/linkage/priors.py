"""The chance that two records match before anything about them is compared,
learnt from the data as expectation maximisation learns it.

Over all pairs (`learn`, the schema's prior "pairs"): the chance that
equals the average, over every pair, of each pair's probability of a match
given that chance, the weights of agreement being known.

For each pair of lists (the schema's `prior_by`): lists are not
independent samples of one population. A newspaper takes most of its cases
from an NGO, the foreign press from the newspaper, asylum files hold people
who fled whatever the news said, and one list seldom names a person twice.
So the chance that a record of one list is a record of another differs from
one pair of lists to the next, and the same agreement on a place, an age
and a month says more between a newspaper and the press that copies it
than between two records of one list. Each pair of lists gets its own
chance, learnt the same way from its own pairs, starting from the chance
over all pairs as from a few pairs' worth of evidence (`PSEUDO_MATCHES`),
so that a small list keeps close to it. Nothing is told about the lists:
which copy which is what the model finds in them.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from safepassage.analysis.linkage.backends import to_arrow
from safepassage.analysis.linkage.schema import Schema

# At most this many records (a random sample of them) are scored pair by
# pair to learn the chance that two random records match.
PRIOR_RECORDS = 20_000
# A pair of lists starts from the chance over all pairs as if it had seen
# this many matches at that rate: its own pairs outweigh it once they hold
# more matches than that.
PSEUDO_MATCHES = 10.0

# The fixed point is found to this share of itself, in at most this many
# rounds (a dozen or two suffice).
TOLERANCE = 1e-4
ROUNDS = 200

Group = tuple[str, str]


@dataclass(frozen=True)
class Priors:
    """The chance that two random records match, over all pairs and for
    each pair of lists (the two list names in order; empty if the schema
    learns one chance for all)."""

    overall: float
    by_lists: dict[Group, float] = field(default_factory=dict)

    def highest(self) -> float:
        return max([self.overall, *self.by_lists.values()])

    def of(self, left: str | None, right: str | None) -> float:
        if left is None or right is None:
            return self.overall
        return self.by_lists.get(group(left, right), self.overall)


def group(left: str, right: str) -> Group:
    return (left, right) if left <= right else (right, left)


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def rescaled(probability: float, scored_with: float, prior: float) -> float:
    """A pair's probability scored with one chance of a match, given
    another instead (the evidence, its weight of agreement, unchanged)."""
    if probability <= 0.0 or probability >= 1.0 or prior == scored_with:
        return probability
    shift = logit(prior) - logit(scored_with)
    odds = logit(probability) + shift
    return 1 / (1 + math.exp(-odds))


def _fixed_point(evidence: np.ndarray, pairs: float, start: float, extra: float = 0.0,
                 towards: float = 0.0) -> float | None:  # fmt: skip
    """The chance that equals the average probability of the pairs given it
    (`extra` pairs' worth of matches at the rate `towards` added to both
    sides); None if it leaves (0, 1)."""
    chance = start
    weights = np.exp2(evidence)
    for _round in range(ROUNDS):
        odds = chance / (1 - chance) * weights
        updated = (float(np.sum(odds / (1 + odds))) + extra * towards) / (pairs + extra)
        if not 0.0 < updated < 1.0:
            return None
        if abs(updated - chance) <= TOLERANCE * chance:
            return updated
        chance = updated
    return chance


def _pairs_between(sizes: Counter[str], link_type: str) -> dict[Group, float]:
    names = sorted(sizes)
    counts: dict[Group, float] = {}
    for i, left in enumerate(names):
        if link_type != "link_only":
            counts[(left, left)] = sizes[left] * (sizes[left] - 1) / 2
        for right in names[i + 1 :]:
            counts[(left, right)] = float(sizes[left] * sizes[right])
    return counts


def learn(
    db_api: Any, linker: Any, rows: Sequence[dict[str, Any]], schema: Schema, seed: int
) -> Priors | None:
    """The chances, learnt on the candidate pairs of a random sample of the
    records (a sample of records is a sample of pairs; pairs no blocking
    rule finds count as non-matches); None if there are too few."""
    from splink import Linker

    sample = list(rows)
    if len(sample) > PRIOR_RECORDS:
        # A seeded sample, so that a linkage can be repeated exactly.
        sample = random.Random(seed).sample(sample, PRIOR_RECORDS)  # noqa: S311
    if len(sample) < 2:
        return None
    columns = schema.columns()
    table = to_arrow(sample, columns, {column: schema.column_type(column) for column in columns})
    model = linker.misc.save_model_to_json()
    start = linker._settings_obj._probability_two_random_records_match
    scored = Linker(db_api.register(table), model, log_level="ERROR", validate_settings=False)
    found = scored.inference.predict(warning_mode="never").as_pyarrow_table()
    # Each pair's weight of evidence, without the prior it was scored with.
    evidence = found.column("match_weight").to_numpy() - math.log2(start / (1 - start))
    if schema.link_type == "dedupe_only":
        pairs = len(sample) * (len(sample) - 1) / 2
    else:
        sizes = Counter(row[schema.source_column or "source_dataset"] for row in sample)
        pairs = (sum(sizes.values()) ** 2 - sum(size**2 for size in sizes.values())) / 2
    overall = _fixed_point(evidence, pairs, start)
    if overall is None or schema.prior_by is None:
        return None if overall is None else Priors(overall)
    list_of = {row["unique_id"]: str(row[schema.prior_by]) for row in sample
               if row.get(schema.prior_by) is not None}  # fmt: skip
    between = _pairs_between(Counter(list_of.values()), schema.link_type)
    code = {key: number for number, key in enumerate(between)}
    labels = np.array(
        [
            code.get(group(list_of[left], list_of[right]), -1)
            if left in list_of and right in list_of
            else -1
            for left, right in zip(
                found.column("unique_id_l").to_pylist(),
                found.column("unique_id_r").to_pylist(),
                strict=True,
            )
        ],
        dtype=np.int64,
    )
    extra = PSEUDO_MATCHES / overall
    by_lists: dict[Group, float] = {}
    for key, count in between.items():
        if count <= 0:
            continue
        learnt = _fixed_point(evidence[labels == code[key]], count, overall, extra, overall)
        if learnt is not None:
            by_lists[key] = learnt
    return Priors(overall, by_lists)
