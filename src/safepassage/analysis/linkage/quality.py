"""How well a linkage found the true people: pairwise precision, recall, F1.

Counted from a contingency of clusters against true people, so that a
million records (or one large cluster) are measured without listing pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from safepassage.analysis.linkage.pipeline import Linkage


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    clusters: int
    true_people: int


def _pairs(sizes: Iterable[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def _quality(correct: int, found: int, true: int, clusters: int, people: int) -> Quality:
    precision = correct / found if found else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, clusters, people)


def evaluate(truth: dict[int, int], linkage: Linkage) -> Quality:
    """Pairs of records put in one cluster, against pairs of one true person
    (`truth`: unique_id -> person)."""
    clusters = linkage.clusters
    people = Counter(truth.values())
    cells = Counter(
        (clusters[record], person) for record, person in truth.items() if record in clusters
    )
    sizes = Counter(clusters.values())
    return _quality(
        correct=_pairs(cells.values()),
        found=_pairs(sizes.values()),
        true=_pairs(people.values()),
        clusters=len(sizes),
        people=len(people),
    )


def evaluate_pairs(truth: dict[int, int], linkage: Linkage) -> Quality:
    """Scored pairs at or above the linkage's threshold, before clustering,
    against pairs of one true person."""
    people = Counter(truth.values())
    found = {
        (min(left, right), max(left, right))
        for left, right, probability in linkage.pairs
        if probability >= linkage.threshold
    }
    correct = sum(1 for left, right in found if left in truth and truth[left] == truth.get(right))
    return _quality(
        correct=correct,
        found=len(found),
        true=_pairs(people.values()),
        clusters=len(set(linkage.clusters.values())),
        people=len(people),
    )
