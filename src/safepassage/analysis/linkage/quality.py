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


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(truth: dict[int, int], clusters: dict[int, int]) -> BCubed:
    """B-cubed precision and recall (Bagga and Baldwin, 1998): for each
    record, the share of its cluster that is its person, and of its person
    that is in its cluster, averaged over records."""
    records = [record for record in truth if record in clusters]
    if not records:
        return BCubed(1.0, 1.0, 1.0)
    cells = Counter((clusters[record], truth[record]) for record in records)
    cluster_sizes = Counter(clusters[record] for record in records)
    person_sizes = Counter(truth[record] for record in records)
    precision = recall = 0.0
    for (cluster, person), together in cells.items():
        precision += together * together / cluster_sizes[cluster]
        recall += together * together / person_sizes[person]
    precision, recall = precision / len(records), recall / len(records)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)


def recall_between(
    truth: dict[int, int], clusters: dict[int, int], sources: dict[int, str]
) -> dict[tuple[str, str], tuple[float, int]]:
    """For every pair of sources (a source with itself: its duplicates), the
    share of true pairs of records, one from each, that were put in one
    cluster, and how many true pairs there were."""
    by_person: dict[int, list[int]] = {}
    for record, person in truth.items():
        by_person.setdefault(person, []).append(record)
    found: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for members in by_person.values():
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                pair = tuple(sorted((sources[left], sources[right])))
                key = (pair[0], pair[1])
                total[key] += 1
                found[key] += clusters.get(left) == clusters.get(right)
    return {key: (found[key] / count, count) for key, count in sorted(total.items())}
