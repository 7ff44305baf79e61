"""The ways of estimating a total from a capture table, and the one rule
that picks among them: log-linear models (one model-choice rule,
``choose_loglinear``), Bayesian model averaging (dga) and Bayesian latent
classes (LCMCR), and ``Auto``, the most robust of them for the number of
lists, whose figure is shown first. The command line and the pages use
these, and nothing else."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from safepassage.analysis.mse.intervals import Interval, bca
from safepassage.analysis.mse.loglinear import (
    EstimateUnavailable,
    Fit,
    Model,
    Selection,
    enumerable,
    fit,
    fitted_cells,
    hierarchical_models,
    select_by_bic,
    stepwise,
)
from safepassage.analysis.mse.report import describe
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.wording import Sentence

if TYPE_CHECKING:
    from safepassage.analysis.mse.lcmcr_groups import Groups

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
# The one model-choice rule of log-linear estimates, at the command line and
# on the pages: the lowest BIC among every hierarchical model up to this
# many lists (113 models for four), SparseMSE's forward stepwise choice
# beyond (every model of five lists is 6,893 of them, about a minute).
BIC_UP_TO = 4
# The choice is repeated in each resample and each drawn clustering up to
# this many lists; beyond, the model chosen on the data is kept (a stepwise
# choice on eight lists takes a fifth of a second).
RECHOOSE_UP_TO = 5
# The first figure: latent classes from this many lists, model averaging
# from three, log-linear models with two.
LATENT_FROM = 5


class Unestimable(ValueError):
    """No estimate for this table; the message says why (``sentence``, in
    the reader's language, where there is one)."""

    def __init__(self, message: str, sentence: Sentence | None = None) -> None:
        super().__init__(message)
        self.sentence = sentence


def unestimable(error: BaseException) -> Unestimable:
    return Unestimable(str(error), getattr(error, "sentence", None))


def primary_method(lists: int) -> str:
    """The most robust method for this many lists: its figure is shown first."""
    if lists >= LATENT_FROM:
        return "latent"
    if lists >= 3:
        return "bma"
    return "loglinear"


def applicable(method: str, lists: int) -> bool:
    """Whether a method estimates from this many lists at all."""
    from safepassage.analysis.mse.bma import MAX_LISTS as BMA_MOST
    from safepassage.analysis.mse.loglinear import MAX_LISTS as LOGLINEAR_MOST

    if method == "loglinear":
        return lists <= LOGLINEAR_MOST
    if method == "bma":
        return 3 <= lists <= BMA_MOST
    return lists >= 3


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
    # Why the figure must not be published (a sampler that has not
    # converged, an upper end held by a limit rather than the data).
    verdicts: list[Sentence] = field(default_factory=list)
    method: str = ""
    # Latent classes: the posterior's own interval, and the check for more
    # groups (lcmcr_groups.Groups), which may widen ``credible`` beyond it;
    # the sentences that say so are shown beside the figure.
    own: tuple[float, float] | None = None
    groups: Groups | None = None
    cautions: list[Sentence] = field(default_factory=list)

    @property
    def widened(self) -> tuple[float, float] | None:
        """The interval widened to hold a model the lists fit better: any
        interval shown for this figure must hold it too."""
        if self.groups is None or self.own is None:
            return None
        return self.groups.widened(self.own)

    @property
    def stretch(self) -> tuple[float, float]:
        """How far the widening moved each end of the posterior's interval
        (down, up); nothing where it was not widened."""
        widened, own = self.widened, self.own
        if widened is None or own is None:
            return 0.0, 0.0
        return own[0] - widened[0], widened[1] - own[1]

    @property
    def publishable(self) -> bool:
        return not self.verdicts


@functools.cache
def _models(width: int) -> tuple[Model, ...]:
    return tuple(hierarchical_models(width))


def choose_loglinear(table: CaptureTable) -> tuple[Fit, Selection | None]:
    """The model the log-linear estimate uses: the lowest BIC among every
    hierarchical model up to BIC_UP_TO lists, forward stepwise beyond."""
    width = len(table.lists)
    try:
        enumerable(table)
        if width <= BIC_UP_TO:
            selection = select_by_bic(table, _models(width))
            return selection.best, selection
        return stepwise(table), None
    except (EstimateUnavailable, ValueError) as error:
        raise unestimable(error) from None


class LogLinear:
    """Log-linear models, chosen by ``choose_loglinear``."""

    def choose(self, table: CaptureTable) -> tuple[Fit, Any]:
        return choose_loglinear(table)

    def point(self, table: CaptureTable) -> Point:
        chosen, selection = self.choose(table)
        lines = describe(table, chosen, selection)
        return Point(chosen.total, chosen.label, lines, chosen, method="loglinear")

    def again(self, table: CaptureTable, point: Point) -> float:
        """The estimate on other data, choosing the model as the point did."""
        try:
            if len(table.lists) <= RECHOOSE_UP_TO:
                return self.choose(table)[0].total
            return fit(table, point.state.model).total
        except (EstimateUnavailable, Unestimable, ValueError):
            return math.inf

    def interval(
        self,
        table: CaptureTable,
        point: Point,
        resamples: int,
        seed: int,
        progress: Callable[[int], None] | None = None,
    ) -> Interval:
        """The BCa interval, the model chosen again in every resample (up to
        RECHOOSE_UP_TO lists) as the point was chosen."""

        def choose(resampled: CaptureTable) -> Fit:
            if len(table.lists) <= RECHOOSE_UP_TO:
                try:
                    return self.choose(resampled)[0]
                except Unestimable as error:
                    raise ValueError(str(error)) from None
            return fit(resampled, point.state.model)

        return bca(table, choose, resamples=resamples, seed=seed, progress=progress)

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

    def __init__(self, plan: Plan | None = None) -> None:
        self.missing_max = plan.missing_max if plan is not None else 0

    def point(self, table: CaptureTable) -> Point:
        from safepassage.analysis.mse.bma import average, describe_averaged, verdicts_for

        try:
            averaged = average(table, missing_max=self.missing_max or None)
        except ValueError as error:
            raise unestimable(error) from None
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
            verdicts=verdicts_for(averaged),
            method="bma",
        )

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        return _posterior_draw(point.state.totals, point.state.probabilities, rng)


def _posterior_draw(totals: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> float:
    cumulative = np.cumsum(weights)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return float(totals[min(index, len(totals) - 1)])


@dataclass
class Plan:
    method: str = "auto"
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
    # The latent-class sampler runs on until it converges, up to this many
    # iterations per chain.
    max_iterations: int = 2_000_000
    # Model averaging: search the number missing up to this (0: the default
    # range, widened while the posterior presses on its top).
    missing_max: int = 0
    # The run's review band: undecided pairs in it count against the linkage.
    review_low: float = 0.3
    review_high: float = 0.9
    # Groups of lists counted as one list, by name: the analyst's word that
    # one takes its cases from another.
    joined: tuple[tuple[str, ...], ...] = ()


class Latent:
    """Bayesian latent classes (LCMCR, Manrique-Vallier 2016); the total is
    the posterior median. Every fit (one per stratum, one per drawn
    clustering) has its own seed, derived from the plan's, so the whole
    estimate is reproducible."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.fits = 0
        self.progress: Callable[[float], None] | None = None
        # Run on until converged (the figures shown). A drawn clustering's
        # fit, a draw among many, goes on from where the last converged fit
        # of the same lists stopped, for DRAW_BURN_IN iterations on its table.
        self.converge = True
        self.states: dict[tuple[str, ...], tuple[Any, ...]] = {}

    def point(self, table: CaptureTable) -> Point:
        from safepassage.analysis.mse import lcmcr_groups
        from safepassage.analysis.mse.lcmcr import LatentClassError, sample
        from safepassage.analysis.mse.lcmcr_report import (
            cautions_for,
            describe_latent,
            shown_interval,
            verdicts_for,
        )

        plan = self.plan
        seed = int(np.random.SeedSequence([plan.seed, self.fits]).generate_state(1)[0])
        self.fits += 1
        length = {"burn_in": plan.burn_in, "samples": plan.samples, "thinning": plan.thinning}
        start = () if self.converge else self.states.get(table.lists, ())
        if start:
            length = {"burn_in": DRAW_BURN_IN, "samples": DRAW_SAMPLES, "thinning": 10}
        try:
            result = sample(
                table,
                classes=plan.classes,
                seed=seed,
                progress=self.progress,
                converge=self.converge,
                max_iterations=plan.max_iterations,
                start=start,
                dispersed=self.converge,
                **length,
            )
        except LatentClassError as error:
            raise unestimable(error) from None
        if self.converge and result.converged:
            self.states[table.lists] = result.states
        totals = result.totals
        step = max(1, len(totals) // CHART_DRAWS)
        # A figure shown is checked for groups of people the posterior merges
        # (lcmcr_groups); a drawn clustering's fit is one draw among many.
        groups = lcmcr_groups.check(table, most=plan.classes) if self.converge else None
        credible = result.interval()
        return Point(
            result.median,
            "latent classes",
            describe_latent(table, result, groups),
            totals,
            credible=shown_interval(result, groups),
            posterior=[float(t) for t in totals[::step]],
            verdicts=verdicts_for(result, groups) if self.converge else [],
            method="latent",
            own=credible,
            groups=groups,
            cautions=cautions_for(groups, credible) if groups is not None else [],
        )

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        totals: np.ndarray = point.state
        return float(totals[int(rng.integers(len(totals)))])


# A drawn clustering's fit, from the states of a converged one: iterations
# to settle on the drawn table, then draws kept per chain (every 10th).
DRAW_BURN_IN = 1_000
DRAW_SAMPLES = 20

# Draws kept per chain and iterations between them, by length of run.
SAMPLER_LENGTHS = {"short": (1_000, 10), "long": (10_000, 100)}

# Draws of a posterior kept for the chart of an estimate.
CHART_DRAWS = 2000


class Auto:
    """The most robust method for the table's number of lists
    (``primary_method``): its figure comes first, the others beside it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.methods: dict[str, Method] = {}

    def method(self, lists: int) -> Method:
        name = primary_method(lists)
        if name not in self.methods:
            self.methods[name] = METHODS[name](self.plan)
        return self.methods[name]

    def point(self, table: CaptureTable) -> Point:
        return self.method(len(table.lists)).point(table)

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        return self.method(len(table.lists)).draw(table, point, rng)


METHODS: dict[str, Callable[[Plan], Method]] = {
    "auto": Auto,
    "loglinear": lambda plan: LogLinear(),
    "bma": Averaging,
    "latent": Latent,
}


def latent_of(method: Method, lists: int) -> Latent | None:
    """The latent-class method a method uses for this many lists, if any."""
    if isinstance(method, Auto):
        method = method.method(lists)
    return method if isinstance(method, Latent) else None


def loglinear_of(method: Method, lists: int) -> LogLinear | None:
    if isinstance(method, Auto):
        method = method.method(lists)
    return method if isinstance(method, LogLinear) else None


class Memo:
    """A method whose fits are kept by table, for the length of one estimate."""

    def __init__(self, method: Method) -> None:
        self.method = method
        self.kept: dict[tuple[tuple[str, ...], frozenset[Any]], Point | Exception] = {}

    def point(self, table: CaptureTable) -> Point:
        key = (table.lists, frozenset((p, n) for p, n in table.counts.items() if n))
        found = self.kept.get(key)
        if found is None:
            try:
                found = self.method.point(table)
            except (Unestimable, EstimateUnavailable, ValueError) as error:
                found = error
            self.kept[key] = found
        if isinstance(found, Exception):
            raise found
        return found

    def draw(self, table: CaptureTable, point: Point, rng: np.random.Generator) -> float:
        return self.method.draw(table, point, rng)
