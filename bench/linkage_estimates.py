"""The default estimate from linked victim lists, against the true total:
does the first figure's 95 % interval hold it, or does the tool refuse to
publish? (Issue 17: "on held-out lists with known truth, the first
estimate's 95 % interval contains the true total, or the tool refuses to
estimate".)

Each draw of the simulated lists (analysis/simulated: five sources in the
conventions of this region, people on no list, list dependence and
heterogeneity) is linked as `analysis link` links it, and estimated as a
run is estimated (the linkage's own checks included), with the default
plan. The same lists with the true people beside it tell the linkage's
share of any miss from the model's.

    .venv/bin/python bench/linkage_estimates.py [--people 3000] [--seeds 6] [--first-seed 21]
        [--as-one LIST LIST ...]

`--as-one` counts lists as one, as an analyst who knows that one takes its
cases from another is asked to (`analysis estimate --as-one`, or the
run's page).
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from common import django_only, machine
from linkage_lists import simulated_records


def _result(rows: list[dict[str, Any]], pairs: list[tuple[int, int, float]]) -> dict[str, Any]:
    """A linkage run's stored result, as the estimate reads it."""
    index = {row["unique_id"]: i for i, row in enumerate(rows)}
    blank = [""] * len(rows)
    return {
        "ids": [str(row["record_id"]) for row in rows],
        "lists": [str(row["list_name"]) for row in rows],
        "pairs": [[index[a], index[b], p] for a, b, p in pairs],
        "strata": {"place": blank, "period": blank, "act": blank},
    }


def _reasons(verdicts: list[Any]) -> str:
    """The codes of a refusal's reasons, as " (latent_groups_unbounded)"."""
    codes = [verdict.code for verdict in verdicts]
    return f" ({', '.join(codes)})" if codes else ""


def _others(sensitivity: list[dict[str, Any]]) -> str:
    """The other methods beside the first figure, as "bma 2,901 (2,800 to 3,050)"."""
    shown = []
    for other in sensitivity:
        total, interval = other.get("total"), other.get("interval")
        if total is None:
            continue
        span = f" ({interval[0]:,.0f} to {interval[1]:,.0f})" if interval else ""
        shown.append(f"{other['method']} {total:,.0f}{span}")
    return ", ".join(shown) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--first-seed", type=int, default=21)
    parser.add_argument(
        "--as-one",
        nargs="+",
        action="append",
        default=[],
        metavar="LIST",
        help="count these lists as one, as an analyst who knows that one copies another "
        "would (e.g. --as-one 'Russian newspaper' 'English-language press')",
    )
    options = parser.parse_args()
    django_only()
    logging.getLogger("splink").setLevel(logging.ERROR)
    from safepassage.analysis import linkage
    from safepassage.analysis.estimating import Plan, estimate
    from safepassage.analysis.mse.lcmcr import compile_sampler

    compile_sampler()
    print(machine())
    held = {"linked": 0, "true people": 0}
    flagged = {"linked": 0, "true people": 0}
    for seed in range(options.first_seed, options.first_seed + options.seeds):
        records, truth, listed = simulated_records(options.people, seed)
        rows = linkage.prepare(records, 2017)
        found = linkage.link(rows)
        by_person: dict[int, int] = {}
        perfect = []
        for i, row in enumerate(rows):
            first = by_person.setdefault(truth[i], row["unique_id"])
            if first != row["unique_id"]:
                perfect.append((first, row["unique_id"], 1.0))
        for label, pairs in (("linked", found.pairs), ("true people", perfect)):
            start = time.perf_counter()
            plan = Plan(joined=tuple(tuple(group) for group in options.as_one))
            outcome = estimate(_result(rows, pairs), {}, plan)
            low, high = outcome.interval or (float("nan"), float("nan"))
            holds = low <= options.people <= high
            held[label] += holds
            flagged[label] += not outcome.publishable
            print(
                f"  seed {seed}, {label}: {outcome.observed} people found ({listed} listed); "
                f"{outcome.method} {outcome.total:,.0f} ({low:,.0f} to {high:,.0f}); "
                f"{'holds' if holds else 'MISSES'} {options.people:,}; "
                f"{'publishable' if outcome.publishable else 'flagged not to publish'}"
                f"{_reasons(outcome.verdicts)}; "
                f"{'widened; ' if outcome.cautions else ''}"
                f"at thresholds {', '.join(f'{t}: {v:,.0f}' for t, v in outcome.thresholds if v)}; "
                f"other methods {_others(outcome.sensitivity)}; "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )
    for label in held:
        print(
            f"{label}: the interval holds the truth in {held[label]} of {options.seeds}; "
            f"flagged in {flagged[label]}"
        )


if __name__ == "__main__":
    main()
