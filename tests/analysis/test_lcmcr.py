"""The latent-class model (LCMCR) draws from the right posterior, reproducibly,
reports its progress, stops when told, and refuses what it cannot fit.

The Gibbs sampler is checked twice against answers found another way: with
one class the model is model Mt with uniform capture probabilities and
p(N) proportional to 1/N, whose posterior is a sum over N; with several,
against a sampler written person by person straight from Manrique-Vallier
(2016), which shares no code with the compiled one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numba import njit
from scipy import stats
from scipy.special import gammaln

from safepassage.analysis.mse import lcmcr, lcmcr_kernel
from safepassage.analysis.mse.diagnostics import effective_sample_size, rhat
from safepassage.analysis.mse.lcmcr import (
    Chain,
    LatentClassError,
    LatentClassResult,
    compile_sampler,
    sample,
    simulate,
)
from safepassage.analysis.mse.lcmcr_report import (
    describe_latent,
    misfit,
    publishable,
    verdicts_for,
    warnings_for,
)
from safepassage.analysis.mse.tables import CaptureTable, read_patterns

QUANTILES = [0.025, 0.5, 0.975]


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    compile_sampler()


def one_class_table() -> CaptureTable:
    """Three lists, one class: about 170 people found of 300."""
    return simulate(300, [[0.2, 0.25, 0.3]], [1.0], seed=4)


def two_class_table() -> CaptureTable:
    """Five lists, a hard-to-find class (70 %) and an easy one."""
    return simulate(
        400, [[0.1, 0.15, 0.2, 0.1, 0.15], [0.5, 0.6, 0.5, 0.55, 0.6]], [0.7, 0.3], seed=3
    )


def model_mt_posterior(table: CaptureTable, top: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """p(N | data) for N = n..top: (1/N) N!/(N-n)! prod_j B(n_j + 1, N - n_j + 1)."""
    n = table.observed
    totals = np.arange(n, top + 1)
    size = totals.astype(float)
    log_p = -np.log(size) + gammaln(size + 1) - gammaln(size - n + 1)
    for j in range(len(table.lists)):
        on = sum(count for pattern, count in table.counts.items() if pattern[j])
        log_p += gammaln(on + 1) + gammaln(size - on + 1) - gammaln(size + 2)
    p = np.exp(log_p - log_p.max())
    return totals, p / p.sum()


def person_by_person(
    table: CaptureTable, classes: int, iterations: int, burn_in: int, seed: int
) -> np.ndarray:
    """Draws of N from a plain per-person Gibbs sampler of the same model."""
    rng = np.random.default_rng(seed)
    x = np.array([p for p, c in table.counts.items() for _ in range(c)], dtype=float)
    n, lists = x.shape
    lam = rng.uniform(0.2, 0.5, (lists, classes))
    pi = np.full(classes, 1.0 / classes)
    alpha = 1.0
    z_missing = np.zeros(0, dtype=np.int64)
    totals = np.empty(iterations, dtype=np.int64)
    for step in range(burn_in + iterations):
        log_p = np.log(pi) + x @ np.log(lam) + (1 - x) @ np.log1p(-lam)
        p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        z = np.minimum((rng.random((n, 1)) > np.cumsum(p, axis=1)).sum(axis=1), classes - 1)
        size = np.bincount(z, minlength=classes) + np.bincount(z_missing, minlength=classes)
        on = np.stack([np.bincount(z, weights=x[:, j], minlength=classes) for j in range(lists)])
        lam = rng.beta(1 + on, 1 + size - on)
        later = np.cumsum(size[::-1])[::-1]
        v = np.append(rng.beta(1 + size[:-1], alpha + later[1:]), 1.0)
        pi = np.maximum(v * np.concatenate([[1.0], np.cumprod(1 - v[:-1])]), 1e-300)
        zero = pi * np.prod(1 - lam, axis=0)
        n0 = rng.negative_binomial(n, 1 - zero.sum())
        z_missing = rng.choice(classes, size=n0, p=zero / zero.sum())
        alpha = rng.gamma(0.25 + classes - 1, 1 / (0.25 - np.log(pi[-1])))
        if step >= burn_in:
            totals[step - burn_in] = n + n0
    return totals


def test_with_one_class_it_matches_the_exact_posterior_of_model_mt() -> None:
    table = one_class_table()
    totals, p = model_mt_posterior(table)
    cdf = np.cumsum(p)
    exact = [totals[np.searchsorted(cdf, q)] for q in QUANTILES]
    mean = float((totals * p).sum())
    sd = float(np.sqrt(((totals - mean) ** 2 * p).sum()))

    result = sample(table, classes=1, burn_in=1000, samples=40_000, thinning=2, seed=11)
    draws = np.sort(result.totals)
    drawn = np.quantile(draws, QUANTILES, method="inverted_cdf")
    assert drawn == pytest.approx(exact, rel=0.01)
    # The whole distribution: a flat prior on N, or a Beta update off by
    # one, moves the cdf by 0.04 here; the sampler's own noise is < 0.01.
    empirical = np.searchsorted(draws, totals, side="right") / draws.size
    assert np.abs(empirical - cdf).max() < 0.02
    # The mean to within four Monte Carlo standard errors.
    assert abs(result.mean - mean) < 4 * sd / np.sqrt(result.ess)


def test_with_several_classes_it_matches_a_plain_person_by_person_sampler() -> None:
    table = two_class_table()
    reference = person_by_person(table, classes=3, iterations=6000, burn_in=1000, seed=5)
    result = sample(table, classes=3, burn_in=2000, samples=20_000, thinning=2, seed=5)
    ours = result.totals
    spread = ours.std()
    error = spread * np.sqrt(1 / effective_sample_size(reference[None, :]) + 1 / result.ess)
    assert abs(ours.mean() - reference.mean()) < 4 * error
    assert np.quantile(ours, QUANTILES) == pytest.approx(
        np.quantile(reference, QUANTILES), rel=0.03
    )


def test_it_finds_a_known_total_with_heterogeneous_capture() -> None:
    table = simulate(2000, [[0.1] * 5, [0.5, 0.6, 0.5, 0.55, 0.6]], [0.6, 0.4], seed=8)
    result = sample(table, classes=10, burn_in=2000, samples=2000, thinning=5, seed=1)
    low, high = result.interval()
    assert low < 2000 < high
    assert result.rhat < 1.1


def test_the_same_seed_gives_the_same_draws() -> None:
    table = two_class_table()
    first = sample(table, classes=5, burn_in=200, samples=500, thinning=2, seed=7)
    again = sample(table, classes=5, burn_in=200, samples=500, thinning=2, seed=7)
    assert first.seed == again.seed == 7
    for one, other in zip(first.chains, again.chains, strict=True):
        assert np.array_equal(one.totals, other.totals)
        assert np.array_equal(one.alphas, other.alphas)
    assert not np.array_equal(first.chains[0].totals, first.chains[1].totals)


def test_other_seeds_give_the_same_posterior() -> None:
    table = two_class_table()
    runs = [
        sample(table, classes=5, burn_in=1000, samples=5000, thinning=2, seed=seed)
        for seed in (1, 2)
    ]
    assert not np.array_equal(runs[0].totals, runs[1].totals)
    assert runs[0].median == pytest.approx(runs[1].median, rel=0.02)
    assert runs[0].interval() == pytest.approx(runs[1].interval(), rel=0.03)


def test_without_a_seed_it_draws_one_and_records_it() -> None:
    table = one_class_table()
    result = sample(table, classes=2, burn_in=0, samples=50, thinning=1, chains=1)
    again = sample(table, classes=2, burn_in=0, samples=50, thinning=1, chains=1, seed=result.seed)
    assert np.array_equal(result.totals, again.totals)


def test_its_summaries_describe_the_pooled_draws() -> None:
    result = sample(one_class_table(), classes=2, burn_in=100, samples=400, thinning=1, seed=3)
    assert result.totals.size == 800
    assert len(result.chains) == 2
    assert result.median == np.median(result.totals)
    assert result.mean == pytest.approx(result.totals.mean())
    low, high = result.interval(0.9)
    assert (low, high) == tuple(np.quantile(result.totals, [0.05, 0.95]))
    assert result.interval(0.5)[0] >= low
    assert result.seconds > 0
    assert all(chain.occupied.min() >= 1 for chain in result.chains)


def test_progress_changes_nothing_in_the_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    table = two_class_table()

    def run(progress: Callable[[float], None] | None = None) -> LatentClassResult:
        return sample(
            table, classes=5, burn_in=300, samples=300, thinning=3, seed=9, progress=progress
        )

    plain = run()
    # Many short blocks: the chains stop and start again between each.
    monkeypatch.setattr(lcmcr, "FIRST_BLOCK", 37)
    monkeypatch.setattr(lcmcr, "BLOCK_SECONDS", 0.0)
    monkeypatch.setattr(lcmcr, "REPORT_SECONDS", 0.001)
    heard: list[float] = []
    watched = run(heard.append)
    for one, other in zip(plain.chains, watched.chains, strict=True):
        assert np.array_equal(one.totals, other.totals)
        assert np.array_equal(one.alphas, other.alphas)
        assert np.array_equal(one.occupied, other.occupied)
    assert heard[0] == 0.0
    assert heard[-1] == 1.0
    assert heard == sorted(heard)


def test_progress_is_reported_from_the_calling_thread_while_the_chains_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lcmcr, "REPORT_SECONDS", 0.01)
    heard: list[tuple[int, float]] = []
    sample(
        two_class_table(),
        classes=3,
        burn_in=60_000,
        samples=200,
        thinning=5,
        seed=1,
        progress=lambda done: heard.append((threading.get_ident(), done)),
    )
    assert {thread for thread, _ in heard} == {threading.get_ident()}
    fractions = [done for _, done in heard]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert len([done for done in fractions if 0 < done < 1]) >= 5


class Cancelled(Exception):
    pass


def test_an_exception_from_progress_stops_the_chains_and_propagates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lcmcr, "FIRST_BLOCK", 50)
    monkeypatch.setattr(lcmcr, "BLOCK_SECONDS", 0.0)
    monkeypatch.setattr(lcmcr, "REPORT_SECONDS", 0.001)
    heard: list[float] = []

    def cancel(done: float) -> None:
        heard.append(done)
        if done > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        # Ten million iterations: minutes, were they not stopped.
        sample(two_class_table(), burn_in=10_000_000, samples=10, seed=1, progress=cancel)
    assert 0 < heard[-1] < 0.01


def test_effective_sample_size_of_independent_draws_is_their_number() -> None:
    rng = np.random.default_rng(0)
    draws = rng.normal(size=(2, 2000))
    assert effective_sample_size(draws) == pytest.approx(4000, rel=0.1)
    correlated = np.cumsum(rng.normal(size=(2, 2000)), axis=1)
    assert effective_sample_size(correlated) < 100


def test_rhat_tells_chains_that_disagree() -> None:
    rng = np.random.default_rng(1)
    same = rng.normal(size=(2, 1000))
    assert rhat(same) == pytest.approx(1.0, abs=0.01)
    apart = same + np.array([[0.0], [1.0]])
    assert rhat(apart) > 1.1
    # One chain that drifts: its halves disagree.
    assert rhat(np.linspace(0, 5, 1000)[None, :] + same[:1]) > 1.1


def test_it_refuses_fewer_than_three_lists() -> None:
    table = CaptureTable(("A", "B"), {(1, 0): 5, (0, 1): 4, (1, 1): 2})
    with pytest.raises(LatentClassError, match="at least three lists"):
        sample(table)


def test_it_refuses_an_empty_table() -> None:
    with pytest.raises(LatentClassError, match="no one is on any list"):
        sample(CaptureTable(("A", "B", "C"), {(1, 0, 0): 0}))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("classes", 0, "classes must be at least 1"),
        ("classes", 2.5, "classes must be a whole number"),
        ("burn_in", -1, "burn_in must be at least 0"),
        ("samples", 3, "samples must be at least 4"),
        ("thinning", 0, "thinning must be at least 1"),
        ("chains", 0, "chains must be at least 1"),
        ("chains", True, "chains must be a whole number"),
        ("a_alpha", 0.0, "Gamma prior of alpha"),
        ("b_alpha", float("inf"), "Gamma prior of alpha"),
        ("b_alpha", float("nan"), "Gamma prior of alpha"),
        ("seed", -1, "seed must be a whole number"),
        ("seed", 1.5, "seed must be a whole number"),
    ],
)
def test_it_refuses_bad_settings_in_plain_words(setting: str, value: object, message: str) -> None:
    with pytest.raises(LatentClassError, match=message):
        sample(one_class_table(), **{setting: value})  # type: ignore[arg-type]


def test_simulate_finds_people_at_the_rate_the_classes_imply() -> None:
    inclusion = [[0.1, 0.2, 0.1, 0.3], [0.6, 0.5, 0.7, 0.4]]
    weights = [0.75, 0.25]
    table = simulate(20_000, inclusion, weights, seed=2)
    probs = np.array(inclusion)
    seen = float(np.dot(weights, 1 - np.prod(1 - probs, axis=1)))
    expected = 20_000 * seen
    assert abs(table.observed - expected) < 4 * np.sqrt(20_000 * seen * (1 - seen))
    on_list = [sum(c for p, c in table.counts.items() if p[j]) for j in range(4)]
    assert on_list == pytest.approx(20_000 * np.dot(weights, probs), rel=0.05)
    everywhere = table.count((1, 1, 1, 1))
    assert everywhere == pytest.approx(20_000 * np.dot(weights, probs.prod(axis=1)), rel=0.15)
    assert table.lists == ("L1", "L2", "L3", "L4")
    assert all(any(pattern) for pattern in table.counts)
    assert simulate(500, inclusion, weights, seed=2) == simulate(500, inclusion, weights, seed=2)


@pytest.mark.parametrize(
    ("total", "inclusion", "weights"),
    [
        (100, [[0.1, 0.2, 1.2]], [1.0]),
        (100, [[0.1, 0.2, -0.1]], [1.0]),
        (100, [[0.1, 0.2, 0.3]], [0.5, 0.5]),
        (100, [0.1, 0.2, 0.3], [1.0]),
        (100, [[0.1, 0.2, 0.3]], [-1.0]),
        (100, [[0.1, 0.2, 0.3]], [0.0]),
        (100, [[0.1, 0.2, float("nan")]], [1.0]),
        (-5, [[0.1, 0.2, 0.3]], [1.0]),
        (100, [[0.1]], [1.0]),
    ],
)
def test_simulate_refuses_impossible_populations(
    total: int, inclusion: list[list[float]], weights: list[float]
) -> None:
    with pytest.raises(LatentClassError):
        simulate(total, inclusion, weights, seed=1)


@njit
def _binomials(rng: np.random.Generator, n: int, p: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = lcmcr_kernel.binomial(rng, n, p)
    return out


@pytest.mark.parametrize(
    ("n", "p"), [(7, 0.3), (40, 0.2), (60, 0.5), (500, 0.97), (5000, 0.01), (10**6, 0.4)]
)
def test_its_binomial_draws_follow_the_binomial_distribution(n: int, p: float) -> None:
    draws = _binomials(np.random.default_rng(n), n, p, 100_000)
    low, high = stats.binom.ppf([1e-3, 1 - 1e-3], n, p).astype(int)
    edges = np.unique(np.linspace(low, high + 1, 25).astype(int))
    observed = np.histogram(draws, bins=np.r_[-np.inf, edges[1:-1], np.inf])[0]
    cdf = stats.binom.cdf(edges[1:-1] - 1, n, p)
    expected = np.diff(np.r_[0.0, cdf, 1.0]) * draws.size
    assert stats.chisquare(observed, expected).pvalue > 1e-4
    assert draws.min() >= 0
    assert draws.max() <= n


@pytest.mark.parametrize("people", [7, 500])
def test_its_multinomial_draws_have_the_right_means(people: int) -> None:
    # Few people are drawn one by one, many as binomials, largest class first.
    weights = np.array([0.5, 3.0, 0.0, 1.5, 0.02, 1.0])
    share = weights / weights.sum()
    size = weights.size
    order, tail = np.zeros(size, dtype=np.int64), np.zeros(size)
    out = np.zeros(size, dtype=np.int64)
    rng = np.random.default_rng(people)
    draws = np.empty((20_000, size), dtype=np.int64)
    for i in range(draws.shape[0]):
        lcmcr_kernel.multinomial(rng, people, weights, size, weights.sum(), order, tail, out)
        draws[i] = out
    assert (draws.sum(axis=1) == people).all()
    assert (draws[:, 2] == 0).all()
    error = np.sqrt(people * share * (1 - share) / draws.shape[0])
    assert np.abs(draws.mean(axis=0) - people * share).max() < 5 * error.max()


def test_its_stick_breaking_weights_have_the_right_means() -> None:
    in_class = np.array([50, 20, 0, 5, 0], dtype=np.int64)
    alpha = 0.7
    later = in_class[::-1].cumsum()[::-1]
    a, b = 1.0 + in_class[:-1], alpha + later[1:]
    stick = a / (a + b)  # E[V_k]; the V_k are independent
    expected = np.append(stick, 1.0) * np.concatenate([[1.0], np.cumprod(1 - stick)])
    rng = np.random.default_rng(0)
    log_nu = np.zeros(in_class.size)
    draws = np.empty((20_000, in_class.size))
    for i in range(draws.shape[0]):
        lcmcr_kernel.draw_weights(rng, in_class, alpha, log_nu)
        draws[i] = np.exp(log_nu)
    assert draws.sum(axis=1) == pytest.approx(1.0)
    error = draws.std(axis=0) / np.sqrt(draws.shape[0])
    assert np.abs(draws.mean(axis=0) - expected).max() < 5 * error.max()


def test_its_concentration_draws_follow_their_gamma_posterior() -> None:
    log_nu = np.log(np.array([0.6, 0.3, 0.09, 0.01]))
    rng = np.random.default_rng(0)
    draws = [lcmcr_kernel.draw_concentration(rng, log_nu, 0.25, 0.25) for _ in range(20_000)]
    shape, rate = 0.25 + 4 - 1, 0.25 - log_nu[-1]
    assert stats.kstest(draws, stats.gamma(shape, scale=1 / rate).cdf).pvalue > 1e-3


def test_it_explains_the_estimate_and_warns_about_few_lists() -> None:
    table = one_class_table()
    result = sample(table, classes=3, burn_in=100, samples=200, thinning=1, seed=2)
    lines = describe_latent(table, result)
    text = "\n".join(str(line) for line in lines)
    assert "Estimated total (posterior median)" in text
    assert f"seed {result.seed}" in text
    assert any("Only 3 lists" in str(note) for note in warnings_for(result))


def test_it_caps_the_number_missing_at_twenty_times_the_number_observed_as_lcmcr() -> None:
    # Nobody on two lists: the data put no bound on N. LCMCR draws the number
    # missing again while above 20 n; without the cap the chain drifted off.
    table = CaptureTable(
        tuple("ABCDE"), {tuple(int(i == j) for i in range(5)): 20 for j in range(5)}
    )
    result = sample(table, classes=5, burn_in=2000, samples=1000, thinning=10, seed=3)
    assert result.totals.max() <= 21 * table.observed
    assert result.capped
    text = "\n".join(str(line) for line in describe_latent(table, result))
    assert "held by the sampler's limit" in text
    assert "Do not publish this figure." in text


def test_it_runs_on_until_the_chains_converge() -> None:
    table = two_class_table()
    short = sample(table, classes=5, burn_in=0, samples=40, thinning=1, seed=2)
    assert not short.converged
    result = sample(table, classes=5, burn_in=0, samples=40, thinning=1, seed=2, converge=True)
    assert result.converged
    assert result.rounds > 0
    assert result.rhat <= lcmcr.TARGET_RHAT
    assert result.ess >= lcmcr.TARGET_ESS
    # Draws enough for an effective sample size of 400 over two chains.
    assert result.samples == 400
    assert result.burn_in + lcmcr.WARM_UP + 400 * result.thinning == result.iterations


def test_it_says_not_converged_do_not_publish_when_the_budget_runs_out() -> None:
    table = two_class_table()
    result = sample(
        table, classes=5, burn_in=0, samples=40, thinning=1, seed=2, converge=True,
        max_iterations=700,
    )  # fmt: skip
    assert not result.converged
    lines = [str(line) for line in describe_latent(table, result)]
    assert lines[2].startswith("Warning: NOT CONVERGED, DO NOT PUBLISH: after 940 iterations")


def test_a_run_goes_on_from_where_another_stopped() -> None:
    table = two_class_table()
    first = sample(table, classes=5, burn_in=2000, samples=500, thinning=10, seed=4)
    again = sample(
        table, classes=5, burn_in=200, samples=500, thinning=10, seed=5, start=first.states
    )
    assert again.iterations == 200 + 500 * 10  # no warm-up
    low, high = first.interval()
    assert low < again.median < high
    with pytest.raises(LatentClassError, match="as many chains, lists and classes"):
        sample(table, classes=4, burn_in=10, samples=10, thinning=1, seed=5, start=first.states)


def _result_of(chains: list[np.ndarray]) -> LatentClassResult:
    """A run whose chains drew these totals."""
    size = len(chains[0])
    return LatentClassResult(
        lists=tuple("ABCDE"),
        observed=1000,
        classes=10,
        burn_in=0,
        samples=size,
        thinning=1,
        seed=0,
        chains=tuple(
            Chain(i, totals, np.zeros(size), np.ones(size, dtype=np.int64), np.zeros(size))
            for i, totals in enumerate(chains)
        ),
        seconds=0.0,
        iterations=size,
    )


def test_its_verdict_follows_the_effective_sample_size_even_where_the_chains_agree() -> None:
    # Two chains that agree (R-hat near 1) but whose draws move slowly, as on
    # the Kosovo table at LCMCR's usual lengths: worth about 200 independent
    # draws, so not converged and not to be published.
    rng = np.random.default_rng(5)
    slow = []
    for _chain in range(2):
        walk = np.zeros(2000)
        for i in range(1, walk.size):
            walk[i] = 0.9 * walk[i - 1] + rng.normal()
        slow.append(np.round(2000 + 100 * walk))
    result = _result_of(slow)
    assert result.rhat <= lcmcr.TARGET_RHAT
    assert 100 < result.ess < lcmcr.TARGET_ESS
    assert not result.converged
    assert not publishable(result)
    notes = [str(note) for note in verdicts_for(result)]
    assert notes[0].startswith("NOT CONVERGED, DO NOT PUBLISH")
    # The same spread drawn independently is worth its 4,000 draws: converged.
    steady = _result_of([np.round(2000 + 230 * rng.normal(size=2000)) for _ in range(2)])
    assert steady.ess > lcmcr.TARGET_ESS
    assert steady.converged
    assert verdicts_for(steady) == []


def pairs_only_table() -> CaptureTable:
    """Eight lists, everyone on exactly two of them, 30 people on each of the
    28 pairs: no mixture of ten classes of people listed independently
    gives every pair and no one on one list or on three."""
    lists = 8
    counts = {
        tuple(int(i in (a, b)) for i in range(lists)): 30
        for a in range(lists)
        for b in range(a + 1, lists)
    }
    return CaptureTable(tuple(f"L{i}" for i in range(lists)), counts)


def test_its_check_of_fit_flags_a_table_the_model_cannot_describe() -> None:
    table = pairs_only_table()
    result = sample(table, classes=10, burn_in=2000, samples=500, thinning=4, seed=1)
    assert result.fit is not None
    assert result.fit.observed == (0, 840, 0, 0, 0, 0, 0, 0)
    assert result.fit.p_value < 0.05
    assert not publishable(result)
    text = "\n".join(str(line) for line in verdicts_for(result))
    assert "THE MODEL DOES NOT FIT THE LISTS, DO NOT PUBLISH" in text


def test_its_check_of_fit_passes_a_table_drawn_from_the_model() -> None:
    result = sample(two_class_table(), classes=10, burn_in=2000, samples=500, thinning=4, seed=1)
    assert result.fit is not None
    assert result.fit.p_value > 0.2
    assert not misfit(result)
    lines = [str(line) for line in describe_latent(two_class_table(), result)]
    assert any(line.startswith("Check of fit") for line in lines)
    assert not any("DOES NOT FIT" in line for line in lines)


def test_its_check_of_fit_expects_what_a_mixture_of_classes_implies() -> None:
    # One class, each list with chance 0.5 on three lists: of N people, N * 3/8
    # on one list, N * 3/8 on two, N / 8 on three.
    ratio = np.ones((3, 2))
    log_nu = np.log(np.array([1.0, 1e-320]))
    out = np.zeros(3)
    lcmcr_kernel.expected_spread(ratio, log_nu, 800, out)
    assert out == pytest.approx([300.0, 300.0, 100.0])


def test_the_same_seed_gives_the_same_check_of_fit() -> None:
    table = two_class_table()
    runs = [
        sample(table, classes=5, burn_in=500, samples=200, thinning=2, seed=4) for _ in range(2)
    ]
    assert runs[0].fit == runs[1].fit


BUNTING = Path(__file__).resolve().parents[2] / "bench" / "data" / "mse" / "bunting.csv"


def test_a_chain_started_far_shows_a_far_mode_that_the_usual_start_misses() -> None:
    # Bunting (eight lists): a second mode near the sampler's cap, which two
    # chains from LCMCR's start can both miss (this seed does) and say
    # "converged" with an upper end near 8,700.
    table = read_patterns(BUNTING)
    length = {"classes": 10, "burn_in": 10_000, "samples": 1000, "thinning": 10, "seed": 2}
    usual = sample(table, **length)
    assert usual.rhat <= lcmcr.TARGET_RHAT
    assert usual.interval()[1] < 10_000
    dispersed = sample(table, dispersed=True, **length)
    assert dispersed.dispersed
    assert dispersed.rhat > lcmcr.TARGET_RHAT
    assert not publishable(dispersed)
    text = "\n".join(str(line) for line in verdicts_for(dispersed))
    assert text.startswith("NOT CONVERGED, DO NOT PUBLISH")
    assert "stayed far above the other" in text
