"""Scored pairs grouped into people.

Joining every pair above the threshold (connected components) lets one
person's records chain into another's: a man's record agrees with his
brother's on the surname, the father's name, the village, the day and
place of detention, and a record that names neither by his given name
("Умаров М.", "M. Umarov") links to both. So each group of three records
or more that the pairs join is looked at as a whole: every pair inside it
is scored (splink scores the pairs no blocking rule had found), and the
group is rebuilt by average linkage, joining two parts only while, on
average over all the pairs between them, their records are more likely
one person than not. Where that splits a group, the pairs that had joined
the parts are given the parts' average (below the threshold), so that the
stored pairs, clustered as before, give the same people everywhere: a run,
its review queue and the estimates drawn from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

# Groups this large or larger are left as the pairs join them (every pair
# inside would have to be scored); linkage of real lists makes few.
LARGEST_REFINED = 200
# How far under the threshold a pair is put that joins two parts kept apart
# although their average reaches it.
APART_BELOW = 0.01

Pair = tuple[int, int, float]


def components(size: int, edges: Iterable[tuple[int, int]]) -> np.ndarray:
    """Connected components: a group number for each of `size` records."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(size, size)
    )
    _count, labels = connected_components(graph, directed=False)
    return np.asarray(labels)


def groups_to_refine(labels: np.ndarray) -> dict[int, list[int]]:
    """Groups of three records or more (and fewer than LARGEST_REFINED), by
    group number."""
    members: dict[int, list[int]] = {}
    for record, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(record)
    return {
        label: records for label, records in members.items() if 3 <= len(records) < LARGEST_REFINED
    }


def average_linkage(
    records: Sequence[int],
    probability: dict[tuple[int, int], float],
    threshold: float,
    never: Callable[[int, int], bool] | None = None,
) -> list[list[int]]:
    """Records split into parts by average linkage: start from each record
    alone and join the two parts whose pairs have the highest average
    probability, while it is at least `threshold` (a pair not scored counts
    as 0). Two parts that hold two records `never` allows to be one person
    are not joined, whatever their average: a record that fits both of two
    namesakes of one article joins one of them, not both."""
    parts: dict[int, list[int]] = {i: [record] for i, record in enumerate(records)}
    # Sum of the probabilities between each two parts.
    between: dict[tuple[int, int], float] = {}
    index = {record: i for i, record in enumerate(records)}
    for (left, right), value in probability.items():
        if left in index and right in index and left != right:
            key = (min(index[left], index[right]), max(index[left], index[right]))
            between[key] = between.get(key, 0.0) + value
    while len(parts) > 1:
        best, best_score = None, threshold
        for (a, b), total in between.items():
            score = total / (len(parts[a]) * len(parts[b]))
            if score >= best_score and (best is None or score > best_score or (a, b) < best):
                if never and any(never(x, y) for x in parts[a] for y in parts[b]):
                    continue
                best, best_score = (a, b), score
        if best is None:
            break
        keep, gone = best
        parts[keep].extend(parts.pop(gone))
        merged: dict[tuple[int, int], float] = {}
        for (a, b), total in between.items():
            if (a, b) == best:
                continue
            a, b = (keep if a == gone else a), (keep if b == gone else b)
            key = (min(a, b), max(a, b))
            merged[key] = merged.get(key, 0.0) + total
        between = merged
    return list(parts.values())


def refine(
    pairs: Sequence[Pair],
    group: Sequence[int],
    threshold: float,
    never: Callable[[int, int], bool] | None = None,
) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
    """A group's parts by average linkage over all its scored pairs, and the
    pairs that join two parts with the average of those two parts (below
    the threshold), keyed (smaller record, larger record)."""
    probability = {(min(a, b), max(a, b)): p for a, b, p in pairs}
    parts = average_linkage(group, probability, threshold, never)
    if len(parts) == 1:
        return parts, {}
    part_of = {record: number for number, part in enumerate(parts) for record in part}
    sums: dict[tuple[int, int], float] = {}
    for (a, b), p in probability.items():
        if a in part_of and b in part_of and part_of[a] != part_of[b]:
            key = (min(part_of[a], part_of[b]), max(part_of[a], part_of[b]))
            sums[key] = sums.get(key, 0.0) + p
    lowered = {}
    for (a, b), p in probability.items():
        if a not in part_of or b not in part_of or part_of[a] == part_of[b] or p < threshold:
            continue
        key = (min(part_of[a], part_of[b]), max(part_of[a], part_of[b]))
        # (Parts kept apart although their average reaches the threshold,
        # since two of their records can never be one person, stay apart:
        # a hundredth under it, which a stored probability keeps.)
        average = sums[key] / (len(parts[key[0]]) * len(parts[key[1]]))
        lowered[(a, b)] = min(average, threshold - APART_BELOW)
    return parts, lowered


# However many of another list's people a list seems to name, the chance
# that a record's person is in none of its candidates there is never taken
# below this: the blocking rules may have missed the true match.
LEAST_UNNAMED = 0.1


def alone_records(
    ids: Sequence[int],
    pairs: Sequence[Pair],
    list_of: dict[int, str],
    chance: Callable[[str, str], float],
    sizes: dict[str, int],
    threshold: float,
    faint: Sequence[Pair] = (),
) -> list[Pair]:
    """The pairs, with a record that no pair joins to anyone joined to its
    most likely candidate in another list where it is more likely someone
    of that list than no one.

    A pair's probability weighs its own evidence alone. A record of one
    list is, however, at most one person of another list: a record that
    names nobody ("Ислам (имя изменено)", 28, from Цоци-Юрт, held in March)
    may agree with one record there about as well as with the brother held
    beside him, or with no one else at all. So each record left alone is
    weighed against all its candidates in each other list at once: a
    candidate's odds (its pair's probability as odds, the chance of a match
    between the two lists included) against the sum of all the candidates'
    odds and the odds that the person is none of them, which is how often
    the record's list names people the other list does not (1 minus the
    learnt chance of a match between the lists times the other list's
    size, at least LEAST_UNNAMED). `faint` holds more candidates, each too
    unlikely to be a pair of its own (a record that names nobody agrees
    with everyone of its village and month a little): they count in the
    sum. A candidate whose group already holds a record of the same list is
    not counted: the person there is named already.

    Where the record is more likely someone of the other list than no one
    (the sum of its candidates' odds against the odds of no one, at least
    `threshold`), it joins the candidate it most likely is, even where that
    one is less likely than not: the count of people, and the lists each
    person is on, are then right however the record's likelihood is shared
    among candidates alike (brothers; the men of one village held in one
    month), where leaving it alone would count one person too many. The
    most likely joins go first, each record joins once and each person
    takes at most one record of each list this way, and the joining pair
    keeps the probability that the record is someone of that list, so that
    the stored pairs clustered at any threshold give the same people as
    here. Where that probability is under the top of the review band (0.9
    unless the run says otherwise), the pair waits in the review queue.
    """
    position = {record: i for i, record in enumerate(ids)}
    labels = components(
        len(ids), ((position[a], position[b]) for a, b, p in pairs if p >= threshold)
    ).tolist()
    group = dict(zip(ids, labels, strict=True))
    size_of: dict[int, int] = {}
    lists_in: dict[int, set[str]] = {}
    for record, label in group.items():
        size_of[label] = size_of.get(label, 0) + 1
        lists_in.setdefault(label, set()).add(list_of[record])
    # Each record's free candidates in each other list, as odds.
    odds: dict[int, dict[str, dict[int, float]]] = {}
    for a, b, p in [*faint, *pairs]:
        if list_of[a] == list_of[b] or p >= 1.0:
            continue
        if size_of[group[a]] != 1 and size_of[group[b]] != 1:
            continue
        for record, other in ((a, b), (b, a)):
            if list_of[record] not in lists_in[group[other]]:
                by_list = odds.setdefault(record, {}).setdefault(list_of[other], {})
                by_list[other] = max(by_list.get(other, 0.0), p / (1.0 - p))

    # For each record left alone and each other list where it is more
    # likely someone than no one, its candidates there, likeliest first.
    choices = []
    for record, in_lists in odds.items():
        if size_of[group[record]] != 1:
            continue
        own = list_of[record]
        for other_list, found in in_lists.items():
            unnamed = max(LEAST_UNNAMED, 1.0 - chance(own, other_list) * sizes[other_list])
            someone = sum(found.values())
            total = unnamed + someone
            if someone / total < threshold:
                continue
            choices += [
                (value / total, someone / total, record, other) for other, value in found.items()
            ]
    parent: dict[int, int] = {}

    def root(label: int) -> int:
        while parent.get(label, label) != label:
            label = parent[label]
        return label

    raised: dict[tuple[int, int], float] = {}
    for _likely, probability, record, other in sorted(
        choices, key=lambda c: (-c[0], -c[1], c[2], c[3])
    ):
        mine, theirs = root(group[record]), root(group[other])
        if mine == theirs or size_of[mine] != 1 or lists_in[mine] & lists_in[theirs]:
            continue
        parent[mine] = theirs
        size_of[theirs] += 1
        lists_in[theirs] |= lists_in[mine]
        raised[(min(record, other), max(record, other))] = probability
    known = {(min(a, b), max(a, b)) for a, b, _p in pairs}
    joined = [(a, b, p) for (a, b), p in raised.items() if (a, b) not in known]
    return [(a, b, max(p, raised.get((min(a, b), max(a, b)), p))) for a, b, p in pairs] + joined
