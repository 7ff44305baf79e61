"""Whether the latent-class model fits the table: a posterior predictive check.

Convergence says the chains found the posterior; it does not say that the
model describes the lists. This is the check that it does, in the manner
of Rubin (1984) and Gelman, Meng and Stern (1996), with the Freeman-Tukey
discrepancy that Brooks, Catchpole and Morgan (2000) use for
capture-recapture models:

- the statistic is how many people are on exactly 1, 2, ... lists (the
  capture frequencies, which carry what the table says about how unequal
  people's chances of being listed are, and so about the people on none);
- at each kept draw of the sampler (the class weights, each class's chance
  of being on each list, and the total N), the model's expected
  frequencies E_r; a replicate table of N people drawn from the same
  parameters; and the Freeman-Tukey distance sum_r (sqrt(y_r) - sqrt(E_r))^2
  of the observed frequencies and of the replicate's from E;
- the posterior predictive p-value is the share of draws in which the
  replicate lies at least as far from the model's expectation as the
  lists do. Near 0, tables drawn from the fitted model look like the
  lists almost never: the model misses something the lists show, and its
  count of the people on no list, which rests on the same model, is not
  to be trusted.

A posterior predictive p-value is conservative (Meng 1994): when the
model is right it is spread around 0.5 rather than uniform, so a value
under MISFIT_P (the customary 0.05, chosen before any simulation and not
tuned to one) is rare on tables the model fits and strong evidence of
misfit where it occurs. The replicate tables are drawn with their own
seed, so the same run gives the same p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The figure is flagged when the posterior predictive p-value is below this.
MISFIT_P = 0.05


@dataclass(frozen=True)
class Fit:
    """The check's outcome, with what to show a reader."""

    p_value: float
    observed: tuple[int, ...]  # people on exactly 1, 2, ... lists
    expected: tuple[float, ...]  # the model's posterior mean of the same

    @property
    def misfit(self) -> bool:
        return self.p_value < MISFIT_P

    def worst(self) -> int:
        """The number of lists (1, 2, ...) where the lists and the model differ
        most, in the Freeman-Tukey distance."""
        gaps = [
            (np.sqrt(y) - np.sqrt(e)) ** 2
            for y, e in zip(self.observed, self.expected, strict=True)
        ]
        return int(np.argmax(gaps)) + 1


def frequencies(on_lists: dict[tuple[int, ...], int], lists: int) -> np.ndarray:
    """People on exactly 1, 2, ... ``lists`` lists."""
    out = np.zeros(lists, dtype=np.int64)
    for pattern, n in on_lists.items():
        r = sum(pattern)
        if r > 0 and n > 0:
            out[r - 1] += n
    return out


def check(observed: np.ndarray, totals: np.ndarray, spread: np.ndarray, seed: int) -> Fit:
    """The posterior predictive check, from the kept draws: ``totals`` (N at
    each draw) and ``spread`` (E_r at each draw, one row a draw)."""
    y = np.asarray(observed, dtype=float)
    expected = np.maximum(np.asarray(spread, dtype=float), 0.0)
    n = np.asarray(totals, dtype=np.int64)
    chance = expected / n[:, None]
    unseen = np.clip(1.0 - chance.sum(axis=1), 0.0, 1.0)
    cells = np.column_stack([unseen, chance])
    cells /= cells.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    replicates = rng.multinomial(n, cells)[:, 1:]
    root = np.sqrt(expected)
    realised = ((np.sqrt(y)[None, :] - root) ** 2).sum(axis=1)
    replicated = ((np.sqrt(replicates) - root) ** 2).sum(axis=1)
    return Fit(
        p_value=float(np.mean(replicated >= realised)),
        observed=tuple(int(v) for v in observed),
        expected=tuple(float(v) for v in expected.mean(axis=0)),
    )
