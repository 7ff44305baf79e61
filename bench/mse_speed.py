"""Time of an interval and of linkage draws on five lists (issue 17's target:
under two minutes on two cores for 1,000 resamples or 200 linkage draws).

1. A BCa interval of 1,000 resamples of the log-linear estimate on Western
   (5 lists, 345 people, from tests/data/mse), the model chosen again in
   every resample by the one rule (stepwise from five lists), as the
   command line's `--method loglinear --interval 1000` and the pages make it.
2. 200 clusterings drawn from the match probabilities of a linkage run of
   five lists (2,000 people, 1,600 of them listed, on about 2,100 records;
   pairs of one person's records scored 0.6 to 0.99, false pairs 0.3 to
   0.6), each estimated again, as `estimate --run ID --linkage-draws 200`
   does: with log-linear models, then with the default first figure
   (latent classes on five lists), which also runs the other methods and
   every threshold beside it.

Before this work the same interval and draws chose among every model of
five lists (6,893 models, about a minute) each time: 1,000 resamples
took 191 s with the model kept fixed, three linkage draws 224 s and 200
draws most of an hour (the figures of issue 17).

    .venv/bin/python bench/mse_speed.py [--resamples 1000] [--draws 200]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from common import ROOT, django_only, machine

sys.path.insert(0, str(ROOT / "src"))


def linkage_result(seed: int = 4) -> dict:
    """A run's result: records of people on five lists and their scored pairs."""
    from safepassage.analysis.mse.lcmcr import simulate

    table = simulate(
        2000,
        [[0.2, 0.25, 0.15, 0.3, 0.2], [0.5, 0.6, 0.4, 0.55, 0.5]],
        [0.7, 0.3],
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    ids, lists, pairs = [], [], []
    for pattern, count in table.counts.items():
        for _ in range(count):
            first = len(ids)
            for j, on in enumerate(pattern):
                if on:
                    if len(ids) > first:
                        pairs.append([first, len(ids), float(rng.uniform(0.6, 0.99))])
                    ids.append(f"r{len(ids)}")
                    lists.append(table.lists[j])
    for _ in range(len(ids) // 10):
        a, b = (int(x) for x in rng.integers(0, len(ids), 2))
        if a != b and lists[a] != lists[b]:
            pairs.append([min(a, b), max(a, b), float(rng.uniform(0.3, 0.6))])
    blank = [""] * len(ids)
    return {
        "ids": ids,
        "lists": lists,
        "pairs": pairs,
        "strata": {"place": blank, "period": blank, "act": blank},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=200)
    options = parser.parse_args()
    django_only()
    from safepassage.analysis.estimating import Plan, estimate, estimate_table
    from safepassage.analysis.mse.lcmcr import compile_sampler
    from safepassage.analysis.mse.tables import read_patterns

    compile_sampler()
    print(f"Machine: {machine()}")
    western = read_patterns(ROOT / "tests" / "data" / "mse" / "western.csv")
    start = time.perf_counter()
    outcome = estimate_table(western, Plan("loglinear", resamples=options.resamples, seed=1))
    seconds = time.perf_counter() - start
    low, high = outcome.interval or (0, 0)
    print(
        f"Western, 5 lists: {outcome.total:.0f}, BCa 95% ({low:.0f}, {high:.0f}) from "
        f"{options.resamples} resamples, model chosen again in each: {seconds:.1f} s "
        f"(target under 120 s)"
    )
    result = linkage_result()
    print(f"Linkage run: {len(result['ids'])} records, {len(result['pairs'])} scored pairs")
    for method in ("loglinear", "auto"):
        plan = Plan(method, linkage_draws=options.draws, seed=2, threshold=0.5)
        start = time.perf_counter()
        outcome = estimate(result, {}, plan)
        seconds = time.perf_counter() - start
        low, high = outcome.combined or (0, 0)
        print(
            f"{options.draws} linkage draws, {method} ({outcome.method}): "
            f"{outcome.total:.0f}, 95% with the linkage ({low:.0f}, {high:.0f}); "
            f"{seconds:.1f} s (target under 120 s)"
        )


if __name__ == "__main__":
    main()
