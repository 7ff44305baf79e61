"""The time in each stage is counted by the database as days and how many
stays took them; the median is read from those counts."""

from __future__ import annotations

import random
import statistics

from safepassage.cases.funnel import _median


def test_the_median_of_counts_is_the_median_of_the_values() -> None:
    draw = random.Random(17)  # noqa: S311 (test data, not secrets)
    for _ in range(500):
        values = [draw.randint(0, 40) for _ in range(draw.randint(1, 25))]
        counts: dict[int, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        assert _median(counts) == statistics.median(values), values
