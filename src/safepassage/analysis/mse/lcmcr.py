"""Bayesian latent-class multiple systems estimation (LCMCR).

The model of Manrique-Vallier (2016), "Bayesian population size estimation
using Dirichlet process mixtures", Biometrics 72(4), as the R package LCMCR
fits it. People fall into latent classes; within a class, being on one list
says nothing about being on another, but the chance of being on each list
differs from class to class. This captures heterogeneity (some victims are
far more likely to be documented than others) and dependence between lists
without choosing a log-linear model.

- K classes (default 10) with weights from a truncated stick-breaking
  Dirichlet process, pi ~ SB(alpha), alpha ~ Gamma(0.25, 0.25);
- lambda_jk, the chance that a person of class k is on list j, ~ Beta(1, 1);
- the total N with prior p(N) proportional to 1/N; the people on no list
  are imputed at every step (data augmentation).

The Gibbs sampler is in ``lcmcr_kernel``. Here: input checks, chains run
side by side with their own seeds, in short blocks of iterations so that
a caller hears of progress and can cancel; convergence diagnostics
(effective sample size and R-hat, as Vehtari et al. 2021 define them); a
plain-language summary; and a simulator of populations with known totals
for tests and benchmarks.

tests/analysis/test_lcmcr.py checks the sampler against the exact
posterior of the one-class model (model Mt) and against a plain
person-by-person sampler of the same model; bench/lcmcr_speed.py and
bench/lcmcr_coverage.py measure its speed beside R's LCMCR and the
coverage of its intervals on populations of known size.
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from safepassage.analysis.mse import lcmcr_fit
from safepassage.analysis.mse import lcmcr_kernel as kernel
from safepassage.analysis.mse.diagnostics import effective_sample_size, rhat
from safepassage.analysis.mse.tables import CaptureTable, Pattern

# As LCMCR: Gamma(0.25, 0.25) prior on alpha, 500 warm-up iterations before burn-in.
A_ALPHA = 0.25
B_ALPHA = 0.25
WARM_UP = 500

# Chains run in blocks of iterations of about this many seconds, the first
# block this long; the caller hears of progress every REPORT_SECONDS.
BLOCK_SECONDS = 0.1
FIRST_BLOCK = 200
REPORT_SECONDS = 0.25

# A run has converged when the chains agree (R-hat at most TARGET_RHAT)
# and their draws of N are worth TARGET_ESS independent ones; until then
# it runs longer, within MAX_ITERATIONS per chain.
TARGET_RHAT = 1.05
TARGET_ESS = 400
MAX_ITERATIONS = 2_000_000
FULL_SHARE = 0.05
# An upper end past this share of the way from the number observed to the
# cap on the number missing is held by the cap, not by the data.
CAP_SHARE = 0.9
# The over-dispersed start of a chain: a class every list holds with this
# chance, holding this many times the number observed.
FAR_CHANCE = 0.001
FAR_MISSING = kernel.MISSING_CAP


class LatentClassError(ValueError):
    """The latent-class model cannot be fitted as asked; the message says why."""


@dataclass(frozen=True)
class Patterns:
    """A table as the sampler reads it: each pattern as the lists it is on, and its count."""

    on_lists: np.ndarray  # list indices of all patterns, one after the other
    on_start: np.ndarray  # pattern m is on on_lists[on_start[m]:on_start[m + 1]]
    freq: np.ndarray  # people with pattern m
    lists: int

    @classmethod
    def of(cls, table: CaptureTable) -> Patterns:
        rows = [(p, n) for p, n in sorted(table.counts.items()) if n > 0]
        on = [[j for j, bit in enumerate(p) if bit] for p, _ in rows]
        start = np.zeros(len(rows) + 1, dtype=np.int64)
        start[1:] = np.cumsum([len(lists) for lists in on])
        flat = np.array([j for lists in on for j in lists], dtype=np.int64)
        freq = np.array([n for _, n in rows], dtype=np.int64)
        return cls(flat, start, freq, len(table.lists))


@dataclass(frozen=True)
class Chain:
    """The kept draws of one chain."""

    number: int  # which child of the run's seed this chain drew from
    totals: np.ndarray  # N: people observed plus people on no list
    alphas: np.ndarray  # concentration of the Dirichlet process
    occupied: np.ndarray  # classes holding at least one person
    last_weight: np.ndarray  # weight of the last class, where the sticks are cut
    # People the model expects on exactly 1, 2, ... lists, one row a draw.
    spread: np.ndarray | None = None


@dataclass(frozen=True)
class LatentClassResult:
    """Posterior draws of N from every chain, with the settings that produced them."""

    lists: tuple[str, ...]
    observed: int
    classes: int
    burn_in: int
    samples: int
    thinning: int
    seed: int  # with the chain number, reproduces every draw
    chains: tuple[Chain, ...]
    seconds: float
    # Times the run was lengthened to converge (the burn-in above includes the
    # iterations before the last lengthening).
    rounds: int = 0
    iterations: int = 0  # per chain, warm-up included
    # Where each chain stopped, to go on from on a table much like this one.
    states: tuple[ChainState, ...] = field(default=(), repr=False, compare=False)
    # People on exactly 1, 2, ... lists in the table (for the check of fit).
    frequencies: tuple[int, ...] = ()
    dispersed: bool = False  # the second half of the chains started far (ChainState.far)

    @functools.cached_property
    def fit(self) -> lcmcr_fit.Fit | None:
        """The posterior predictive check of how many lists people are on
        (``lcmcr_fit``), where the draws allow it."""
        spreads = [chain.spread for chain in self.chains if chain.spread is not None]
        if not self.frequencies or len(spreads) < len(self.chains):
            return None
        return lcmcr_fit.check(
            np.array(self.frequencies), self.totals, np.concatenate(spreads), self.seed
        )

    @property
    def converged(self) -> bool:
        """R-hat at most TARGET_RHAT and an effective sample size of N of TARGET_ESS."""
        return converged(self)

    @property
    def cap(self) -> int:
        """The largest total the sampler allows (LCMCR's cap on the number missing)."""
        return self.observed * (1 + kernel.MISSING_CAP)

    @property
    def capped(self) -> bool:
        """The upper end of the 95% interval lies in the top tenth below the cap:
        the cap, not the data, holds it."""
        return self.interval()[1] >= self.observed + CAP_SHARE * (self.cap - self.observed)

    @property
    def totals(self) -> np.ndarray:
        """Draws of N from every chain, pooled."""
        return np.concatenate([chain.totals for chain in self.chains])

    @property
    def mean(self) -> float:
        return float(self.totals.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.totals))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tailed credible interval (quantiles of the pooled draws)."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"a credible level lies between 0 and 1, not {level}")
        tail = (1.0 - level) / 2.0
        low, high = np.quantile(self.totals, [tail, 1.0 - tail])
        return float(low), float(high)

    @property
    def ess(self) -> float:
        """Bulk effective sample size of N over all chains."""
        return effective_sample_size(np.stack([chain.totals for chain in self.chains]))

    @property
    def rhat(self) -> float:
        """Rank-normalised split R-hat of N over the chains."""
        return rhat(np.stack([chain.totals for chain in self.chains]))

    @property
    def full_share(self) -> float:
        """Share of draws in which every one of the K classes holds someone."""
        occupied = np.concatenate([chain.occupied for chain in self.chains])
        return float(np.mean(occupied >= self.classes))


def converged(result: LatentClassResult) -> bool:
    ess, rhat_value = result.ess, result.rhat
    return bool(ess >= TARGET_ESS and rhat_value <= TARGET_RHAT)


def _whole(name: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise LatentClassError(f"{name} must be a whole number, not {value!r}")
    if value < least:
        raise LatentClassError(f"{name} must be at least {least}, not {value}")
    return int(value)


def _check(table: CaptureTable) -> None:
    lists = len(table.lists)
    if lists < 3:
        raise LatentClassError(
            f"the latent-class model needs at least three lists, this table has {lists}; "
            "it is meant for many lists. Use a log-linear model instead."
        )
    if table.observed == 0:
        raise LatentClassError("no one is on any list")


@dataclass
class ChainState:
    """Where a chain stands between blocks of iterations (the kernel updates it in place)."""

    rng: np.random.Generator
    ratio: np.ndarray  # lambda_jk / (1 - lambda_jk)
    log_zero: np.ndarray  # log P(on no list | class k)
    seen: np.ndarray  # P(on some list | class k)
    log_nu: np.ndarray  # log class weights
    missing: np.ndarray  # people on no list, by class
    alpha: np.ndarray  # the concentration, as a one-element array
    step: int = 0

    def copy(self, rng: np.random.Generator) -> ChainState:
        """The same state, with its own arrays and this random stream, at step 0."""
        return ChainState(
            rng=rng,
            ratio=self.ratio.copy(),
            log_zero=self.log_zero.copy(),
            seen=self.seen.copy(),
            log_nu=self.log_nu.copy(),
            missing=self.missing.copy(),
            alpha=self.alpha.copy(),
        )

    @classmethod
    def start(cls, patterns: Patterns, classes: int, rng: np.random.Generator) -> ChainState:
        """LCMCR's starting point: every class's inclusion probabilities at each
        list's share of the observed people, most weight on the first four
        classes, alpha at 0.3 / K. Half a person either side keeps a list that
        holds everyone or no one finite."""
        listed = np.zeros(patterns.lists)
        for m in range(patterns.freq.size):
            listed[patterns.on_lists[patterns.on_start[m] : patterns.on_start[m + 1]]] += (
                patterns.freq[m]
            )
        share = (listed + 0.5) / (patterns.freq.sum() + 1.0)
        ratio = np.repeat((share / (1.0 - share))[:, None], classes, axis=1)
        log_zero = -np.log1p(ratio).sum(axis=0)
        if classes > 4:
            nu = np.full(classes, 0.1 / (classes - 4))
            nu[:4] = 0.225
        else:
            nu = np.full(classes, 1.0 / classes)
        return cls(
            rng=rng,
            ratio=np.ascontiguousarray(ratio),
            log_zero=log_zero,
            seen=-np.expm1(log_zero),
            log_nu=np.log(nu),
            missing=np.zeros(classes, dtype=np.int64),
            alpha=np.array([0.3 / classes]),
        )

    @classmethod
    def far(cls, patterns: Patterns, classes: int, rng: np.random.Generator) -> ChainState:
        """An over-dispersed start (Gelman and Rubin 1992): LCMCR's, with the
        last class one that every list holds with a chance of FAR_CHANCE,
        holding FAR_MISSING times the number observed, all on no list. A
        chain started here begins at the far end of the number missing,
        near the sampler's cap, where a second mode of the posterior lies
        when the lists cannot rule out a class they almost never reach."""
        state = cls.start(patterns, classes, rng)
        if classes < 2:
            return state
        k = classes - 1
        state.ratio[:, k] = FAR_CHANCE / (1.0 - FAR_CHANCE)
        state.log_zero[k] = -np.log1p(state.ratio[:, k]).sum()
        state.seen[k] = -np.expm1(state.log_zero[k])
        nu = np.exp(state.log_nu) / (1.0 + FAR_MISSING)
        nu[k] = FAR_MISSING / (1.0 + FAR_MISSING)
        state.log_nu = np.log(nu / nu.sum())
        state.missing[k] = FAR_MISSING * int(patterns.freq.sum())
        return state


@dataclass
class _Run:
    """One chain of a run: its state, its kept draws, and its progress."""

    number: int
    state: ChainState
    totals: np.ndarray
    alphas: np.ndarray
    occupied: np.ndarray
    last_weight: np.ndarray
    spread: np.ndarray

    @classmethod
    def new(
        cls, number: int, patterns: Patterns, classes: int, samples: int, rng: np.random.Generator
    ) -> _Run:
        return cls(
            number,
            ChainState.start(patterns, classes, rng),
            np.zeros(samples, dtype=np.int64),
            np.zeros(samples),
            np.zeros(samples, dtype=np.int64),
            np.zeros(samples),
            np.zeros((samples, patterns.lists)),
        )

    def chain(self) -> Chain:
        return Chain(
            self.number, self.totals, self.alphas, self.occupied, self.last_weight, self.spread
        )

    def fresh_draws(self, samples: int) -> None:
        """Room for the draws of a new, longer round (the earlier ones become burn-in)."""
        self.totals = np.zeros(samples, dtype=np.int64)
        self.alphas = np.zeros(samples)
        self.occupied = np.zeros(samples, dtype=np.int64)
        self.last_weight = np.zeros(samples)
        self.spread = np.zeros((samples, self.spread.shape[1]))


def _advance(
    run: _Run,
    patterns: Patterns,
    last: int,
    settings: tuple[float, float, int, int, int],
) -> None:
    """Iterations up to ``last`` of one chain."""
    a_alpha, b_alpha, burn_in, thinning, warm_up = settings
    state = run.state
    try:
        kernel.advance(
            state.rng,
            patterns.on_lists,
            patterns.on_start,
            patterns.freq,
            state.ratio,
            state.log_zero,
            state.seen,
            state.log_nu,
            state.missing,
            state.alpha,
            a_alpha,
            b_alpha,
            state.step,
            last,
            warm_up,
            burn_in,
            thinning,
            run.totals,
            run.alphas,
            run.occupied,
            run.last_weight,
            run.spread,
        )
    except ValueError as error:
        raise LatentClassError(f"the sampler stopped: {error}") from None
    state.step = last


def _work(
    run: _Run,
    patterns: Patterns,
    steps: int,
    settings: tuple[float, float, int, int, int],
    stop: threading.Event,
) -> None:
    """Run a chain to the end in blocks of about BLOCK_SECONDS, unless told to stop."""
    block = FIRST_BLOCK
    while run.state.step < steps and not stop.is_set():
        began = time.perf_counter()
        _advance(run, patterns, min(steps, run.state.step + block), settings)
        took = time.perf_counter() - began
        block = int(min(max(block * BLOCK_SECONDS / max(took, 1e-6), 1), 4 * block))


def sample(
    table: CaptureTable,
    *,
    classes: int = 10,
    burn_in: int = 10_000,
    samples: int = 1_000,
    thinning: int = 10,
    seed: int | None = None,
    chains: int = 2,
    a_alpha: float = A_ALPHA,
    b_alpha: float = B_ALPHA,
    progress: Callable[[float], None] | None = None,
    converge: bool = False,
    max_iterations: int = MAX_ITERATIONS,
    start: Sequence[ChainState] = (),
    dispersed: bool = False,
) -> LatentClassResult:
    """Posterior draws of the total N, with ``samples`` draws per chain.

    Each chain runs 500 warm-up and ``burn_in`` iterations, then
    ``samples * thinning`` more, keeping every ``thinning``-th, as LCMCR's
    ``lcmCR_PostSampl(burnin, samples, thinning)`` does. Chain i draws from
    child i of ``numpy.random.SeedSequence(seed)``, so the same seed gives
    the same draws; without a seed one is drawn and recorded in the result.
    Chains run side by side, one per core.

    With ``converge``, a run whose chains have not converged (R-hat above
    TARGET_RHAT or an effective sample size of N under TARGET_ESS) goes on:
    everything run so far becomes burn-in, and the chains run twice as long
    as their last sampling period, keeping ``samples`` draws evenly spaced
    (at least enough for the effective sample size asked for, 2 x 400 over
    the chains), until they converge or the next round would pass
    ``max_iterations`` per chain. The result says whether they converged.

    ``start``: the chains' last states of an earlier run (``states`` of its
    result), on a table much like this one (a drawn clustering of the same
    records): the chains go on from there, with no warm-up and only
    ``burn_in`` iterations to settle on this table.

    ``dispersed``: the second half of the chains start far
    (``ChainState.far``, at the cap on the number missing), so that R-hat
    sees a far mode of the posterior that chains from LCMCR's start miss
    (Gelman and Rubin 1992); not with ``start``.

    ``progress``, if given, is called from this thread with the fraction
    done (of the round under way), at the start, every REPORT_SECONDS and
    at the end. The chains run in short blocks of iterations and keep their
    state in between, so the draws are the same with or without it. If it
    raises, the chains stop at the end of their current block and the
    exception propagates: that is how a background job is cancelled.
    """
    _check(table)
    classes = _whole("classes", classes, 1)
    burn_in = _whole("burn_in", burn_in, 0)
    samples = _whole("samples", samples, 4)
    thinning = _whole("thinning", thinning, 1)
    chains = _whole("chains", chains, 1)
    max_iterations = _whole("max_iterations", max_iterations, 1)
    if not (0 < a_alpha < math.inf and 0 < b_alpha < math.inf):
        raise LatentClassError("the Gamma prior of alpha needs positive, finite parameters")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    elif isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise LatentClassError(f"the seed must be a whole number, at least 0, not {seed!r}")
    seed = int(seed)
    patterns = Patterns.of(table)
    streams = np.random.SeedSequence(seed).spawn(chains)
    runs = [
        _Run.new(i, patterns, classes, samples, np.random.default_rng(stream))
        for i, stream in enumerate(streams)
    ]
    if dispersed and chains > 1 and not start:
        for run in runs[chains - chains // 2 :]:
            run.state = ChainState.far(patterns, classes, run.state.rng)
    warm_up = WARM_UP
    if start:
        if len(start) != chains or any(
            state.ratio.shape != (len(table.lists), classes) for state in start
        ):
            raise LatentClassError(
                "a run goes on only from states of as many chains, lists and classes"
            )
        for run, state in zip(runs, start, strict=True):
            run.state = state.copy(run.state.rng)
        warm_up = 0
    began = time.perf_counter()
    steps = warm_up + burn_in + samples * thinning
    rounds = 0
    while True:
        settings = (float(a_alpha), float(b_alpha), burn_in, thinning, warm_up)
        _run_chains(runs, patterns, steps, settings, progress)
        result = LatentClassResult(
            lists=table.lists,
            observed=table.observed,
            classes=classes,
            burn_in=burn_in,
            samples=samples,
            thinning=thinning,
            seed=seed,
            chains=tuple(run.chain() for run in runs),
            seconds=time.perf_counter() - began,
            rounds=rounds,
            iterations=steps,
            states=tuple(run.state for run in runs),
            frequencies=tuple(
                int(v) for v in lcmcr_fit.frequencies(table.counts, len(table.lists))
            ),
            dispersed=dispersed and chains > 1 and not start,
        )
        length = samples * thinning * 2
        if not converge or result.converged or steps + length > max_iterations:
            return result
        # Everything so far becomes burn-in; the next round is twice as long,
        # with draws enough for the effective sample size asked for.
        burn_in = steps - warm_up
        samples = max(samples, -(-2 * TARGET_ESS // chains))
        thinning = max(1, length // samples)
        steps += samples * thinning
        rounds += 1
        for run in runs:
            run.fresh_draws(samples)


def _run_chains(
    runs: list[_Run],
    patterns: Patterns,
    steps: int,
    settings: tuple[float, float, int, int, int],
    progress: Callable[[float], None] | None,
) -> None:
    """Every chain up to iteration ``steps``, side by side, one per core."""
    stop = threading.Event()
    first = runs[0].state.step
    planned = max((steps - first) * len(runs), 1)
    if progress is not None:
        progress(0.0)
    workers = min(len(runs), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lcmcr") as pool:
        futures = [pool.submit(_work, run, patterns, steps, settings, stop) for run in runs]
        try:
            pending: set[Future[None]] = set(futures)
            while pending:
                finished, pending = wait(pending, REPORT_SECONDS, FIRST_EXCEPTION)
                for future in finished:
                    future.result()
                if progress is not None and pending:
                    progress(sum(run.state.step - first for run in runs) / planned)
        except BaseException:
            stop.set()
            raise
    if progress is not None:
        progress(1.0)


def compile_sampler() -> float:
    """Compile the sampler now rather than on the first estimate; returns the seconds taken.

    With numba's cache on (see ``lcmcr_kernel``), this loads it instead.
    """
    start = time.perf_counter()
    table = CaptureTable(("A", "B", "C"), {(1, 0, 0): 3, (0, 1, 1): 2, (1, 1, 1): 1})
    sample(table, classes=2, burn_in=0, samples=4, thinning=1, seed=0, chains=1)
    return time.perf_counter() - start


def simulate(
    total: int,
    inclusion: Sequence[Sequence[float]],
    weights: Sequence[float],
    *,
    seed: int,
) -> CaptureTable:
    """A table drawn from a population of known size with heterogeneous capture.

    Each of ``total`` people is in class k with probability ``weights[k]``
    and, given the class, on list j with probability ``inclusion[k][j]``,
    independently of the other lists. People on no list are left out, as
    they would be in the real data.
    """
    try:
        probs = np.asarray(inclusion, dtype=float)
        share = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise LatentClassError("inclusion and weights must be tables of numbers") from None
    if isinstance(total, bool) or not isinstance(total, int | np.integer) or total < 0:
        raise LatentClassError(f"the total must be a whole number, at least 0, not {total!r}")
    if probs.ndim != 2 or share.ndim != 1 or probs.shape[0] != share.size:
        raise LatentClassError("inclusion needs one row of list probabilities per class")
    if probs.shape[1] < 2:
        raise LatentClassError("a capture table needs at least two lists")
    if not (np.all((probs >= 0) & (probs <= 1)) and np.all(np.isfinite(share) & (share >= 0))):
        raise LatentClassError("probabilities must lie in [0, 1] and weights must not be negative")
    if not share.sum() > 0:
        raise LatentClassError("at least one class needs a positive weight")
    rng = np.random.default_rng(seed)
    counts: dict[Pattern, int] = {}
    for k, size in enumerate(rng.multinomial(total, share / share.sum())):
        for done in range(0, size, 100_000):  # people in batches, to bound the memory
            rows = rng.random((min(size - done, 100_000), probs.shape[1])) < probs[k]
            found, times = np.unique(rows, axis=0, return_counts=True)
            for row, n in zip(found, times, strict=True):
                pattern = tuple(int(bit) for bit in row)
                if any(pattern):
                    counts[pattern] = counts.get(pattern, 0) + int(n)
    return CaptureTable(tuple(f"L{j + 1}" for j in range(probs.shape[1])), counts)
