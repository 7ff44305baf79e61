"""Estimates from a linkage run or a table: the total, its sampling
interval, an interval that also carries the uncertainty of the linkage,
the figure at other match thresholds, the other methods beside the first,
and whether the figure may be published at all.

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

Every fit of one estimate goes through a memo keyed by the table: a
drawn clustering, a threshold or a method's row of the comparison that
gives a table already fitted reuses that fit instead of choosing a model
again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from safepassage.analysis.methods import (
    CHART_DRAWS,
    METHODS,
    SAMPLER_LENGTHS,
    LogLinear,
    Memo,
    Method,
    Plan,
    Point,
    Unestimable,
    latent_of,
    loglinear_of,
    primary_method,
)
from safepassage.analysis.mse.intervals import quantile
from safepassage.analysis.mse.loglinear import EstimateUnavailable
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.runs import (
    capture_table,
    cluster,
    effective_pairs,
    stratified_tables,
)
from safepassage.analysis.sensitivity import compare_methods, cost, linkage_verdicts, others
from safepassage.analysis.summary import (
    Outcome,
    StratumFigure,
    describe_strata,
    stratum_word,
    uncertainty_lines,
)
from safepassage.analysis.wording import Sentence, reason, say, term, warning
from safepassage.jobs.kinds import Progress

__all__ = [
    "CHART_DRAWS",
    "METHODS",
    "SAMPLER_LENGTHS",
    "Plan",
    "Point",
    "Unestimable",
    "estimate",
    "estimate_table",
]

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)

# Between the names of lists counted as one.
JOINED = " + "


def _tables(
    result: dict[str, Any], labels: np.ndarray, plan: Plan
) -> tuple[dict[str, CaptureTable], int]:
    if not plan.stratum:
        return {"": joined(capture_table(result, labels), plan.joined)}, 0
    tables, disagreed = stratified_tables(result, labels, plan.stratum)
    return {value: joined(table, plan.joined) for value, table in tables.items()}, disagreed


def joined(table: CaptureTable, groups: tuple[tuple[str, ...], ...]) -> CaptureTable:
    """The table with each group of lists counted as one list (a person on
    any of them is on it), named by its lists joined with " + ": what an
    analyst asks for when one list takes its cases from another, a
    dependence between lists that no model of people's chances describes."""
    for group in groups:
        table = table.merge(group, JOINED.join(group))
    return table


def note_joined(lines: list[Sentence], groups: tuple[tuple[str, ...], ...]) -> list[Sentence]:
    """The summary with a line for each group counted as one, after the lists."""
    after = next((i + 1 for i, line in enumerate(lines) if line.code == "lists"), 0)
    return [*lines[:after], *(say("joined", lists=list(group)) for group in groups), *lines[after:]]


def check_joined(lists: list[str], groups: tuple[tuple[str, ...], ...]) -> None:
    """Refuse groups that name no list of the table, overlap, hold one list
    alone, or leave fewer than two lists."""
    seen: set[str] = set()
    for group in groups:
        unknown = [name for name in group if name not in lists]
        if unknown:
            raise Unestimable(
                _("no list is called %(name)s; the lists are: %(lists)s")
                % {"name": unknown[0], "lists": ", ".join(lists)}
            )
        if len(set(group)) < 2:
            raise Unestimable(_("lists counted as one must be two or more different lists"))
        if seen & set(group):
            raise Unestimable(
                _("%(name)s is in two groups of lists counted as one")
                % {"name": sorted(seen & set(group))[0]}
            )
        seen |= set(group)
    if len(lists) - sum(len(group) - 1 for group in groups) < 2:
        raise Unestimable(_("counted as one, these lists leave fewer than two lists"))


Points = dict[str, "Point | Sentence"]


def _total(
    method: Method | Memo, tables: dict[str, CaptureTable], tally: Tally | None = None
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
        self.within = 0.0  # of the unit under way: a run lengthened starts its round again
        self.stage = "estimating"

    def report(self, within: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(self.stage, min(0.99, (self.done + within) / self.units))

    def enter(self, stage: str) -> None:
        self.stage = stage
        self.report()

    def add(self, units: float) -> None:
        self.done += units
        self.within = 0.0
        self.report()

    def inside(self, done: float) -> None:
        self.within = max(self.within, min(max(done, 0.0), 1.0))
        self.report(self.within)


def plan_units(plan: Plan, strata: int, lists: int) -> float:
    """How many fits the plan makes (what the progress bar counts): the
    point, the resamples, the drawn clusterings, the other thresholds and
    the other methods, in each stratum. A draw from a posterior costs next
    to nothing; a log-linear resample is a fit, and the BCa interval adds
    one per pattern."""
    name = primary_method(lists) if plan.method == "auto" else plan.method
    units = 1.0
    if plan.resamples and name == "loglinear":
        units += plan.resamples + (2**lists - 1 if not plan.stratum else 0)
    units += plan.linkage_draws * (2 if name == "loglinear" else 1)
    units += len(THRESHOLDS)
    if not plan.stratum:
        units += sum(cost(name, other) for other in others(name, lists)) * (len(THRESHOLDS) + 1)
        if plan.joined:
            width = lists + sum(len(group) - 1 for group in plan.joined)
            apart = primary_method(width) if plan.method == "auto" else plan.method
            units += cost(name, apart)
    return units * max(strata, 1)


def estimate(
    result: dict[str, Any],
    decisions: dict[tuple[str, str], str],
    plan: Plan,
    progress: Progress | None = None,
) -> Outcome:
    """The estimate from a linkage run's pairs with people's decisions applied."""
    pairs = effective_pairs(result, decisions)
    size = len(result["ids"])
    if progress is not None:
        progress("estimating", 0.0)
    labels = cluster(size, ((a, b) for a, b, p in pairs if p >= plan.threshold))
    check_joined(sorted(set(result["lists"])), plan.joined)
    tables, disagreed = _tables(result, labels, plan)
    apart = None
    if plan.joined and not plan.stratum:
        apart = capture_table(result, labels)

    def at(threshold: float) -> dict[str, CaptureTable]:
        if threshold == plan.threshold:
            return tables
        other = cluster(size, ((a, b) for a, b, p in pairs if p >= threshold))
        return _tables(result, other, plan)[0]

    def draw_tables(rng: np.random.Generator) -> dict[str, CaptureTable]:
        kept = [(a, b) for a, b, p in undecided if rng.random() < p]
        return _tables(result, cluster(size, fixed + kept), plan)[0]

    undecided = [(a, b, p) for a, b, p in pairs if 0.0 < p < 1.0]
    fixed = [(a, b) for a, b, p in pairs if p >= 1.0]
    outcome = _estimate(tables, plan, progress, disagreed, at, draw_tables, apart)
    verdicts = linkage_verdicts(result, pairs, labels, outcome.thresholds, plan)
    if verdicts:
        outcome.verdicts = [*verdicts, *outcome.verdicts]
        outcome.lines[0:0] = [warning(note) for note in verdicts]
    return outcome


def estimate_table(table: CaptureTable, plan: Plan, progress: Progress | None = None) -> Outcome:
    """The estimate from a capture table (no linkage: no thresholds or drawn clusterings)."""
    check_joined(list(table.lists), plan.joined)
    apart = table if plan.joined else None
    return _estimate({"": joined(table, plan.joined)}, plan, progress, 0, None, None, apart)


def _estimate(
    tables: dict[str, CaptureTable],
    plan: Plan,
    progress: Progress | None,
    disagreed: int,
    at: Any,
    draw_tables: Any,
    apart: CaptureTable | None = None,
) -> Outcome:
    method = METHODS[plan.method](plan)
    memo = Memo(method)
    rng = np.random.default_rng(plan.seed)
    lists = list(next(iter(tables.values())).lists)
    tally = Tally(progress, plan_units(plan, len(tables), len(lists)))
    latent = latent_of(method, len(lists))
    if latent is not None:
        latent.progress = tally.inside
        tally.enter("sampling")
    total, points = _total(memo, tables, tally)
    if not any(isinstance(point, Point) for point in points.values()):
        reasons = "; ".join(str(p) for p in points.values())
        single = points.get("")
        raise Unestimable(
            f"no estimate for these data: {reasons}",
            single if isinstance(single, Sentence) and single.code != "text" else None,
        )
    observed = sum(table.observed for table in tables.values())
    outcome = _describe(tables, points, total, lists, observed, plan, disagreed)
    if plan.joined:
        outcome.joined = [list(group) for group in plan.joined]
        outcome.lines = note_joined(outcome.lines, plan.joined)
    for value, point in points.items():
        if isinstance(point, Point):
            outcome.verdicts += point.verdicts
            # A stratum's range widened for more groups (lcmcr_groups) is
            # said with the stratum's name; the one table's as it is.
            outcome.cautions += [
                say("stratum_note", value=stratum_word(value), note=note) if value else note
                for note in point.cautions
            ]
    single = points.get("")
    if isinstance(single, Point):
        outcome.method = single.method
        if plan.method == "auto":
            outcome.lines.insert(
                2, say("first_figure", method=term(single.method), count=len(lists))
            )
    if isinstance(single, Point) and single.credible is not None:
        # A Bayesian estimate carries its own interval: the posterior's.
        outcome.interval = single.credible
        outcome.interval_kind = "credible"
        outcome.draws = list(single.posterior)

    # Sampling uncertainty alone, unless the posterior already gave it.
    loglinear = loglinear_of(method, len(lists))
    if plan.resamples and outcome.interval is None:
        tally.enter("resampling")
        if not plan.stratum and loglinear is not None and isinstance(single, Point):
            _bca(outcome, tables[""], single, loglinear, plan, tally)
        else:
            sums = []
            for _number in range(plan.resamples):
                sums.append(_draw_sum(memo, tables, points, rng))
                tally.add(len(tables) if loglinear is not None else 0)
            outcome.interval = _stretched(_percentile(sums), points)
            outcome.interval_kind = "percentile" if loglinear is not None else "posterior"
            outcome.draws = [s for s in sums if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in sums if not math.isfinite(s))

    # Linkage uncertainty, with sampling uncertainty on top.
    if plan.linkage_draws and draw_tables is not None:
        tally.enter("drawing clusterings")
        if latent is not None:
            latent.converge = False
        combined, linkage_only = [], []
        for _number in range(plan.linkage_draws):
            drawn_tables = draw_tables(rng)
            drawn_total, drawn_points = _total(memo, drawn_tables, tally)
            linkage_only.append(drawn_total)
            combined.append(_draw_sum(memo, drawn_tables, drawn_points, rng))
            tally.add(len(drawn_tables) if loglinear is not None else 0)
        if latent is not None:
            latent.converge = True
        outcome.combined = _percentile(combined)
        if isinstance(single, Point) and single.widened is not None:
            # The figure's own interval was widened to hold a model with more
            # groups; the interval with the linkage's uncertainty holds it too.
            outcome.combined = (
                min(outcome.combined[0], single.widened[0]),
                max(outcome.combined[1], single.widened[1]),
            )
        elif single is None:
            outcome.combined = _stretched(outcome.combined, points)
        outcome.linkage_only = _percentile(linkage_only)
        if not outcome.draws:
            outcome.draws = [s for s in combined if math.isfinite(s)]
            outcome.failed_draws = sum(1 for s in combined if not math.isfinite(s))

    if at is not None:
        tally.enter("thresholds")
        for threshold in THRESHOLDS:
            other_total, other_points = _total(memo, at(threshold), tally)
            estimated = any(isinstance(p, Point) for p in other_points.values())
            outcome.thresholds.append((threshold, other_total if estimated else None))
    if not plan.stratum:
        tally.enter("comparing")
        compare_methods(outcome, tables[""], at, memo, plan, THRESHOLDS, tally.add, apart)
    if latent is not None:
        latent.progress = None
    outcome.lines += uncertainty_lines(outcome, plan.resamples, plan.linkage_draws)
    if outcome.verdicts:
        # What must not be missed comes first, and again at the end (a
        # method's own verdicts follow the heading and the first figure's name).
        seen = {str(note) for note in outcome.lines[: 3 + len(outcome.verdicts)]}
        outcome.lines[0:0] = [warning(n) for n in outcome.verdicts if str(warning(n)) not in seen]
    return outcome


def _bca(
    outcome: Outcome,
    table: CaptureTable,
    chosen: Point,
    method: LogLinear,
    plan: Plan,
    tally: Tally,
) -> None:
    before = tally.done
    interval = method.interval(
        table, chosen, plan.resamples, plan.seed, progress=lambda n: tally.add(1)
    )
    tally.done = before + plan.resamples + 2 ** len(table.lists) - 1
    outcome.interval = (interval.low, interval.high)
    outcome.interval_kind = "bca"
    outcome.draws = [s for s in interval.samples if math.isfinite(s)]
    outcome.failed_draws = interval.failed


def _draw_sum(
    method: Method | Memo,
    tables: dict[str, CaptureTable],
    points: Points,
    rng: np.random.Generator,
) -> float:
    total = 0.0
    for value, table in tables.items():
        point = points[value]
        total += method.draw(table, point, rng) if isinstance(point, Point) else table.observed
    return total


def _stretched(interval: tuple[float, float], points: Points) -> tuple[float, float]:
    """An interval of a sum over strata, each end moved as far as the
    strata's own ranges were widened for more groups (lcmcr_groups)."""
    down = sum(p.stretch[0] for p in points.values() if isinstance(p, Point))
    up = sum(p.stretch[1] for p in points.values() if isinstance(p, Point))
    return interval[0] - down, interval[1] + up


def _percentile(values: list[float], level: float = 0.95) -> tuple[float, float]:
    tail = (1 - level) / 2
    data = np.array(values, dtype=float)  # infinite values count, at the top
    return quantile(data, tail), quantile(data, 1 - tail)


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
