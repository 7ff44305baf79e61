"""Convergence diagnostics of Markov chains: bulk effective sample size
and rank-normalised split R-hat, as Vehtari, Gelman, Simpson, Carpenter and
Bürkner (2021) define them (and Stan and ArviZ report them). Chains are the
rows of an array of draws."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata


def _split(draws: np.ndarray) -> np.ndarray:
    """Each chain cut in two halves (the middle draw dropped when odd)."""
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, -half:]])


def _rank_normal(draws: np.ndarray) -> np.ndarray:
    """Pooled ranks mapped to normal scores, so heavy tails do not dominate."""
    ranks = rankdata(draws, method="average").reshape(draws.shape)
    return np.asarray(ndtri((ranks - 0.375) / (draws.size + 0.25)))


def _ess_of(draws: np.ndarray) -> float:
    """Effective sample size of chains (rows) by Geyer's initial monotone sequence."""
    m, n = draws.shape
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)[:, :n] / n
    within = float(acov[:, 0].mean()) * n / (n - 1)
    var_plus = within * (n - 1) / n
    if m > 1:
        var_plus += float(draws.mean(axis=1).var(ddof=1))
    if not var_plus > 0:
        return float("nan")
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    pairs = rho[: n - n % 2 : 2] + rho[1 : n - n % 2 : 2]
    negative = np.flatnonzero(pairs < 0)
    if negative.size:
        pairs = pairs[: negative[0]]
    pairs = np.minimum.accumulate(pairs)
    tau = max(-1.0 + 2.0 * float(pairs.sum()), 1.0 / np.log10(m * n))
    return m * n / tau


def effective_sample_size(draws: np.ndarray) -> float:
    """Bulk effective sample size of chains (rows of draws), as Stan and ArviZ report it."""
    return _ess_of(_split(_rank_normal(draws)))


def _rhat_of(draws: np.ndarray) -> float:
    n = draws.shape[1]
    within = float(draws.var(axis=1, ddof=1).mean())
    between = float(draws.mean(axis=1).var(ddof=1))
    if not within > 0:
        return float("nan")
    return float(np.sqrt(((n - 1) / n * within + between) / within))


def rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat of chains (rows): the larger of bulk and tails.

    Near 1 when the chains, and the halves of each, describe one
    distribution; above 1.1 they have not converged.
    """
    split = _split(draws)
    bulk = _rhat_of(_rank_normal(split))
    tails = _rhat_of(_rank_normal(np.abs(split - np.median(split))))
    return max(bulk, tails)
