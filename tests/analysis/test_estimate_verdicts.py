"""Estimates hold up or say plainly why not: nothing crashes on 2 to 25
lists, no interval ends in NaN, one model-choice rule for the command line
and the pages, the first figure from the most robust method with the
others beside it, thresholds without an estimate say so, and a linkage too
uncertain to count from is flagged in plain words."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from safepassage.analysis.estimating import Plan, estimate, estimate_table
from safepassage.analysis.methods import choose_loglinear, primary_method
from safepassage.analysis.mse.lcmcr import simulate
from safepassage.analysis.mse.tables import CaptureTable, read_patterns
from safepassage.analysis.wording import render_all

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
# Short latent-class runs for the tests (the figures are not under test).
QUICK = ["--burn-in", "200", "--samples", "100", "--thinning", "2", "--max-iterations", "2000"]


def _write(table: CaptureTable, path: Path) -> Path:
    rows = [",".join(table.lists) + ",count"]
    rows += [",".join(map(str, p)) + f",{n}" for p, n in sorted(table.counts.items())]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _estimate(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("analysis", "estimate", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_refuses_log_linear_models_of_twenty_lists_instead_of_running_out_of_memory(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(2)
    inclusion = [list(rng.uniform(0.05, 0.3, 20)), list(rng.uniform(0.3, 0.6, 20))]
    path = _write(simulate(900, inclusion, [0.7, 0.3], seed=20), tmp_path / "twenty.csv")
    for args in (["--stepwise"], ["--model", "main"], ["--method", "loglinear"]):
        with pytest.raises(CommandError, match="1048575 possible patterns of 20 lists"):
            _estimate(path, *args)


def test_it_never_crashes_nor_warns_on_tables_of_two_to_twenty_five_lists(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    refusals: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for width in (2, 3, 4, 5, 9, 11, 25):
            inclusion = [list(rng.uniform(0.05, 0.3, width)), list(rng.uniform(0.3, 0.6, width))]
            names = tuple(f"L{i}" for i in range(width))
            alone = {tuple(int(i == j) for i in range(width)): 4 for j in range(width)}
            tables = {
                "drawn": simulate(600, inclusion, [0.7, 0.3], seed=width),
                "alone": CaptureTable(names, alone),
                "all": CaptureTable(names, {tuple([1] * width): 3}),
            }
            for name, table in tables.items():
                path = _write(table, tmp_path / f"{name}{width}.csv")
                for args in ([], ["--stepwise"], ["--method", "loglinear", "--interval", "20"]):
                    try:
                        text = _estimate(path, *args, *QUICK)
                    except CommandError as refusal:
                        refusals.append(str(refusal))
                        continue
                    assert "nan" not in text.lower().replace("finance", "")
                    assert "Estimated total" in text
    assert all(refusals), "a refusal says why"
    assert any("possible patterns of 25 lists" in refusal for refusal in refusals)


def test_it_says_an_interval_has_no_upper_bound_rather_than_nan(tmp_path: Path) -> None:
    path = tmp_path / "sparse.csv"
    path.write_text(
        "A,B,C,count\n0,0,1,5\n0,1,0,4\n0,1,1,3\n1,0,0,3\n1,0,1,3\n1,1,0,5\n1,1,1,1\n",
        encoding="utf-8",
    )
    text = _estimate(path, "--model", "A:B, A:C, B:C", "--interval", "100", "--seed", "1")
    assert "nan" not in text
    assert "with no upper bound: 52 resamples had no finite estimate" in text


def test_it_gives_an_interval_on_five_lists_with_the_default_model_choice() -> None:
    text = _estimate(DATA / "western.csv", "--method", "loglinear", "--interval", "60")
    assert "Estimated total: 2483.4" in text  # stepwise, as SparseMSE chooses: A:E
    assert "95% interval (BCa bootstrap, 60 draws):" in text


def test_it_chooses_log_linear_models_by_one_rule_at_the_command_line_and_on_the_pages() -> None:
    # Eight lists: the command line refused without --model; the pages chose stepwise.
    data = read_patterns(DATA / "new_orleans_185.csv")
    chosen, _selection = choose_loglinear(data)
    text = _estimate(DATA / "new_orleans_185.csv", "--method", "loglinear")
    assert f"Estimated total: {chosen.total:.1f}" in text
    assert "Estimated total: 1183.7" in text
    page = estimate_table(data, Plan("loglinear"))
    assert page.total == pytest.approx(chosen.total)


def test_its_first_figure_is_the_most_robust_method_with_the_others_beside_it() -> None:
    assert [primary_method(n) for n in (2, 3, 4, 5, 20)] == [
        "loglinear", "bma", "bma", "latent", "latent",
    ]  # fmt: skip
    text = _estimate(DATA / "new_orleans_5.csv", *QUICK)
    assert "First figure: Bayesian latent classes, the most robust method for 5 lists." in text
    assert "Other methods, for comparison (a sensitivity analysis):" in text
    assert "Bayesian model averaging:" in text
    assert "log-linear models:" in text


def _result(
    people: list[tuple[str, ...]],
    *,
    extra: list[list[float]] | None = None,
    strength: float | list[float] = 0.95,
) -> dict:
    """A run's result with these people (each the lists they are on), the
    records of each joined with this match probability (or one per person)."""
    ids, lists, pairs = [], [], []
    for number, on in enumerate(people):
        first = len(ids)
        for name in on:
            if len(ids) > first:
                chance = strength if isinstance(strength, float) else strength[number]
                pairs.append([first, len(ids), chance])
            ids.append(f"r{len(ids)}")
            lists.append(name)
    blank = [""] * len(ids)
    strata = {"place": blank, "period": blank, "act": blank}
    return {"ids": ids, "lists": lists, "pairs": pairs + (extra or []), "strata": strata}


def _people() -> list[tuple[str, ...]]:
    counts = {"A": 30, "B": 30, "C": 30, "AB": 12, "AC": 12, "BC": 12, "ABC": 4}
    return [tuple(on) for on, n in counts.items() for _ in range(n)]


def test_it_never_shows_a_count_of_records_where_no_estimate_was_possible() -> None:
    # At 0.9 nobody is joined: no overlap, no estimate.
    result = _result(_people(), strength=0.8)
    outcome = estimate(result, {}, Plan("loglinear", threshold=0.5))
    assert dict(outcome.thresholds)[0.9] is None
    text = outcome.text()
    assert "0.9: no estimate" in text


def test_it_flags_a_linkage_not_reliable_enough_to_estimate() -> None:
    people = _people()
    # Many pairs across lists left in the review band, undecided.
    rows = sum(len(on) for on in people)
    lists = _result(people)["lists"]
    undecided = [[a, a + 7, 0.5] for a in range(0, rows - 7, 3) if lists[a] != lists[a + 7]][:200]
    result = _result(people, extra=undecided)
    outcome = estimate(result, {}, Plan("loglinear", threshold=0.7))
    assert not outcome.publishable
    text = outcome.text()
    assert text.startswith("Warning: LINKAGE NOT RELIABLE ENOUGH TO ESTIMATE")
    assert "of the scored pairs of records on different lists were left undecided" in text
    stored = outcome.as_dict()
    assert stored["publishable"] is False
    assert "LINKAGE NOT RELIABLE" in render_all(stored["verdicts"])[0]
    # Nobody joined at all: every record alone.
    alone = estimate(_result([("A",)] * 40 + [("B",)] * 40 + [("C",)] * 40), {}, Plan("bma"))
    assert "of the records were joined to no other record" in alone.text()


def test_the_estimate_at_each_threshold_swinging_twofold_is_flagged() -> None:
    counts = {"A": 30, "B": 30, "C": 30, "AB": 24, "AC": 24, "BC": 24, "ABC": 8}
    people = [tuple(on) for on, n in counts.items() for _ in range(n)]
    # Half of those on two lists or more are joined firmly, half only at 0.4.
    strength = [0.95 if number % 2 else 0.4 for number in range(len(people))]
    result = _result(people, strength=strength)
    outcome = estimate(result, {}, Plan("loglinear", threshold=0.5))
    totals = [total for _t, total in outcome.thresholds if total]
    assert max(totals) >= 2 * min(totals)
    assert "the estimate changes by a factor of" in outcome.text()
    assert not outcome.publishable


def test_a_latent_class_figure_not_converged_is_never_shown_without_saying_so(
    tmp_path: Path,
) -> None:
    # Five lists: latent classes give the first figure. A budget too small to
    # reach an effective sample size of 400 (200 draws in all).
    rng = np.random.default_rng(3)
    inclusion = [list(rng.uniform(0.05, 0.2, 5)), list(rng.uniform(0.3, 0.6, 5))]
    table = simulate(800, inclusion, [0.6, 0.4], seed=5)
    short = ["--burn-in", "200", "--samples", "100", "--thinning", "2", "--max-iterations", "700"]
    text = _estimate(_write(table, tmp_path / "five.csv"), *short)
    lines = text.splitlines()
    said = [n for n, line in enumerate(lines) if line.startswith("Warning: NOT CONVERGED")]
    figure = next(n for n, line in enumerate(lines) if line.startswith("Estimated total"))
    # Said before the figure, and again after it.
    assert said[0] < figure < said[-1]
    assert "First figure: Bayesian latent classes" in text
    plan = Plan(burn_in=200, samples=100, thinning=2, max_iterations=700)
    outcome = estimate_table(table, plan)
    assert not outcome.publishable
    stored = outcome.as_dict()
    assert stored["publishable"] is False
    assert render_all(stored["verdicts"])[0].startswith("NOT CONVERGED, DO NOT PUBLISH")


def test_a_latent_class_figure_the_model_does_not_fit_is_flagged_everywhere(
    tmp_path: Path,
) -> None:
    # Eight lists, everyone on exactly two of them, every pair alike: tables
    # drawn from the fitted latent classes never look like that.
    counts = {tuple(int(i in (a, b)) for i in range(8)): 30 for a in range(8) for b in range(a)}
    table = CaptureTable(tuple(f"L{i}" for i in range(8)), counts)
    text = _estimate(_write(table, tmp_path / "pairs.csv"), *QUICK)
    lines = text.splitlines()
    said = [n for n, line in enumerate(lines) if "THE MODEL DOES NOT FIT THE LISTS" in line]
    figure = next(n for n, line in enumerate(lines) if line.startswith("Estimated total"))
    assert said
    assert said[0] < figure
    # Each verdict once before the figure, in order: first that it has not
    # converged (this short run), then that the model does not fit.
    before = [line for line in lines[:figure] if line.startswith("Warning:")]
    assert before[0].startswith("Warning: NOT CONVERGED")
    assert len(before) == len(set(before))
    assert any(line.startswith("Check of fit") for line in lines)
    # The tool's own runs start the second chain far.
    assert any(line.startswith("One chain starts at LCMCR's usual point") for line in lines)
    plan = Plan(burn_in=2000, samples=500, thinning=4, max_iterations=8000)
    stored = estimate_table(table, plan).as_dict()
    assert stored["publishable"] is False
    assert any(
        verdict.startswith("THE MODEL DOES NOT FIT THE LISTS, DO NOT PUBLISH")
        for verdict in render_all(stored["verdicts"])
    )
