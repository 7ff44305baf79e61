"""Bayesian model averaging over decomposable graphical models.

The method of Madigan and York (1997), as the R package dga (Johndrow, Lum
and Ball) implements it, for three to five lists. Instead of choosing one
model of how the lists depend on each other, every decomposable graphical
model is weighed by how well it explains the overlaps, and the estimates of
the total are averaged with those weights. The spread between models then
shows in the posterior distribution of the total.

For each graph and each candidate number of people on no list (n0), the
completed 2^k table has a hyper-Dirichlet marginal likelihood: a product of
Dirichlet-multinomial terms over the graph's cliques divided by the same over
its separators. Each cell of the full table carries a prior weight delta,
so a cell of a clique's marginal table carries delta * 2^(k - |clique|).
Multiplied by the multinomial coefficient of the completed table and a prior
on the total N, this gives the joint posterior over (graph, n0); the graphs
have equal prior weight.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from scipy.special import gammaln, logsumexp

from safepassage.analysis.mse.loglinear import Model
from safepassage.analysis.mse.report import heading
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.wording import BLANK, Sentence, model, num, say, term, warning

MIN_LISTS, MAX_LISTS = 3, 5
# dga's examples search 0 .. 5 times the number observed for the number missing.
DEFAULT_RANGE_FACTOR = 5
# Below this many people the default range still reaches this far.
DEFAULT_RANGE_FLOOR = 100
# The share of the posterior allowed in the top tenth of the range before
# the range is called too small. Tails can fall as slowly as 1/N^2, and then
# the mass beyond the range is about nine times that in its top tenth.
EDGE_TOLERANCE = 0.001
# No graph above this posterior probability: the dependence between lists is uncertain.
CONVINCING = 0.5
# The range is searched at most this many values at a time (memory: 2^k
# rows of them); wider, every second (fourth...) value is taken.
MAX_VALUES = 250_000
# The default range doubles at most this many times (to 5 x 2^12 the number observed).
MAX_DOUBLINGS = 12
# Entries of one (graphs x values) block, to bound memory on long ranges.
BLOCK = 2_000_000


class UnsupportedLists(ValueError):
    """The table has a number of lists this method does not handle."""


@dataclass(frozen=True)
class Graph:
    """A decomposable graph on list positions: lists joined by an edge may
    depend on each other; lists not joined are independent given the rest.
    ``separators`` is the multiset of non-empty junction-tree separators."""

    edges: frozenset[tuple[int, int]]
    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]

    def label(self, lists: Sequence[str]) -> str:
        """Cliques of two or more lists, as loglinear.Model.parse reads them;
        the graph with no edges is "main effects", as Model.label calls it."""
        names = sorted(":".join(lists[i] for i in sorted(c)) for c in self.cliques if len(c) > 1)
        return ", ".join(names) if names else "main effects"

    def model(self) -> Model:
        """The same graph as a hierarchical log-linear model."""
        return Model.of(c for c in self.cliques if len(c) > 1)


def _junction_tree(
    width: int, edges: frozenset[tuple[int, int]]
) -> tuple[tuple[frozenset[int], ...], tuple[frozenset[int], ...]] | None:
    """Maximal cliques and separators by maximum cardinality search (Tarjan
    and Yannakakis 1984; Blair and Peyton 1993), or None if the graph is not
    chordal. A graph is chordal exactly when, in this order, each list's
    earlier neighbours are all joined to each other."""
    neighbours: list[set[int]] = [set() for _ in range(width)]
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    weight = [0] * width
    numbered: set[int] = set()
    cliques: list[set[int]] = []
    separators: list[frozenset[int]] = []
    previous = -1
    for _ in range(width):
        vertex = max((v for v in range(width) if v not in numbered), key=lambda v: (weight[v], -v))
        earlier = neighbours[vertex] & numbered
        if any(b not in neighbours[a] for a, b in itertools.combinations(earlier, 2)):
            return None
        if weight[vertex] <= previous or not cliques:
            # A new clique begins; what it shares with the earlier ones separates them.
            if cliques and earlier:
                separators.append(frozenset(earlier))
            cliques.append(set(earlier))
        cliques[-1].add(vertex)
        previous = weight[vertex]
        numbered.add(vertex)
        for other in neighbours[vertex] - numbered:
            weight[other] += 1
    return tuple(frozenset(c) for c in cliques), tuple(separators)


@cache
def decomposable_graphs(width: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on ``width`` labelled lists, fewest
    edges first: 8 for three lists, 61 for four, 822 for five."""
    pairs = list(itertools.combinations(range(width), 2))
    graphs = []
    for size in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, size):
            edges = frozenset(chosen)
            tree = _junction_tree(width, edges)
            if tree is not None:
                graphs.append(Graph(edges, *tree))
    return tuple(graphs)


@dataclass(frozen=True)
class Prior:
    """A prior on the total number of people N, as its log (up to a constant)."""

    name: str
    log: Callable[[np.ndarray], np.ndarray]


def _log_reciprocal(totals: np.ndarray) -> np.ndarray:
    return np.asarray(-np.log(totals))


RECIPROCAL = Prior("proportional to 1/N, dga's default", _log_reciprocal)


def negative_binomial(a: float, b: float) -> Prior:
    """The negative binomial prior of Madigan and York's spina bifida example
    (mean a * b), in the form dga's tests use:
    N log b - (N + a) log(1 + b) + lgamma(N + a) - lgamma(N + 1) - lgamma(a)."""
    if a <= 0 or b <= 0:
        raise ValueError("the negative binomial prior needs a > 0 and b > 0")

    def log(totals: np.ndarray) -> np.ndarray:
        n = np.asarray(totals, dtype=float)
        return np.asarray(
            n * math.log(b) - (n + a) * math.log1p(b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)
        )

    return Prior(f"negative binomial, a = {a:g}, b = {b:g}", log)


@dataclass(frozen=True, eq=False)
class Distribution:
    """A posterior distribution of the total on whole numbers."""

    totals: np.ndarray
    probabilities: np.ndarray

    @property
    def mean(self) -> float:
        return float(np.dot(self.totals, self.probabilities) / self.probabilities.sum())

    def quantile(self, q: float) -> int:
        """The smallest total whose cumulative probability reaches ``q``."""
        cumulative = np.cumsum(self.probabilities)
        index = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
        return int(self.totals[min(index, len(self.totals) - 1)])

    @property
    def median(self) -> int:
        return self.quantile(0.5)

    @property
    def mode(self) -> int:
        return int(self.totals[int(np.argmax(self.probabilities))])

    @property
    def bayes_estimate(self) -> float:
        """E[1/N] / E[1/N^2]: the estimate with the least expected squared
        relative error, (estimate - N)^2 / N^2, as Madigan and York report."""
        n = self.totals.astype(float)
        return float(np.sum(self.probabilities / n) / np.sum(self.probabilities / n**2))

    def interval(self, level: float = 0.95) -> tuple[int, int]:
        """The equal-tailed credible interval."""
        if not 0 < level < 1:
            raise ValueError("the level of an interval is between 0 and 1")
        tail = (1 - level) / 2
        return self.quantile(tail), self.quantile(1 - tail)


@dataclass(frozen=True, eq=False)
class Averaged:
    """The joint posterior over graphs and totals, kept as its factors so
    that long ranges of the total do not need a (graphs x totals) matrix."""

    lists: tuple[str, ...]
    observed: int
    graphs: tuple[Graph, ...]
    graph_probabilities: np.ndarray
    missing: np.ndarray
    posterior: np.ndarray  # over ``missing``, averaged over graphs
    delta: float
    prior: Prior
    _incidence: np.ndarray = field(repr=False)
    _components: np.ndarray = field(repr=False)
    _offset: np.ndarray = field(repr=False)

    @property
    def labels(self) -> list[str]:
        return [graph.label(self.lists) for graph in self.graphs]

    @property
    def totals(self) -> np.ndarray:
        return self.observed + self.missing

    @property
    def distribution(self) -> Distribution:
        return Distribution(self.totals, self.posterior)

    @property
    def mean(self) -> float:
        return self.distribution.mean

    @property
    def median(self) -> int:
        return self.distribution.median

    @property
    def mode(self) -> int:
        return self.distribution.mode

    @property
    def bayes_estimate(self) -> float:
        return self.distribution.bayes_estimate

    def interval(self, level: float = 0.95) -> tuple[int, int]:
        return self.distribution.interval(level)

    def ranked(self) -> list[tuple[Graph, float]]:
        """Graphs from the most to the least probable."""
        order = np.argsort(-self.graph_probabilities, kind="stable")
        return [(self.graphs[i], float(self.graph_probabilities[i])) for i in order]

    def given(self, graph: Graph) -> Distribution:
        """The posterior of the total if this graph were known to be right."""
        row = self._incidence[self.graphs.index(graph)] @ self._components + self._offset
        return Distribution(self.totals, np.exp(row - logsumexp(row)))

    @property
    def edge_mass(self) -> float:
        """Posterior probability in the top tenth of the range searched."""
        top = self.missing >= self.missing[-1] - (self.missing[-1] - self.missing[0]) / 10
        return float(self.posterior[top].sum())


def _components(table: CaptureTable, missing: np.ndarray, delta: float) -> np.ndarray:
    """The Dirichlet-multinomial log marginal likelihood of every marginal
    table of the completed table (one row per subset of lists, by bit mask),
    for every number missing. The empty subset gives zero, so empty
    separators need no special case."""
    width = len(table.lists)
    total_weight = delta * 2**width
    totals = table.observed + missing
    rows = np.zeros((2**width, len(missing)))
    for mask in range(2**width):
        members = [i for i in range(width) if mask >> i & 1]
        alpha = delta * 2 ** (width - len(members))
        margin: dict[tuple[int, ...], int] = {}
        for pattern, count in table.counts.items():
            key = tuple(pattern[i] for i in members)
            margin[key] = margin.get(key, 0) + count
        # The cell 'on none of these lists' also holds the n0 people on no list.
        none = tuple(0 for _ in members)
        cells = itertools.product((0, 1), repeat=len(members))
        others = [margin.get(cell, 0) for cell in cells if cell != none]
        fixed = float(np.sum(gammaln(np.array(others, dtype=float) + alpha)))
        rows[mask] = (
            gammaln(margin.get(none, 0) + missing + alpha)
            + fixed
            - 2 ** len(members) * gammaln(alpha)
            + gammaln(total_weight)
            - gammaln(totals + total_weight)
        )
    return rows


def _incidence(graphs: Sequence[Graph], width: int) -> np.ndarray:
    """+1 for each clique, -1 for each separator, by subset bit mask."""
    matrix = np.zeros((len(graphs), 2**width))
    for row, graph in enumerate(graphs):
        for clique in graph.cliques:
            matrix[row, sum(1 << i for i in clique)] += 1
        for separator in graph.separators:
            matrix[row, sum(1 << i for i in separator)] -= 1
    return matrix


def average(
    table: CaptureTable,
    *,
    missing_min: int = 0,
    missing_max: int | None = None,
    delta: float | None = None,
    prior: Prior = RECIPROCAL,
) -> Averaged:
    """Average over every decomposable graphical model of the lists.

    ``missing_min`` .. ``missing_max`` is the range searched for the number
    of people on no list. By default it starts at five times the number
    observed (at least 100), as in dga's examples, and doubles while more
    than 0.1% of the posterior lies in its top tenth, so that the range does
    not cut the estimate short. ``delta`` is the prior weight of each cell
    of the full table (default 2^-k, dga's suggestion: the prior is worth
    one person). ``prior`` is the prior on the total (default 1/N, dga's).
    """
    width = len(table.lists)
    if width < MIN_LISTS or width > MAX_LISTS:
        raise UnsupportedLists(
            f"Bayesian model averaging works with {MIN_LISTS} to {MAX_LISTS} lists; this table "
            f"has {width}. Merge related lists into one (for example all the media sources) "
            "or use the log-linear models, which take more lists."
        )
    if table.observed == 0:
        raise ValueError("the table has nobody on any list: there is nothing to estimate from")
    delta = 2.0**-width if delta is None else float(delta)
    if not (delta > 0 and math.isfinite(delta)):
        raise ValueError("delta, the prior weight of a cell, must be a positive number")
    if missing_max is not None:
        if missing_min < 0 or missing_max < missing_min:
            raise ValueError("the range of the number missing must run from 0 or more upwards")
        return _average(table, _grid(missing_min, missing_max), delta, prior)
    if missing_min < 0:
        raise ValueError("the range of the number missing must run from 0 or more upwards")
    upper = max(DEFAULT_RANGE_FACTOR * table.observed, DEFAULT_RANGE_FLOOR, missing_min + 1)
    result = _average(table, _grid(missing_min, upper), delta, prior)
    for _ in range(MAX_DOUBLINGS):
        if not result.edge_mass > EDGE_TOLERANCE:
            break
        upper *= 2
        result = _average(table, _grid(missing_min, upper), delta, prior)
    return result


def _grid(low: int, high: int) -> np.ndarray:
    """low..high, every value up to MAX_VALUES of them, else evenly spaced
    (the posterior is smooth in the number missing at that scale)."""
    step = max(1, math.ceil((high - low + 1) / MAX_VALUES))
    values = np.arange(low, high + 1, step)
    return values if values[-1] == high else np.append(values, high)


def _average(table: CaptureTable, missing: np.ndarray, delta: float, prior: Prior) -> Averaged:
    totals = table.observed + missing
    log_prior = np.asarray(prior.log(totals), dtype=float)
    if log_prior.shape != missing.shape or np.isnan(log_prior).any():
        raise ValueError("the prior must give one number for each total in the range searched")
    if not np.isfinite(log_prior).any():
        raise ValueError("the prior gives no weight to any total in the range searched")
    observed_cells = np.array(list(table.counts.values()), dtype=float)
    multinomial = gammaln(totals + 1.0) - gammaln(missing + 1.0) - gammaln(observed_cells + 1).sum()
    offset = multinomial + log_prior

    width = len(table.lists)
    graphs = decomposable_graphs(width)
    incidence = _incidence(graphs, width)
    components = _components(table, missing, delta)
    # Blocks of graphs bound the memory. A first, cheap pass finds each
    # graph's largest term; the second exponentiates once, scaled by it.
    step = max(1, BLOCK // len(missing))
    starts = range(0, len(graphs), step)
    peaks = np.concatenate(
        [(incidence[i : i + step] @ components + offset).max(axis=1) for i in starts]
    )
    reference = float(peaks.max())
    row_sums = np.empty(len(graphs))
    unscaled = np.zeros(len(missing))
    for i in starts:
        terms = np.exp(incidence[i : i + step] @ components + offset - peaks[i : i + step, None])
        row_sums[i : i + step] = terms.sum(axis=1)
        unscaled += np.exp(peaks[i : i + step] - reference) @ terms
    log_evidence = peaks + np.log(row_sums)
    log_total = float(logsumexp(log_evidence))
    posterior = unscaled * math.exp(reference - log_total)
    return Averaged(
        lists=table.lists,
        observed=table.observed,
        graphs=graphs,
        graph_probabilities=np.exp(log_evidence - log_total),
        missing=missing,
        posterior=posterior,
        delta=delta,
        prior=prior,
        _incidence=incidence,
        _components=components,
        _offset=offset,
    )


def verdicts_for(averaged: Averaged) -> list[Sentence]:
    """Why the figure must not be published: the range searched cuts the posterior short."""
    if averaged.edge_mass > EDGE_TOLERANCE:
        return [
            say(
                "bma_edge",
                share=num(100 * averaged.edge_mass, 1),
                missing=int(averaged.missing[-1]),
            )
        ]
    return []


def describe_averaged(table: CaptureTable, averaged: Averaged) -> list[Sentence]:
    """The result in plain words: the estimate, its spread, the models that
    carry it, what it assumes, and what to beware of."""
    low, high = averaged.interval(0.95)
    ranked = averaged.ranked()
    prior: Any = term("reciprocal_prior") if averaged.prior is RECIPROCAL else averaged.prior.name
    lines = [
        *heading(table),
        say("bma_method", count=len(averaged.graphs)),
        say("bma_prior", prior=prior, delta={"g": averaged.delta}),
        say("posterior_median", total=int(averaged.median)),
        say("credible", 1, low=int(low), high=int(high)),
        say(
            "bma_moments",
            1,
            mean=num(averaged.mean, 1),
            mode=int(averaged.mode),
            bayes=num(averaged.bayes_estimate, 1),
        ),
        say("bma_top"),
    ]
    for graph, probability in ranked[:3]:
        lines.append(
            say(
                "model_probability",
                1,
                model=model(graph.label(table.lists)),
                probability=num(probability, 2),
            )
        )
    lines += [BLANK, say("meaning_bma")]
    notes = []
    best = ranked[0][1]
    if best <= CONVINCING:
        notes.append(say("bma_unconvincing", share=num(100 * best, 0)))
    notes += verdicts_for(averaged)
    if averaged.mode == averaged.observed:
        notes.append(say("bma_at_observed"))
    default = max(DEFAULT_RANGE_FACTOR * averaged.observed, DEFAULT_RANGE_FLOOR)
    if averaged.missing[-1] > default and averaged.missing[0] == 0:
        notes.append(say("bma_widened", missing=int(averaged.missing[-1])))
    observed_cells = sum(1 for cell in table.cells() if table.count(cell) > 0)
    if observed_cells < len(table.cells()) / 2:
        notes.append(say("bma_sparse", observed=observed_cells, count=len(table.cells())))
    if notes:
        lines.append(BLANK)
        lines += [warning(note) for note in notes]
    return lines
