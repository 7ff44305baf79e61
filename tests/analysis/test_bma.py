"""Bayesian model averaging over decomposable graphical models reproduces the
R package dga (../data/mse/README.md gives the sources)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from scipy.special import gammaln
from scipy.stats import dirichlet_multinomial

from safepassage.analysis.mse import bma
from safepassage.analysis.mse.bma import (
    EDGE_TOLERANCE,
    RECIPROCAL,
    Averaged,
    Distribution,
    Graph,
    Prior,
    UnsupportedLists,
    average,
    decomposable_graphs,
    describe_averaged,
    negative_binomial,
)
from safepassage.analysis.mse.loglinear import Model
from safepassage.analysis.mse.tables import CaptureTable, read_patterns

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def table(name: str) -> CaptureTable:
    return read_patterns(DATA / name)


def madigan_york() -> CaptureTable:
    return table("dga_three_lists.csv")


def reference_run() -> tuple[CaptureTable, Averaged]:
    """dga's test: delta 1, a negative binomial prior, 1 to 300 missing."""
    data = madigan_york()
    return data, average(
        data, missing_min=1, missing_max=300, delta=1, prior=negative_binomial(13.14, 55.17)
    )


def test_it_reproduces_the_madigan_and_york_figures_of_dga() -> None:
    _data, result = reference_run()
    top, probability = result.ranked()[0]
    alone = result.given(top)
    assert round(probability, 2) == 0.37
    assert round(alone.bayes_estimate) == 731
    assert alone.mode == 729
    assert round(result.bayes_estimate) == 731
    assert result.mode == 728


def test_it_reads_the_table_in_dgas_array_order() -> None:
    # R's array(c(0, 60, 49, 4, 247, 112, 142, 12), dim = c(2, 2, 2)): first list fastest.
    vector = [0, 60, 49, 4, 247, 112, 142, 12]
    counts = {
        tuple(index >> i & 1 for i in range(3)): count
        for index, count in enumerate(vector)
        if index
    }
    assert madigan_york().counts == counts


@pytest.mark.parametrize(("width", "count"), [(3, 8), (4, 61), (5, 822)])
def test_it_counts_the_decomposable_graphs_as_dga_does(width: int, count: int) -> None:
    assert len(decomposable_graphs(width)) == count


def _has_chordless_cycle(width: int, edges: frozenset[tuple[int, int]]) -> bool:
    """A cycle of four or five lists with no chord (enough for five lists)."""
    for size in (4, 5):
        for members in itertools.combinations(range(width), size):
            inside = [e for e in edges if e[0] in members and e[1] in members]
            degrees = [sum(v in e for e in inside) for v in members]
            if len(inside) == size and all(d == 2 for d in degrees):
                connected = {members[0]}
                for _ in range(size):
                    connected |= {v for e in inside for v in e if set(e) & connected}
                if len(connected) == size:
                    return True
    return False


def _maximal_cliques(width: int, edges: frozenset[tuple[int, int]]) -> set[frozenset[int]]:
    complete = [
        frozenset(c)
        for size in range(1, width + 1)
        for c in itertools.combinations(range(width), size)
        if all(pair in edges for pair in itertools.combinations(c, 2))
    ]
    return {c for c in complete if not any(c < other for other in complete)}


@pytest.mark.parametrize("width", [3, 4, 5])
def test_it_keeps_exactly_the_chordal_graphs_with_their_maximal_cliques(width: int) -> None:
    pairs = list(itertools.combinations(range(width), 2))
    chordal = {
        frozenset(chosen)
        for size in range(len(pairs) + 1)
        for chosen in itertools.combinations(pairs, size)
        if not _has_chordless_cycle(width, frozenset(chosen))
    }
    graphs = decomposable_graphs(width)
    assert {g.edges for g in graphs} == chordal
    for graph in graphs:
        assert set(graph.cliques) == _maximal_cliques(width, graph.edges)


def _components(graph: Graph, width: int) -> int:
    groups = [set(c) for c in graph.cliques]
    merged = True
    while merged:
        merged = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            if groups[a] & groups[b]:
                groups[a] |= groups.pop(b)
                merged = True
                break
    return len(groups)


def test_its_separators_make_a_junction_tree() -> None:
    """For a decomposable model the fit is prod n_C / prod n_S (an empty
    separator, between unconnected parts, has n_S = n); with the right
    separators it keeps every clique margin of the table."""
    width = 5
    counts = np.random.default_rng(7).integers(1, 50, size=(2,) * width).astype(float)
    grid = np.indices((2,) * width).reshape(width, -1)

    def margin(members: frozenset[int]) -> np.ndarray:
        others = tuple(i for i in range(width) if i not in members)
        summed = counts.sum(axis=others, keepdims=True)
        return np.broadcast_to(summed, counts.shape).reshape(-1)

    for graph in decomposable_graphs(width):
        parts = _components(graph, width)
        assert len(graph.cliques) - len(graph.separators) == parts
        log_fit = sum(np.log(margin(c)) for c in graph.cliques) - (parts - 1) * np.log(counts.sum())
        log_fit = log_fit - sum((np.log(margin(s)) for s in graph.separators), np.zeros(32))
        fitted = np.exp(log_fit)
        assert fitted.sum() == pytest.approx(counts.sum())
        for clique in graph.cliques:
            for cell in itertools.product((0, 1), repeat=len(clique)):
                where = np.all(
                    [grid[i] == v for i, v in zip(sorted(clique), cell, strict=True)], axis=0
                )
                assert fitted[where].sum() == pytest.approx(counts.reshape(-1)[where].sum())


def test_its_labels_read_back_as_loglinear_models() -> None:
    lists = ("A", "B", "C", "D")
    independent, *others = decomposable_graphs(4)
    assert independent.label(lists) == "main effects"
    assert independent.model() == Model.parse("main", lists)
    for graph in others:
        assert Model.parse(graph.label(lists), lists) == graph.model()


def _log_likelihood(data: CaptureTable, graph: Graph, missing: int, delta: float) -> float:
    """log P(completed table | N) from scipy's Dirichlet-multinomial, margin by margin."""
    width = len(data.lists)
    full = np.zeros((2,) * width)
    for pattern, count in data.counts.items():
        full[pattern] = count
    full[(0,) * width] = missing
    total = full.sum()

    def term(members: frozenset[int]) -> float:
        axes = tuple(i for i in range(width) if i not in members)
        cells = full.sum(axis=axes).reshape(-1)
        alpha = np.full(len(cells), delta * 2 ** (width - len(members)))
        coefficient = gammaln(total + 1) - gammaln(cells + 1).sum()
        return float(dirichlet_multinomial.logpmf(cells, alpha, total)) - coefficient

    coefficient = gammaln(total + 1) - gammaln(full.reshape(-1) + 1).sum()
    return float(
        coefficient + sum(term(c) for c in graph.cliques) - sum(term(s) for s in graph.separators)
    )


@pytest.mark.parametrize("label", ["main effects", "A:B", "A:B, B:C", "A:B:C"])
def test_each_graph_has_the_hyper_dirichlet_likelihood(label: str) -> None:
    data = madigan_york()
    graph = next(g for g in decomposable_graphs(3) if g.label(data.lists) == label)
    prior = negative_binomial(13.14, 55.17)
    result = average(data, missing_min=0, missing_max=400, delta=0.7, prior=prior)
    expected = np.array([_log_likelihood(data, graph, m, 0.7) for m in result.missing]) + prior.log(
        result.totals
    )
    expected = np.exp(expected - expected.max())
    expected /= expected.sum()
    assert np.allclose(result.given(graph).probabilities, expected, rtol=1e-9, atol=1e-14)


def test_its_probabilities_add_up() -> None:
    data = madigan_york()
    result = average(data)
    assert result.graph_probabilities.sum() == pytest.approx(1.0)
    assert result.posterior.sum() == pytest.approx(1.0)
    mixed = sum(
        p * result.given(g).probabilities
        for g, p in zip(result.graphs, result.graph_probabilities, strict=True)
    )
    assert np.allclose(mixed, result.posterior, atol=1e-12)


def test_it_gives_the_same_answer_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    data = table("western.csv")
    whole = average(data, missing_max=500)
    monkeypatch.setattr(bma, "BLOCK", 5000)  # ten graphs a block
    blocks = average(data, missing_max=500)
    assert np.allclose(whole.posterior, blocks.posterior, rtol=1e-12, atol=0)
    assert np.allclose(whole.graph_probabilities, blocks.graph_probabilities, rtol=1e-12, atol=0)


@pytest.mark.parametrize("width", [4, 5])
def test_it_averages_four_and_five_lists_quickly(width: int) -> None:
    data = table("new_orleans_5.csv")
    if width == 4:
        data = data.merge(["D", "H"], "DH")
    started = time.perf_counter()
    result = average(data)
    elapsed = time.perf_counter() - started
    assert elapsed < 10
    assert len(result.graphs) == {4: 61, 5: 822}[width]
    assert result.graph_probabilities.sum() == pytest.approx(1.0)
    assert result.posterior.sum() == pytest.approx(1.0)
    low, high = result.interval(0.95)
    assert data.observed < low < result.median < high


def test_it_refuses_more_than_five_lists_in_plain_words() -> None:
    data = table("new_orleans_185.csv")
    with pytest.raises(UnsupportedLists, match="3 to 5 lists; this table has 8") as raised:
        average(data)
    assert isinstance(raised.value, ValueError)
    assert "Merge related lists" in str(raised.value)


def test_its_default_prior_is_one_over_n_as_in_dga() -> None:
    data = madigan_york()
    default = average(data, missing_max=2000)
    assert default.prior is RECIPROCAL
    assert default.delta == pytest.approx(1 / 8)
    explicit = average(
        data, missing_max=2000, delta=1 / 8, prior=Prior("1/N", lambda n: -np.log(n))
    )
    assert np.allclose(default.posterior, explicit.posterior)
    flat = average(data, missing_max=2000, prior=Prior("flat", lambda n: np.zeros(len(n))))
    assert flat.mean > default.mean


def test_its_negative_binomial_prior_is_a_distribution() -> None:
    totals = np.arange(0, 20_000)
    probabilities = np.exp(negative_binomial(13.14, 55.17).log(totals))
    assert probabilities.sum() == pytest.approx(1.0)
    assert np.dot(totals, probabilities) == pytest.approx(13.14 * 55.17)


def test_it_widens_its_default_range_until_the_tail_fits() -> None:
    data = table("new_orleans_5.csv")
    result = average(data)
    assert result.missing[-1] > 5 * data.observed
    assert result.edge_mass <= EDGE_TOLERANCE
    short = average(data, missing_max=2 * data.observed)
    assert short.edge_mass > EDGE_TOLERANCE
    assert any("range is too small" in str(line) for line in describe_averaged(data, short))


def test_its_summaries_are_those_of_the_posterior() -> None:
    even = Distribution(np.array([1, 2]), np.array([0.5, 0.5]))
    assert even.mean == pytest.approx(1.5)
    assert even.bayes_estimate == pytest.approx(0.75 / 0.625)
    skewed = Distribution(np.arange(10, 20), np.array([1, 2, 4, 8, 20, 30, 20, 8, 4, 3]) / 100)
    assert skewed.mode == 15
    assert skewed.median == 15
    assert skewed.interval(0.9) == (12, 18)
    with pytest.raises(ValueError, match="between 0 and 1"):
        skewed.interval(95)


def test_it_explains_the_estimate_and_warns_when_no_model_convinces() -> None:
    data, result = reference_run()
    text = "\n".join(str(line) for line in describe_averaged(data, result))
    assert "all 8 decomposable graphical models" in text
    assert f"Estimated total (posterior median): {result.median}" in text
    assert "negative binomial, a = 13.14, b = 55.17" in text
    assert "A:B: 0.37" in text
    assert "What this means:" in text
    assert "No model is convincing (the most probable has 37%)" in text
    korea = table("korea.csv")
    assert "No model is convincing" not in "\n".join(
        str(line) for line in describe_averaged(korea, average(korea))
    )
