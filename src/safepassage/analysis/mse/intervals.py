"""Intervals for an estimate of the total: BCa bootstrap that repeats the
choice of model in every resample, so the interval carries the uncertainty
of that choice too.

As SparseMSE's `estimatepopulation` does (Chan, Silverman and Vincent
2021): resamples redistribute the people observed among the capture
patterns (multinomial, with the observed shares); the BCa acceleration
comes from the jackknife over individuals (Efron 1987), and the ends are
quantiles of type 8 (median-unbiased), as R's `quantile(type = 8)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from safepassage.analysis.mse.loglinear import EstimateUnavailable, Fit
from safepassage.analysis.mse.tables import CaptureTable

Chooser = Callable[[CaptureTable], Fit]


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    level: float
    resamples: int
    failed: int  # resamples where no model gave a finite estimate (counted as infinite)
    samples: tuple[float, ...]


def quantile(values: np.ndarray, q: float, method: str = "linear") -> float:
    """The q-quantile of values some of which may be infinite (no finite
    estimate): infinite when it falls among them, never NaN."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.inf
    top = float(finite.max())
    # Infinite values sort above everything; stand-ins keep the arithmetic finite.
    stand_in = np.where(np.isfinite(values), values, top * 2.0 + 1.0)
    value = float(np.quantile(stand_in, q, method=method))  # type: ignore[call-overload]
    return math.inf if value > top else value


def _estimate(table: CaptureTable, choose: Chooser) -> float:
    try:
        return choose(table).total
    except (EstimateUnavailable, ValueError):
        return float("inf")


def bca(
    table: CaptureTable,
    choose: Chooser,
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Interval:
    chosen = choose(table)
    estimate = chosen.total
    cells = [cell for cell, n in table.counts.items() if n > 0]
    observed = np.array([table.counts[cell] for cell in cells], dtype=float)
    rng = np.random.default_rng(seed)
    samples = []
    for number in range(resamples):
        counts = rng.multinomial(int(observed.sum()), observed / observed.sum())
        resampled = CaptureTable(
            table.lists, {cell: int(n) for cell, n in zip(cells, counts, strict=True) if n > 0}
        )
        samples.append(_estimate(resampled, choose))
        if progress is not None:
            progress(number + 1)
    boot = np.array(samples)
    # Jackknife over individuals: one fit per observed pattern, weighted by its count.
    jack, weights = [], []
    for cell, count in table.counts.items():
        if count == 0:
            continue
        fewer = dict(table.counts)
        fewer[cell] = count - 1
        jack.append(
            _estimate(CaptureTable(table.lists, {c: n for c, n in fewer.items() if n}), choose)
        )
        weights.append(count)
    values, w = np.array(jack), np.array(weights, dtype=float)
    finite = np.isfinite(values)
    acceleration = 0.0
    if finite.any():
        mean = np.sum(w[finite] * values[finite]) / np.sum(w[finite])
        spread = mean - values[finite]
        denominator = 6 * np.sum(w[finite] * spread**2) ** 1.5
        if denominator > 0:
            acceleration = float(np.sum(w[finite] * spread**3) / denominator)
    below = np.mean(boot < estimate)
    z0 = float(norm.ppf(min(max(below, 1e-6), 1 - 1e-6)))

    def end(alpha: float) -> float:
        z = float(norm.ppf(alpha))
        shift = 1 - acceleration * (z0 + z)
        point = float(norm.cdf(z0 + (z0 + z) / shift)) if shift > 0 else 1.0
        return quantile(boot, point, method="median_unbiased")

    tail = (1 - level) / 2
    return Interval(
        estimate=estimate,
        low=end(tail),
        high=end(1 - tail),
        level=level,
        resamples=resamples,
        failed=int(np.sum(~np.isfinite(boot))),
        samples=tuple(float(s) for s in boot),
    )
