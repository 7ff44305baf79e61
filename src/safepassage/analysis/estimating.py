"""Estimates from a linkage run: the total, its sampling interval, and an
interval that also carries the uncertainty of the linkage.

Linkage uncertainty is carried by drawing alternative clusterings: every
scored pair that nobody decided joins its two records with its match
probability, independently, and people are the connected components. Each
draw gives its own capture table; the estimate is made again on it, with
one draw of sampling uncertainty on top (a parametric resample for
log-linear models, a posterior draw for the Bayesian methods; the
latent-class model is fitted again on every drawn table). The spread
of these values is an interval for both sources of uncertainty together.
Independent draws of pairs ignore that links are transitive, so clusters
can chain: the interval is wider, not narrower, than it should be.

Strata (place, period, act) are estimated one by one and added up, each
with its own model, since the lists' coverage differs between them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from safepassage.analysis.mse.intervals import bca
from safepassage.analysis.mse.loglinear import (
    EstimateUnavailable,
    Fit,
    Model,
    fit,
    fitted_cells,
    hierarchical_models,
    select_by_bic,
    stepwise,
)
from safepassage.analysis.mse.report import describe
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.runs import (
    cluster,
    effective_pairs,
    stratified_tables,
)
from safepassage.analysis.summary import (
    Outcome,
    StratumFigure,
    describe_strata,
    uncertainty_lines,
)
from safepassage.analysis.wording import Sentence, reason
from safepassage.jobs.kinds import Progress

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
# Model choice is repeated in each resample up to this many lists; beyond,
# the model chosen on the data is kept (choosing among thousands of models
# a thousand times takes hours).
RECHOOSE_UP_TO = 3


class Unestimable(ValueError):
    """No estimate for this table; the message says why."""


class Method(Protocol):
    """One way of estimating a total from a capture table."""

    def point(self, table: CaptureTable) -> Point: ...

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float: ...


@dataclass
class Point:
    total: float
    label: str
    lines: list[Sentence]
    state: Any = None  # what draw() needs (the chosen fit, a posterior)
    # Bayesian methods: the 95% credible interval and draws of the total.
    credible: tuple[float, float] | None = None
    posterior: list[float] = field(default_factory=list)


@functools.cache
def _models(width: int) -> tuple[Model, ...]:
    return tuple(hierarchical_models(width))


class LogLinear:
    """The lowest BIC among every hierarchical model up to five lists,
    forward stepwise choice beyond."""

    def choose(self, table: CaptureTable) -> tuple[Fit, Any]:
        width = len(table.lists)
        if width <= 5:
            try:
                selection = select_by_bic(table, _models(width))
            except ValueError as error:
                raise Unestimable(str(error)) from None
            return selection.best, selection
        try:
            return stepwise(table), None
        except EstimateUnavailable as error:
            raise Unestimable(str(error)) from None

    def point(self, table: CaptureTable) -> Point:
        chosen, selection = self.choose(table)
        return Point(chosen.total, chosen.label, describe(table, chosen, selection), chosen)

    def again(self, table: CaptureTable, point: Point) -> float:
        """The estimate on other data, choosing the model as the point did."""
        try:
            if len(table.lists) <= RECHOOSE_UP_TO:
                return self.choose(table)[0].total
            return fit(table, point.state.model).total
        except (EstimateUnavailable, Unestimable, ValueError):
            return math.inf

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        cells, means = fitted_cells(table, point.state)
        counts = rng.poisson(means)
        resampled = {cell: int(n) for cell, n in zip(cells, counts, strict=True) if n > 0}
        if not resampled:
            return math.inf
        return self.again(CaptureTable(table.lists, resampled), point)


class Averaging:
    """Bayesian model averaging over decomposable graphical models (dga),
    three to five lists; the total is the posterior median."""

    def point(self, table: CaptureTable) -> Point:
        from safepassage.analysis.mse.bma import average, describe_averaged

        try:
            averaged = average(table)
        except ValueError as error:
            raise Unestimable(str(error)) from None
        lines = describe_averaged(table, averaged)
        distribution = averaged.distribution
        low, high = distribution.interval()
        rng = np.random.default_rng(0)
        draws = [
            _posterior_draw(distribution.totals, distribution.probabilities, rng)
            for _ in range(CHART_DRAWS)
        ]
        return Point(
            float(averaged.median),
            "model average",
            lines,
            distribution,
            credible=(float(low), float(high)),
            posterior=draws,
        )

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        return _posterior_draw(point.state.totals, point.state.probabilities, rng)


def _posterior_draw(totals: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> float:
    cumulative = np.cumsum(weights)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return float(totals[min(index, len(totals) - 1)])


@dataclass
class Plan:
    method: str = "loglinear"
    stratum: str = ""
    resamples: int = 0
    linkage_draws: int = 0
    seed: int = 1
    threshold: float = 0.5
    # The latent-class sampler: at most this many classes; each of two
    # chains keeps `samples` draws, one every `thinning` iterations after
    # `burn_in` (LCMCR's defaults for a first look; a report deserves more).
    classes: int = 10
    burn_in: int = 10_000
    samples: int = 1_000
    thinning: int = 10


class Latent:
    """Bayesian latent classes (LCMCR, Manrique-Vallier 2016); the total is
    the posterior median. Every fit (one per stratum, one per drawn
    clustering) has its own seed, derived from the plan's, so the whole
    estimate is reproducible."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.fits = 0
        self.progress: Callable[[float], None] | None = None

    def point(self, table: CaptureTable) -> Point:
        from safepassage.analysis.mse.lcmcr import LatentClassError, describe_latent, sample

        plan = self.plan
        seed = int(np.random.SeedSequence([plan.seed, self.fits]).generate_state(1)[0])
        self.fits += 1
        try:
            result = sample(
                table,
                classes=plan.classes,
                burn_in=plan.burn_in,
                samples=plan.samples,
                thinning=plan.thinning,
                seed=seed,
                progress=self.progress,
            )
        except LatentClassError as error:
            raise Unestimable(str(error)) from None
        totals = result.totals
        step = max(1, len(totals) // CHART_DRAWS)
        return Point(
            result.median,
            "latent classes",
            describe_latent(table, result),
            totals,
            credible=result.interval(),
            posterior=[float(t) for t in totals[::step]],
        )

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        totals: np.ndarray = point.state
        return float(totals[int(rng.integers(len(totals)))])


# Draws kept per chain and iterations between them, by length of run.
SAMPLER_LENGTHS = {"short": (1_000, 10), "long": (10_000, 100)}

# Draws of a posterior kept for the chart of an estimate.
CHART_DRAWS = 2000

METHODS: dict[str, Callable[[Plan], Method]] = {
    "loglinear": lambda plan: LogLinear(),
    "bma": lambda plan: Averaging(),
    "latent": Latent,
}


def _tables(
    result: dict[str, Any], labels: np.ndarray, stratum: str
) -> tuple[dict[str, CaptureTable], int]:
    if not stratum:
        from safepassage.analysis.runs import capture_table

        return {"": capture_table(result, labels)}, 0
    return stratified_tables(result, labels, stratum)


Points = dict[str, "Point | Sentence"]


def _total(
    method: Method, tables: dict[str, CaptureTable], tally: Tally | None = None
) -> tuple[float, Points]:
    """The sum over strata; a stratum without an estimate adds what was
    observed in it (and is named, with the reason)."""
    points: Points = {}
    total = 0.0
    for value, table in tables.items():
        try:
            point = method.point(table)
        except (Unestimable, EstimateUnavailable, ValueError) as error:
            points[value] = reason(error)
            total += table.observed
        else:
            points[value] = point
            total += point.total
        if tally is not None:
            tally.add(1)
    return total, points


class Tally:
    """Progress in units of work (fits of a model), so the share done, and
    the time left worked out from it, follow the time the work takes; a
    latent-class fit reports its own progress inside its unit."""

    def __init__(self, progress: Progress | None, units: float) -> None:
        self.progress = progress
        self.units = max(units, 1.0)
        self.done = 0.0
        self.stage = "estimating"

    def report(self, within: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(self.stage, min(0.99, (self.done + within) / self.units))

    def enter(self, stage: str) -> None:
        self.stage = stage
        self.report()

    def add(self, units: float) -> None:
        self.done += units
        self.report()

    def inside(self, done: float) -> None:
        self.report(min(max(done, 0.0), 1.0))


def plan_units(plan: Plan, strata: int, lists: int) -> float:
    """How many fits the plan makes (what the progress bar counts): the
    point, the resamples, the drawn clusterings and the other thresholds,
    in each stratum. A draw from a posterior costs next to nothing; a
    log-linear resample is a fit, and the BCa interval adds one per pattern."""
    draws_are_fits = plan.method == "loglinear"
    units = 1.0
    if plan.resamples and plan.method == "loglinear":
        units += plan.resamples + (2**lists - 1 if not plan.stratum else 0)
    units += plan.linkage_draws * (2 if draws_are_fits else 1)
    units += len(THRESHOLDS)
    return units * max(strata, 1)


def estimate(
    result: dict[str, Any],
    decisions: dict[tuple[str, str], str],
    plan: Plan,
    progress: Progress | None = None,
) -> Outcome:
    method = METHODS[plan.method](plan)
    rng = np.random.default_rng(plan.seed)
    pairs = effective_pairs(result, decisions)
    size = len(result["ids"])
    if progress is not None:
        progress("estimating", 0.0)
    labels = cluster(size, ((a, b) for a, b, p in pairs if p >= plan.threshold))
    tables, disagreed = _tables(result, labels, plan.stratum)
    lists = list(next(iter(tables.values())).lists)
    tally = Tally(progress, plan_units(plan, len(tables), len(lists)))
    if isinstance(method, Latent):
        method.progress = tally.inside
        tally.enter("sampling")
    total, points = _total(method, tables, tally)
    if not any(isinstance(point, Point) for point in points.values()):
        reasons = "; ".join(str(p) for p in points.values())
        raise Unestimable(f"no estimate for these data: {reasons}")
    observed = sum(table.observed for table in tables.values())
    outcome = _describe(tables, points, total, lists, observed, plan, disagreed)
    single = points.get("")
    if isinstance(single, Point) and single.credible is not None:
        # A Bayesian estimate carries its own interval: the posterior's.
        outcome.interval = single.credible
        outcome.interval_kind = "credible"
        outcome.draws = list(single.posterior)

    # Sampling uncertainty alone, unless the posterior already gave it.
    if plan.resamples and outcome.interval is None:
        tally.enter("resampling")
        single = next(iter(points.values()))
        if not plan.stratum and isinstance(method, LogLinear) and isinstance(single, Point):
            table = tables[""]
            chosen = single

            def choose(resampled: CaptureTable) -> Fit:
                if len(table.lists) <= RECHOOSE_UP_TO:
                    return method.choose(resampled)[0]
                return fit(resampled, chosen.state.model)

            before = tally.done
            interval = bca(
                table,
                choose,
                resamples=plan.resamples,
                seed=plan.seed,
                progress=lambda n: tally.add(1),
            )
            tally.done = before + plan.resamples + 2 ** len(lists) - 1
            outcome.interval = (interval.low, interval.high)
            outcome.interval_kind = "bca"
            outcome.draws = [s for s in interval.samples if math.isfinite(s)]
            outcome.failed_draws = interval.failed
        else:
            sums = []
            for _number in range(plan.resamples):
                sums.append(_draw_sum(method, tables, points, rng))
                tally.add(len(tables) if isinstance(method, LogLinear) else 0)
            outcome.interval = _percentile(sums)
            outcome.interval_kind = "percentile" if plan.method == "loglinear" else "posterior"
            outcome.draws = [s for s in sums if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in sums if not math.isfinite(s))

    # Linkage uncertainty, with sampling uncertainty on top.
    if plan.linkage_draws:
        tally.enter("drawing clusterings")
        combined, linkage_only = [], []
        undecided = [(a, b, p) for a, b, p in pairs if 0.0 < p < 1.0]
        fixed = [(a, b) for a, b, p in pairs if p >= 1.0]
        for _number in range(plan.linkage_draws):
            kept = [(a, b) for a, b, p in undecided if rng.random() < p]
            drawn = cluster(size, fixed + kept)
            drawn_tables, _ = _tables(result, drawn, plan.stratum)
            drawn_total, drawn_points = _total(method, drawn_tables, tally)
            linkage_only.append(drawn_total)
            combined.append(_draw_sum(method, drawn_tables, drawn_points, rng))
            tally.add(len(drawn_tables) if isinstance(method, LogLinear) else 0)
        outcome.combined = _percentile(combined)
        outcome.linkage_only = _percentile(linkage_only)
        if not outcome.draws:
            outcome.draws = [s for s in combined if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in combined if not math.isfinite(s))

    tally.enter("thresholds")
    for threshold in THRESHOLDS:
        other = cluster(size, ((a, b) for a, b, p in pairs if p >= threshold))
        other_total, _ = _total(method, _tables(result, other, plan.stratum)[0], tally)
        outcome.thresholds.append((threshold, other_total))
    if isinstance(method, Latent):
        method.progress = None
    outcome.lines += uncertainty_lines(outcome, plan.resamples, plan.linkage_draws)
    return outcome


def _draw_sum(
    method: Method,
    tables: dict[str, CaptureTable],
    points: Points,
    rng: np.random.Generator,
) -> float:
    total = 0.0
    for value, table in tables.items():
        point = points[value]
        total += method.draw(table, point, rng) if isinstance(point, Point) else table.observed
    return total


def _percentile(values: list[float], level: float = 0.95) -> tuple[float, float]:
    tail = (1 - level) / 2
    data = np.array(values, dtype=float)  # infinite values count, at the top
    return float(np.quantile(data, tail)), float(np.quantile(data, 1 - tail))


def _describe(
    tables: dict[str, CaptureTable],
    points: Points,
    total: float,
    lists: list[str],
    observed: int,
    plan: Plan,
    disagreed: int,
) -> Outcome:
    if not plan.stratum:
        point = points[""]
        if not isinstance(point, Point):
            raise Unestimable(str(point))
        return Outcome(lists, observed, total, point.label, list(point.lines))
    figures = []
    for value, table in tables.items():
        point = points[value]
        if isinstance(point, Point):
            figures.append(StratumFigure(value, table, point.total, point.label))
        else:
            figures.append(StratumFigure(value, table, None, "", point))
    return describe_strata(figures, total, lists, observed, plan.stratum, disagreed)
