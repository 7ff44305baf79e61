"""How many groups of people the lists show, and whether the latent-class
figure leans on merging them.

The Bayesian latent-class model (LCMCR) weighs a class as a Bayesian
criterion does: each class's chances of being on each list are integrated
over their priors, so a class earns its place only by a large gain in fit.
Where half the people are found much less often than the rest and few of
them are on two lists, that gain is real but small, the posterior merges
the faint group with another, and counts too few of the people on no list
(bench/README.md, "Why the latent classes count too few on
ten-lists-faint": the posterior and a two-class maximum-likelihood fit
agree on a figure 10 % low, a three-class fit lands around the truth).

This module is the check on that. It fits latent classes by maximum
likelihood (expectation maximisation, the total N free, the best of
several starts) with one, two, ... classes, while Akaike's criterion
improves and the model stays identifiable (fewer parameters than cells).
Two criteria choose among those fits:

- Akaike's (AIC), which admits a class when it improves the fit by more
  than its parameters cost, one each;
- Schwarz's Bayesian criterion (BIC), which asks log(n) each, as the
  posterior in effect does.

When AIC admits more classes than BIC, the lists fit better with a group
that the posterior merges. The figure then rests on a choice the data do
not settle, and the range shown must hold both answers: the posterior's
95 % interval, widened to the 95 % profile-likelihood interval of N under
AIC's model (Cormack 1992; the set of N whose profile log-likelihood lies
within 1.92 of the maximum). Where that profile does not fall back within
the sampler's cap, the lists do not bound the total with that many groups,
and the figure is not to be published.

Nothing here is fitted to the simulations: AIC and BIC are the textbook
criteria, 1.92 is half the 95 % point of chi-square with one degree of
freedom. What it cannot see, a group the lists almost never hold, is in
docs/analysis.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln

from safepassage.analysis.mse.lcmcr_kernel import MISSING_CAP
from safepassage.analysis.mse.tables import CaptureTable

# Random starts of each fit with two classes or more (one class has one optimum).
STARTS = 8
# Expectation maximisation stops when an iteration gains less than this in
# log-likelihood, or after this many iterations.
TOLERANCE = 1e-6
MOST_ITERATIONS = 3000
# Half the 95 % point of chi-square with one degree of freedom.
PROFILE_DROP = 1.920729
# Chances of being on a list are kept this far inside (0, 1).
EDGE = 1e-9


@dataclass(frozen=True)
class GroupsFit:
    """Latent classes fitted by maximum likelihood."""

    classes: int
    total: float  # N, the maximum-likelihood estimate
    loglik: float
    parameters: int  # chances, weights and N
    weights: np.ndarray  # (classes,)
    chances: np.ndarray  # (classes, lists)

    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.parameters

    def bic(self, observed: int) -> float:
        return -2 * self.loglik + math.log(observed) * self.parameters


@dataclass(frozen=True)
class Groups:
    """What the check found: the fits, and the classes each criterion chose."""

    fits: tuple[GroupsFit, ...]
    by_aic: int  # classes
    by_bic: int
    # The 95% profile interval of N under AIC's model, where AIC admits more
    # classes than BIC; the upper end is inf where the cap comes first.
    interval: tuple[float, float] | None = None

    @property
    def chosen(self) -> GroupsFit:
        return self.fits[self.by_aic - 1]

    @property
    def more(self) -> bool:
        """The lists fit better with more groups than the posterior settles on."""
        return self.by_aic > self.by_bic

    def widened(self, credible: tuple[float, float]) -> tuple[float, float] | None:
        """The posterior's interval widened to hold AIC's model's, where that
        reaches beyond it; None where it does not, or where it has no upper
        end (the figure is then refused, ``unbounded``, and keeps its own)."""
        if not self.more or self.interval is None or self.unbounded:
            return None
        low = min(credible[0], self.interval[0])
        high = max(credible[1], self.interval[1])
        if (low, high) == tuple(credible):
            return None
        return low, high

    @property
    def unbounded(self) -> bool:
        return self.more and self.interval is not None and math.isinf(self.interval[1])


@dataclass
class _Data:
    patterns: np.ndarray  # (P, lists), 0/1 as floats
    counts: np.ndarray  # (P,)
    observed: int

    @classmethod
    def of(cls, table: CaptureTable) -> _Data:
        cells = [cell for cell, n in table.counts.items() if n > 0]
        return cls(
            np.array(cells, dtype=float),
            np.array([table.counts[cell] for cell in cells], dtype=float),
            table.observed,
        )

    def loglik(self, total: float, weights: np.ndarray, chances: np.ndarray) -> float:
        """Log-likelihood of the table with N = ``total`` (the multinomial's
        constant in the counts left out)."""
        rows, unseen = self._rows(weights, chances)
        missing = total - self.observed
        return float(
            gammaln(total + 1)
            - gammaln(missing + 1)
            + (missing * math.log(unseen) if missing > 0 else 0.0)
            + self.counts @ _logsumexp(rows)
        )

    def _rows(self, weights: np.ndarray, chances: np.ndarray) -> tuple[np.ndarray, float]:
        """log(weight_k P(pattern | k)) for each observed pattern and class,
        and the chance of being on no list."""
        on, off = np.log(chances), np.log1p(-chances)
        rows = self.patterns @ (on - off).T + off.sum(axis=1) + np.log(weights)
        unseen = float(weights @ np.exp(off.sum(axis=1)))
        return rows, unseen


def _logsumexp(rows: np.ndarray) -> np.ndarray:
    top = rows.max(axis=1)
    return np.asarray(top + np.log(np.exp(rows - top[:, None]).sum(axis=1)))


def _em(
    data: _Data,
    weights: np.ndarray,
    chances: np.ndarray,
    total: float | None = None,
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Expectation maximisation from the given start; N free unless
    ``total`` is given. Returns (N, log-likelihood, weights, chances)."""
    n = data.observed
    free = total is None
    _, unseen = data._rows(weights, chances)
    size = n / max(1.0 - unseen, EDGE) if free else float(total)  # type: ignore[arg-type]
    cap = n * (1 + MISSING_CAP)
    size = min(size, cap)
    last = -math.inf
    for _ in range(MOST_ITERATIONS):
        rows, unseen = data._rows(weights, chances)
        norm = _logsumexp(rows)
        likelihood = float(
            gammaln(size + 1)
            - gammaln(size - n + 1)
            + ((size - n) * math.log(unseen) if size > n else 0.0)
            + data.counts @ norm
        )
        if likelihood - last < TOLERANCE:
            break
        last = likelihood
        share = np.exp(rows - norm[:, None]) * data.counts[:, None]  # (P, K)
        off = np.exp(np.log1p(-chances).sum(axis=1))
        nowhere = weights * off / unseen * (size - n)  # expected people on no list, by class
        members = share.sum(axis=0) + nowhere
        weights = np.clip(members / members.sum(), EDGE, None)
        weights /= weights.sum()
        chances = np.clip((share.T @ data.patterns) / members[:, None], EDGE, 1 - EDGE)
        if free:
            _, unseen = data._rows(weights, chances)
            size = min(n / max(1.0 - unseen, EDGE), cap)
    return size, data.loglik(size, weights, chances), weights, chances


def _fit(data: _Data, classes: int, seed: int) -> GroupsFit:
    lists = data.patterns.shape[1]
    rng = np.random.default_rng(np.random.SeedSequence([seed, classes]))
    best = None
    for _ in range(STARTS if classes > 1 else 1):
        weights = np.full(classes, 1.0 / classes)
        chances = rng.uniform(0.02, 0.6, (classes, lists)) if classes > 1 else None
        if chances is None:
            chances = np.clip(
                (data.counts @ data.patterns / data.observed)[None, :] * 0.5, EDGE, 1 - EDGE
            )
        found = _em(data, weights, chances)
        if best is None or found[1] > best[1]:
            best = found
    if best is None:  # pragma: no cover - at least one start always runs
        raise ValueError("no start")
    size, loglik, weights, chances = best
    return GroupsFit(classes, size, loglik, classes * lists + classes, weights, chances)


def identifiable(classes: int, lists: int) -> bool:
    """Fewer parameters (chances, weights, N) than observable cells."""
    return classes * lists + classes < 2**lists - 1


def check(table: CaptureTable, most: int = 10, seed: int = 0) -> Groups | None:
    """Fits with one class, two, ... while Akaike's criterion improves (up to
    ``most``), the classes each criterion chooses, and where they differ
    the profile interval of N under Akaike's choice. None for a table too
    small to fit two classes."""
    lists = len(table.lists)
    if not identifiable(2, lists) or table.observed < 2:
        return None
    data = _Data.of(table)
    fits = [_fit(data, 1, seed)]
    while len(fits) < most and identifiable(len(fits) + 1, lists):
        candidate = _fit(data, len(fits) + 1, seed)
        if candidate.aic() >= fits[-1].aic():
            break
        fits.append(candidate)
    by_aic = len(fits)
    by_bic = 1 + int(np.argmin([f.bic(table.observed) for f in fits]))
    groups = Groups(tuple(fits), by_aic, by_bic)
    if not groups.more:
        return groups
    return Groups(tuple(fits), by_aic, by_bic, profile_interval(data, groups.chosen))


def profile_interval(data: _Data, chosen: GroupsFit) -> tuple[float, float]:
    """The N whose profile log-likelihood lies within PROFILE_DROP of the
    maximum; the upper end is inf where it does not fall that far before
    the sampler's cap."""
    n = data.observed
    cap = n * (1 + MISSING_CAP)

    def drop(total: float) -> float:
        # Each from the maximum's own state, so that the profile is one
        # function of N whatever order brentq asks in.
        loglik = _em(data, chosen.weights, chosen.chances, total)[1]
        return chosen.loglik - loglik - PROFILE_DROP

    peak = max(chosen.total, float(n))
    low = float(n)
    if drop(low) > 0:
        low = brentq(drop, low, peak, xtol=0.5)
    below, above = peak, peak
    while True:
        above = min(above * 1.25 + 1, cap)
        if drop(above) > 0:
            return low, brentq(drop, below, above, xtol=0.5)
        if above >= cap:
            return low, math.inf
        below = above
