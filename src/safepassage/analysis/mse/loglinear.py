"""Log-linear (Poisson) models of capture-pattern tables.

A model is a set of interaction terms (each a set of two or more lists);
main effects are always in. The number of people on no list is
exp(intercept) of the fitted model, and the estimate of the total is that
plus the number observed.

Sparse tables need care (Chan, Silverman & Vincent 2021): a model may have
no finite estimate, or an estimate that the data do not determine. Before
fitting, ``check`` finds the cells whose fitted value must be zero (by a
linear program, as Fienberg and Rinaldo describe), then asks:

- code 1, no finite estimate: every way of sending those cells to zero also
  sends the number on no list to infinity;
- code 2, not identifiable: the fit leaves the number on no list free;
- code 0, all is well: the extended maximum likelihood estimate is unique.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.special import gammaln

from safepassage.analysis.mse.tables import CaptureTable, Pattern

Term = frozenset[int]

OK, NO_ESTIMATE, NOT_IDENTIFIABLE = 0, 1, 2
TOLERANCE = 1e-9
# A fit goes through all 2^k - 1 observable patterns (the zeros count as much
# as the rest). Up to this many lists (1,023 patterns) a stepwise choice
# takes seconds; at 12 lists it takes a minute, at 20 it would need
# terabytes. Beyond, the models are refused and latent classes used instead.
MAX_LISTS = 10
# Existence checks kept, by model and the table's zero cells (resamples of
# one table share their zeros often).
CHECKS_KEPT = 20_000


class TooManyLists(ValueError):
    """A log-linear model of more lists than MAX_LISTS; ``sentence`` says why."""

    def __init__(self, lists: int) -> None:
        from safepassage.analysis.wording import num, say

        self.sentence = say("too_many_cells", cells=num(2**lists - 1), count=lists, limit=MAX_LISTS)
        super().__init__(
            f"log-linear models go through every one of the {2**lists - 1:,} possible "
            f"patterns of {lists} lists; up to {MAX_LISTS} lists are fitted. Use latent "
            "classes, or merge related lists"
        )


def enumerable(table: CaptureTable) -> None:
    """Refuse, before anything is allocated, a table whose patterns are too many to go through."""
    if len(table.lists) > MAX_LISTS:
        raise TooManyLists(len(table.lists))


@dataclass(frozen=True)
class Model:
    """Interaction terms over list positions, closed downwards (hierarchical)."""

    interactions: frozenset[Term]
    # Heterogeneity of capture between people (Rcapture's "Mth" models):
    # "poisson2" adds a column 2**(lists a person is on) - 1.
    heterogeneity: str | None = None

    @classmethod
    def of(cls, terms: Iterable[Iterable[int]]) -> Model:
        closed: set[Term] = set()
        for term in terms:
            members = frozenset(term)
            for size in range(2, len(members) + 1):
                closed.update(frozenset(c) for c in itertools.combinations(sorted(members), size))
        return cls(frozenset(closed))

    @classmethod
    def parse(cls, text: str, lists: Sequence[str]) -> Model:
        """'A:B, C:D' with list names, or '[12,23]' with list numbers (1-based)."""
        text = text.strip()
        if not text or text.lower() in {"main", "independence"}:
            return cls(frozenset())
        terms = []
        for part in text.strip("[]").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if ":" in part:
                names = part.split(":")
                if any(name not in lists for name in names):
                    raise ValueError(f"unknown list in {part!r}: lists are {', '.join(lists)}")
                terms.append([lists.index(name) for name in names])
            elif part.isdigit():
                terms.append([int(digit) - 1 for digit in part])
            else:
                raise ValueError(f"cannot read the term {part!r}")
        if any(i < 0 or i >= len(lists) for term in terms for i in term):
            raise ValueError("a list number is out of range")
        return cls.of(term for term in terms if len(term) >= 2)

    def label(self, lists: Sequence[str]) -> str:
        names = sorted(":".join(lists[i] for i in sorted(term)) for term in self.interactions)
        text = ", ".join(names) if names else "main effects"
        if self.heterogeneity:
            text += f", heterogeneity {self.heterogeneity}"
        return text

    def with_heterogeneity(self, kind: str | None) -> Model:
        if kind not in (None, "poisson2"):
            raise ValueError(f"unknown heterogeneity {kind!r}: use poisson2")
        return Model(self.interactions, kind)

    def columns(self, width: int) -> list[Term]:
        mains = [frozenset({i}) for i in range(width)]
        return mains + sorted(self.interactions, key=lambda t: (len(t), sorted(t)))


def design(cells: Sequence[Pattern], model: Model, width: int) -> np.ndarray:
    """One row per cell: the intercept, then each main effect and interaction."""
    columns = model.columns(width)
    bits = np.asarray(cells, dtype=bool).reshape(len(cells), width)
    x = np.ones((len(cells), 1 + len(columns) + (model.heterogeneity == "poisson2")))
    for at, term in enumerate(columns, start=1):
        x[:, at] = bits[:, sorted(term)].all(axis=1)
    if model.heterogeneity == "poisson2":
        x[:, -1] = 2.0 ** bits.sum(axis=1) - 1.0
    return x


def poisson_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The maximum likelihood Poisson regression with a log link, by Newton's
    method (iteratively reweighted least squares), from the start statsmodels
    uses. Returns the parameters, the fitted means, the log-likelihood and
    the deviance. Much faster than a general GLM on tables this small."""
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    params = np.zeros(x.shape[1])
    for _ in range(200):
        z = eta + (y - mu) / mu
        root = np.sqrt(mu)
        new = np.linalg.lstsq(x * root[:, None], z * root, rcond=None)[0]
        eta = np.clip(x @ new, -700.0, 700.0)
        mu = np.exp(eta)
        done = np.max(np.abs(new - params)) <= 1e-12 * (1.0 + np.max(np.abs(new)))
        params = new
        if done:
            break
    positive = y > 0
    log_y = np.zeros_like(y)
    log_y[positive] = np.log(y[positive])
    log_likelihood = float(np.sum(y * eta - mu - gammaln(y + 1.0)))
    deviance = float(2.0 * np.sum(y * (log_y - eta) - (y - mu)))
    return params, mu, log_likelihood, deviance


@dataclass(frozen=True)
class Check:
    code: int
    forced_zero: tuple[Pattern, ...]

    @property
    def ok(self) -> bool:
        return self.code == OK


def _forced_zero(x_pos: np.ndarray, x_zero: np.ndarray) -> np.ndarray:
    """Which zero cells can be driven to a fitted value of zero: maximise the
    number of strictly negative directions (bounded by 1) over the cone
    {d : X_pos d = 0, X_zero d <= 0}."""
    n_zero, n_par = x_zero.shape
    if n_zero == 0:
        return np.zeros(0, dtype=bool)
    # variables: d (free), s (0..1); maximise sum(s) s.t. X_zero d + s <= 0
    c = np.concatenate([np.zeros(n_par), -np.ones(n_zero)])
    a_ub = sparse.hstack([sparse.csr_array(x_zero), sparse.eye_array(n_zero)], format="csr")
    a_eq = (
        sparse.hstack(
            [sparse.csr_array(x_pos), sparse.csr_array((x_pos.shape[0], n_zero))], format="csr"
        )
        if len(x_pos)
        else None
    )
    bounds = [(None, None)] * n_par + [(0, 1)] * n_zero
    result = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n_zero),
        A_eq=a_eq,
        b_eq=np.zeros(x_pos.shape[0]) if a_eq is not None else None,
        bounds=bounds,
        method="highs",
    )
    if not result.success:
        raise RuntimeError("the existence check did not solve")
    return np.asarray(result.x[n_par:] > 1e-7)


def _finite_without_growth(
    x_pos: np.ndarray, x_zero: np.ndarray, forced: np.ndarray, x0: np.ndarray
) -> bool:
    """Can the forced cells go to zero while the cell 'on no list' stays put?"""
    if not forced.any():
        return True
    n_par = x_pos.shape[1]
    a_eq = np.vstack([x_pos, x0[None, :]]) if len(x_pos) else x0[None, :]
    rows_ub = [x_zero[i] for i in range(len(x_zero))]
    b_ub = [-1.0 if forced[i] else 0.0 for i in range(len(x_zero))]
    result = linprog(
        np.zeros(n_par),
        A_ub=np.array(rows_ub),
        b_ub=np.array(b_ub),
        A_eq=a_eq,
        b_eq=np.zeros(a_eq.shape[0]),
        bounds=[(None, None)] * n_par,
        method="highs",
    )
    return bool(result.status == 0)


_checks: dict[tuple[Model, int, frozenset[Pattern]], Check] = {}


def check(table: CaptureTable, model: Model) -> Check:
    """Whether the model has a finite, unique estimate on this table (kept
    for the next table with the same zero cells)."""
    enumerable(table)
    zeros = frozenset(cell for cell in table.cells() if table.count(cell) == 0)
    key = (model, len(table.lists), zeros)
    found = _checks.get(key)
    if found is None:
        found = _check(table, model)
        if len(_checks) >= CHECKS_KEPT:
            _checks.clear()
        _checks[key] = found
    return found


def _check(table: CaptureTable, model: Model) -> Check:
    width = len(table.lists)
    cells = table.cells()
    x = design(cells, model, width)
    counts = np.array([table.count(cell) for cell in cells], dtype=float)
    positive, zero = counts > 0, counts == 0
    x_pos, x_zero = x[positive], x[zero]
    x0 = design([tuple([0] * width)], model, width)[0]
    forced = _forced_zero(x_pos, x_zero)
    zero_cells = [cell for cell, is_zero in zip(cells, zero, strict=True) if is_zero]
    forced_cells = tuple(cell for cell, f in zip(zero_cells, forced, strict=True) if f)
    if not _finite_without_growth(x_pos, x_zero, forced, x0):
        return Check(NO_ESTIMATE, forced_cells)
    kept = np.vstack([x_pos, x_zero[~forced]]) if (~forced).any() else x_pos
    rank = np.linalg.matrix_rank(kept)
    if np.linalg.matrix_rank(np.vstack([kept, x0])) > rank:
        return Check(NOT_IDENTIFIABLE, forced_cells)
    return Check(OK, forced_cells)


@dataclass(frozen=True)
class Fit:
    model: Model
    lists: tuple[str, ...]
    observed: int
    unobserved: float
    deviance: float
    parameters: int
    cells: int
    log_likelihood: float
    check: Check

    @property
    def total(self) -> float:
        return self.observed + self.unobserved

    @property
    def bic(self) -> float:
        return -2 * self.log_likelihood + self.parameters * math.log(self.observed)

    @property
    def label(self) -> str:
        return self.model.label(self.lists)


class EstimateUnavailable(ValueError):
    def __init__(self, check: Check, message: str) -> None:
        super().__init__(message)
        self.check = check


def fit(table: CaptureTable, model: Model) -> Fit:
    """The (extended) maximum likelihood fit; raises EstimateUnavailable when
    the model gives no finite or no unique estimate of the total."""
    result = check(table, model)
    if result.code == NO_ESTIMATE:
        raise EstimateUnavailable(result, "this model gives no finite estimate for these data")
    if result.code == NOT_IDENTIFIABLE:
        raise EstimateUnavailable(result, "these data do not determine this model's estimate")
    width = len(table.lists)
    forced = set(result.forced_zero)
    cells = [cell for cell in table.cells() if cell not in forced]
    x = design(cells, model, width)
    y = np.array([table.count(cell) for cell in cells], dtype=float)
    # Columns that only touch forced cells carry no information: drop them.
    used = np.linalg.matrix_rank(x) == x.shape[1]
    if not used:
        keep = _independent_columns(x)
        x = x[:, keep]
    params, _means, log_likelihood, deviance = poisson_fit(x, y)
    intercept = float(params[0])
    return Fit(
        model=model,
        lists=table.lists,
        observed=table.observed,
        unobserved=math.exp(min(intercept, 700.0)),
        deviance=deviance,
        parameters=x.shape[1],
        cells=len(cells),
        log_likelihood=log_likelihood,
        check=result,
    )


def _independent_columns(x: np.ndarray) -> list[int]:
    """A maximal set of linearly independent columns, intercept first."""
    keep: list[int] = []
    for column in range(x.shape[1]):
        trial = [*keep, column]
        if np.linalg.matrix_rank(x[:, trial]) == len(trial):
            keep = trial
    return keep


def hierarchical_models(width: int) -> list[Model]:
    """Every hierarchical model below the saturated one: the down-closed sets
    of interactions among ``width`` lists, without the top interaction."""
    terms = [
        frozenset(c) for size in range(2, width) for c in itertools.combinations(range(width), size)
    ]
    models: set[frozenset[Term]] = {frozenset()}
    frontier: set[frozenset[Term]] = {frozenset()}
    while frontier:
        grown: set[frozenset[Term]] = set()
        for current in frontier:
            for term in terms:
                if term in current:
                    continue
                below = all(
                    frozenset(c) in current
                    for c in itertools.combinations(sorted(term), len(term) - 1)
                    if len(c) >= 2
                )
                if below:
                    grown.add(current | {term})
        frontier = grown - models
        models |= grown
    return [Model(m) for m in sorted(models, key=lambda m: (len(m), sorted(map(sorted, m))))]


@dataclass(frozen=True)
class Selection:
    best: Fit
    fits: list[Fit]
    skipped: int


def select_by_bic(table: CaptureTable, models: Sequence[Model] | None = None) -> Selection:
    """Fit every hierarchical model (or those given) and keep the lowest BIC
    among those with a finite, identifiable estimate."""
    enumerable(table)
    candidates = list(models) if models is not None else hierarchical_models(len(table.lists))
    fits, skipped = [], 0
    for model in candidates:
        try:
            fits.append(fit(table, model))
        except EstimateUnavailable:
            skipped += 1
    if not fits:
        raise ValueError("no model gives a finite, identifiable estimate for these data")
    fits.sort(key=lambda f: f.bic)
    return Selection(fits[0], fits, skipped)


def stepwise(table: CaptureTable, threshold: float = 0.02) -> Fit:
    """Forward stepwise choice among two-list interactions, as SparseMSE's
    `stepwisefit` does (Chan, Silverman and Vincent 2021). From main effects,
    each candidate interaction is tested by the number of people on both of
    its lists against a Poisson with the mean the current model fits to
    them (the smaller tail); the smallest p-value below ``threshold`` is
    added, unless the model with it has no finite or identifiable estimate,
    and the search goes on from the new model."""
    from scipy.stats import poisson

    enumerable(table)
    pairs = [frozenset(pair) for pair in itertools.combinations(range(len(table.lists)), 2)]
    together = {
        pair: sum(n for cell, n in table.counts.items() if all(cell[i] for i in pair))
        for pair in pairs
    }
    chosen: frozenset[Term] = frozenset()
    current = fit(table, Model(chosen))
    while True:
        cells, means = fitted_cells(table, current)
        tested = []
        for index, pair in enumerate(pairs):
            if pair in chosen:
                continue
            expected = float(
                sum(m for cell, m in zip(cells, means, strict=True) if all(cell[i] for i in pair))
            )
            seen = together[pair]
            p_value = min(poisson.cdf(seen, expected), poisson.sf(seen - 1, expected))
            tested.append((float(p_value), index, pair))
        added = None
        for p_value, _index, pair in sorted(tested):
            if p_value >= threshold:
                break
            if check(table, Model(chosen | {pair})).code == OK:
                added = pair
                break
        if added is None:
            return current
        chosen = chosen | {added}
        current = fit(table, Model(chosen))


def fitted_cells(table: CaptureTable, chosen: Fit) -> tuple[list[Pattern], np.ndarray]:
    """The cells a fit used (not those forced to zero) and their fitted means."""
    forced = set(chosen.check.forced_zero)
    cells = [cell for cell in table.cells() if cell not in forced]
    x = design(cells, chosen.model, len(table.lists))
    y = np.array([table.count(cell) for cell in cells], dtype=float)
    used = np.linalg.matrix_rank(x) == x.shape[1]
    if not used:
        x = x[:, _independent_columns(x)]
    return cells, poisson_fit(x, y)[1]
