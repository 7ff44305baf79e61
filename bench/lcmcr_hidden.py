"""Could any check flag the `hidden-class` scenario of lcmcr_coverage.py?

In that scenario 30 % of 2,000 people are on each of five lists with a
chance of 1 %. They leave about 29 records among some 1,200, mostly one
list each, and every estimate from the lists counts about 1,460.

This script asks the question as a statistician would, with the strongest
test there is. It finds the population with no hidden group whose lists
look most like hidden-class's: one class of people, each list with its own
chance, fitted to hidden-class's expected table by maximum likelihood (the
smallest Kullback-Leibler divergence). On that look-alike the estimate
from the lists is right: the look-alike's size is what the lists say.

Then it draws many tables from both populations and scores each by the
likelihood ratio between them, computed with the true parameters of both.
By the Neyman-Pearson lemma no check that reads a table, ours or anyone's,
tells the two apart better than that score. It prints how many of the
look-alike's tables (where the estimate holds) such a check must flag to
flag a given share of hidden-class's, and the chance it flags all ten
replicates of the coverage benchmark.

    .venv/bin/python bench/lcmcr_hidden.py [--tables 20000]

`lcmcr_coverage.py --scenario hidden-class-look-alike` runs the tool on
the look-alike (its parameters rounded from what this script prints).
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from common import machine
from lcmcr_coverage import SCENARIOS, Scenario
from scipy.optimize import minimize

LISTS = 5


def patterns(lists: int) -> np.ndarray:
    """Every pattern of lists that someone observed can have (not all zero)."""
    return np.array([p for p in itertools.product((0, 1), repeat=lists) if any(p)])


def expected(cells: np.ndarray, total: float, weights, inclusion) -> np.ndarray:
    """Expected number of people with each pattern."""
    counts = np.zeros(len(cells))
    for weight, chances in zip(weights, np.asarray(inclusion), strict=True):
        counts += total * weight * np.prod(np.where(cells == 1, chances, 1 - chances), axis=1)
    return counts


def divergence(truth: np.ndarray, model: np.ndarray) -> float:
    """Kullback-Leibler divergence of independent Poisson counts."""
    return float(np.sum(truth * np.log(truth / model) - truth + model))


def closest_look_alike(cells: np.ndarray, truth: np.ndarray) -> tuple[float, np.ndarray]:
    """One class of people whose expected table is nearest the truth's."""

    def loss(theta: np.ndarray) -> float:
        chances = 1 / (1 + np.exp(-theta[1:]))
        return divergence(truth, expected(cells, np.exp(theta[0]), [1.0], [chances]))

    rng = np.random.default_rng(0)
    best = None
    for _ in range(10):
        start = np.concatenate([[np.log(truth.sum() * 1.2)], rng.normal(-1, 0.5, cells.shape[1])])
        fit = minimize(loss, start, method="L-BFGS-B")
        if best is None or fit.fun < best.fun:
            best = fit
    assert best is not None
    return float(np.exp(best.x[0])), 1 / (1 + np.exp(-best.x[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20_000)
    args = parser.parse_args()
    hidden: Scenario = next(s for s in SCENARIOS if s.name == "hidden-class")
    cells = patterns(LISTS)
    truth = expected(cells, hidden.total, hidden.weights, hidden.inclusion)
    total, chances = closest_look_alike(cells, truth)
    alike = expected(cells, total, [1.0], [chances])
    print(f"machine: {machine()}")
    print(f"hidden-class: N = {hidden.total:,}, {truth.sum():,.0f} on some list on average")
    print(
        f"closest population with no hidden group: N = {total:,.0f}, one class, chances "
        + ", ".join(f"{p:.3f}" for p in chances)
        + f"; {alike.sum():,.0f} on some list on average; divergence {divergence(truth, alike):.3f}"
    )

    rng = np.random.default_rng(1)
    ratio = np.log(truth / alike)

    def score(tables: np.ndarray) -> np.ndarray:
        return tables @ ratio - float(np.sum(truth - alike))

    from_hidden = score(rng.poisson(truth, (args.tables, len(cells))))
    from_alike = score(rng.poisson(alike, (args.tables, len(cells))))
    print(f"\nthe best possible check, on {args.tables:,} tables drawn from each population:")
    for alarms in (0.05, 0.20, 0.50):
        power = float(np.mean(from_hidden > np.quantile(from_alike, 1 - alarms)))
        print(
            f"  flagging {alarms:4.0%} of the look-alike's tables (where the estimate holds), "
            f"it flags {power:5.1%} of hidden-class's; all ten replicates with chance "
            f"{power**10:.1e}"
        )
    for share in (0.90, 0.99):
        alarms = float(np.mean(from_alike > np.quantile(from_hidden, 1 - share)))
        print(
            f"  to flag {share:.0%} of hidden-class's tables, it must flag {alarms:5.1%} "
            "of the look-alike's"
        )


if __name__ == "__main__":
    main()
