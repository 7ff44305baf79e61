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

from safepassage.analysis import jobs
from safepassage.analysis.models import Estimate, JobStatus, LinkageRun
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
from safepassage.analysis.mse.report import describe, warnings_for
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.runs import (
    STRATA,
    cluster,
    decisions_for,
    effective_pairs,
    stratified_tables,
)
from safepassage.audit.chain import record
from safepassage.vault.keyring import Keyring, using_keyring

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
    lines: list[str]
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


@dataclass
class Outcome:
    """What an estimate says, as stored (sealed) and shown."""

    lists: list[str]
    observed: int
    total: float
    label: str
    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    interval: tuple[float, float] | None = None
    interval_kind: str = ""
    combined: tuple[float, float] | None = None
    linkage_only: tuple[float, float] | None = None
    thresholds: list[tuple[float, float]] = field(default_factory=list)
    strata: list[dict[str, Any]] = field(default_factory=list)
    draws: list[float] = field(default_factory=list)
    failed_draws: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items()}


def _tables(
    result: dict[str, Any], labels: np.ndarray, stratum: str
) -> tuple[dict[str, CaptureTable], int]:
    if not stratum:
        from safepassage.analysis.runs import capture_table

        return {"": capture_table(result, labels)}, 0
    return stratified_tables(result, labels, stratum)


def _total(method: Method, tables: dict[str, CaptureTable]) -> tuple[float, dict[str, Point | str]]:
    """The sum over strata; a stratum without an estimate adds what was
    observed in it (and is named)."""
    points: dict[str, Point | str] = {}
    total = 0.0
    for value, table in tables.items():
        try:
            point = method.point(table)
        except (Unestimable, EstimateUnavailable, ValueError) as error:
            points[value] = str(error)
            total += table.observed
            continue
        points[value] = point
        total += point.total
    return total, points


def estimate(
    result: dict[str, Any],
    decisions: dict[tuple[str, str], str],
    plan: Plan,
    progress: jobs.Progress | None = None,
) -> Outcome:
    method = METHODS[plan.method](plan)
    rng = np.random.default_rng(plan.seed)
    pairs = effective_pairs(result, decisions)
    size = len(result["ids"])

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    step("estimating", 0.02)
    if isinstance(method, Latent):
        method.progress = lambda done: step("sampling", 0.02 + 0.08 * done)
    labels = cluster(size, ((a, b) for a, b, p in pairs if p >= plan.threshold))
    tables, disagreed = _tables(result, labels, plan.stratum)
    total, points = _total(method, tables)
    if not any(isinstance(point, Point) for point in points.values()):
        reasons = "; ".join(str(p) for p in points.values())
        raise Unestimable(f"no estimate for these data: {reasons}")
    lists = list(next(iter(tables.values())).lists)
    observed = sum(table.observed for table in tables.values())
    outcome = _describe(tables, points, total, lists, observed, plan, disagreed)
    if isinstance(method, Latent):
        method.progress = None
    single = points.get("")
    if isinstance(single, Point) and single.credible is not None:
        # A Bayesian estimate carries its own interval: the posterior's.
        outcome.interval = single.credible
        outcome.interval_kind = "credible"
        outcome.draws = list(single.posterior)

    # Sampling uncertainty alone, unless the posterior already gave it.
    if plan.resamples and outcome.interval is None:
        step("resampling", 0.1)
        single = next(iter(points.values()))
        if not plan.stratum and isinstance(method, LogLinear) and isinstance(single, Point):
            table = tables[""]

            def choose(resampled: CaptureTable) -> Fit:
                if len(table.lists) <= RECHOOSE_UP_TO:
                    return method.choose(resampled)[0]
                return fit(resampled, single.state.model)

            interval = bca(
                table,
                choose,
                resamples=plan.resamples,
                seed=plan.seed,
                progress=lambda n: step("resampling", 0.1 + 0.4 * n / plan.resamples),
            )
            outcome.interval = (interval.low, interval.high)
            outcome.interval_kind = "BCa bootstrap"
            outcome.draws = [s for s in interval.samples if math.isfinite(s)]
            outcome.failed_draws = interval.failed
        else:
            sums = []
            for number in range(plan.resamples):
                sums.append(_draw_sum(method, tables, points, rng))
                step("resampling", 0.1 + 0.4 * (number + 1) / plan.resamples)
            outcome.interval = _percentile(sums)
            outcome.interval_kind = (
                "percentile bootstrap" if plan.method == "loglinear" else "posterior"
            )
            outcome.draws = [s for s in sums if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in sums if not math.isfinite(s))

    # Linkage uncertainty, with sampling uncertainty on top.
    if plan.linkage_draws:
        combined, linkage_only = [], []
        undecided = [(a, b, p) for a, b, p in pairs if 0.0 < p < 1.0]
        fixed = [(a, b) for a, b, p in pairs if p >= 1.0]
        for number in range(plan.linkage_draws):
            kept = [(a, b) for a, b, p in undecided if rng.random() < p]
            drawn = cluster(size, fixed + kept)
            drawn_tables, _ = _tables(result, drawn, plan.stratum)
            drawn_total, drawn_points = _total(method, drawn_tables)
            linkage_only.append(drawn_total)
            combined.append(_draw_sum(method, drawn_tables, drawn_points, rng))
            step("drawing clusterings", 0.5 + 0.45 * (number + 1) / plan.linkage_draws)
        outcome.combined = _percentile(combined)
        outcome.linkage_only = _percentile(linkage_only)
        if not outcome.draws:
            outcome.draws = [s for s in combined if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in combined if not math.isfinite(s))

    step("thresholds", 0.96)
    for threshold in THRESHOLDS:
        other = cluster(size, ((a, b) for a, b, p in pairs if p >= threshold))
        other_total, _ = _total(method, _tables(result, other, plan.stratum)[0])
        outcome.thresholds.append((threshold, other_total))
    outcome.lines += _uncertainty_lines(outcome, plan)
    return outcome


def _draw_sum(
    method: Method,
    tables: dict[str, CaptureTable],
    points: dict[str, Point | str],
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
    points: dict[str, Point | str],
    total: float,
    lists: list[str],
    observed: int,
    plan: Plan,
    disagreed: int,
) -> Outcome:
    if not plan.stratum:
        point = points[""]
        if not isinstance(point, Point):
            raise Unestimable(point)
        return Outcome(lists, observed, total, point.label, list(point.lines))
    lines = [
        f"Lists: {', '.join(lists)} ({len(lists)})",
        f"People on at least one list: {observed}",
        f"Stratified by {plan.stratum}: {len(tables)} strata, estimated one by one and added up",
    ]
    strata = []
    warnings: list[str] = []
    for value, table in tables.items():
        point = points[value]
        if isinstance(point, Point):
            lines.append(f"  {value}: {table.observed} seen, estimated {point.total:.1f}")
            strata.append(
                {
                    "value": value,
                    "observed": table.observed,
                    "total": point.total,
                    "model": point.label,
                }
            )
        else:
            lines.append(f"  {value}: {table.observed} seen, no estimate ({point})")
            strata.append(
                {"value": value, "observed": table.observed, "total": None, "model": point}
            )
            warnings.append(
                f"Stratum {value} has no estimate; its {table.observed} people are counted as "
                "seen only, so the total is a lower bound for it."
            )
        if isinstance(point, Point):
            warnings += [f"{value}: {note}" for note in warnings_for(table, [])]
    lines.append(f"Estimated total: {total:.1f}")
    lines.append(f"  of whom on no list: {total - observed:.1f}")
    if disagreed:
        warnings.append(
            f"The records of {disagreed} people disagree about their {plan.stratum}; each was "
            "put where most of their records place them."
        )
    lines += ["", *[f"Warning: {w}" for w in warnings]] if warnings else []
    return Outcome(lists, observed, total, "", lines, warnings=warnings, strata=strata)


def _uncertainty_lines(outcome: Outcome, plan: Plan) -> list[str]:
    lines = [""]
    if outcome.interval is not None and outcome.interval_kind != "credible":
        # (A credible interval is already in the model's own description.)
        low, high = outcome.interval
        lines.append(
            f"95% interval ({outcome.interval_kind}, {plan.resamples} draws): "
            f"{low:.0f} to {high:.0f}"
        )
        if outcome.failed_draws:
            lines.append(
                f"Warning: {outcome.failed_draws} draws had no finite estimate; "
                "the upper end may be unbounded."
            )
    if outcome.combined is not None and outcome.linkage_only is not None:
        low, high = outcome.combined
        lines.append(
            f"95% interval with the linkage uncertainty too ({plan.linkage_draws} clusterings "
            f"drawn from the match probabilities): {low:.0f} to {high:.0f}"
        )
        low, high = outcome.linkage_only
        lines.append(f"  the linkage alone moves the estimate between {low:.0f} and {high:.0f}")
    if outcome.thresholds:
        figures = ", ".join(f"{t:.1f}: {v:.0f}" for t, v in outcome.thresholds)
        lines.append(f"At other match thresholds: {figures}")
    return lines


def start_estimate(
    keyring: Keyring,
    run: LinkageRun,
    plan: Plan,
    *,
    by: Any,
    background: bool = True,
    echo: jobs.Progress | None = None,
) -> Estimate:
    """Open the run's pairs and estimate, on a thread unless told not to."""
    if plan.method not in METHODS:
        raise Unestimable(f"unknown method {plan.method!r}")
    if plan.stratum and plan.stratum not in STRATA:
        raise Unestimable(f"stratify by one of {', '.join(STRATA)}")
    if jobs.status_of(run) != JobStatus.DONE:
        raise Unestimable("the linkage run has not finished")
    with using_keyring(keyring):
        result: dict[str, Any] = run.result or {}
    if not result:
        raise Unestimable("the linkage run has no results")
    decisions = decisions_for(run.lists.all())
    plan.threshold = run.threshold
    entry = Estimate.objects.create(
        run=run,
        started_by=by if getattr(by, "pk", None) else None,
        method=plan.method,
        stratum=plan.stratum,
        resamples=plan.resamples,
        linkage_draws=plan.linkage_draws,
        seed=plan.seed,
    )
    record(by, "analysis.estimate_started", entry, method=plan.method)

    def work(progress: jobs.Progress) -> None:
        outcome = estimate(result, decisions, plan, progress)
        done = Estimate.objects.get(pk=entry.pk)
        done.result = outcome.as_dict()
        done.save(update_fields=["result"])

    jobs.start(entry, work, background=background, echo=echo)
    return Estimate.objects.get(pk=entry.pk)
