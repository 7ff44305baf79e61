"""Log-linear multiple systems estimation reproduces published figures
(../data/mse/README.md gives the sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safepassage.analysis.mse.loglinear import (
    NO_ESTIMATE,
    NOT_IDENTIFIABLE,
    OK,
    EstimateUnavailable,
    Model,
    check,
    fit,
    hierarchical_models,
    select_by_bic,
)
from safepassage.analysis.mse.tables import TableError, read_histories, read_patterns

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def table(name: str):  # type: ignore[no-untyped-def]
    return read_patterns(DATA / name)


@pytest.mark.parametrize(
    ("name", "model", "published"),
    [
        ("new_orleans_185.csv", "main", 997),
        ("new_orleans_185.csv", "D:E", 1184),
        ("new_orleans_5.csv", "main", 1034),
        ("western.csv", "A:E", 2483),
    ],
)
def test_published_point_estimates(name: str, model: str, published: int) -> None:
    data = table(name)
    result = fit(data, Model.parse(model, data.lists))
    assert round(result.total) == published


def test_the_new_orleans_table_of_multiple_systems_estimation() -> None:
    data = table("new_orleans_186.csv")
    result = fit(data, Model.parse("D:E", data.lists))
    assert result.total == pytest.approx(1110.49, abs=0.01)


@pytest.mark.parametrize(("model", "published"), [("[12,23]", 157.17), ("[12,3]", 268.78)])
def test_korea(model: str, published: float) -> None:
    data = table("korea.csv")
    assert fit(data, Model.parse(model, data.lists)).total == pytest.approx(published, abs=0.01)


def test_bic_chooses_the_published_best_model_for_korea() -> None:
    data = table("korea.csv")
    selection = select_by_bic(data)
    assert selection.best.model == Model.parse("[12,23]", data.lists)
    assert selection.best.total == pytest.approx(157.17, abs=0.01)
    assert len(selection.fits) + selection.skipped == 8


@pytest.mark.parametrize(
    ("model", "code"),
    [("[12,13,23]", NOT_IDENTIFIABLE), ("[12,3]", NO_ESTIMATE), ("[13,23,1,2]", OK)],
)
def test_sparse_tables_are_checked_before_fitting(model: str, code: int) -> None:
    data = table("artificial_3.csv")
    assert check(data, Model.parse(model, data.lists)).code == code


def test_a_model_without_an_estimate_says_so() -> None:
    data = table("artificial_3.csv")
    with pytest.raises(EstimateUnavailable, match="no finite estimate"):
        fit(data, Model.parse("[12,3]", data.lists))
    with pytest.raises(EstimateUnavailable, match="do not determine"):
        fit(data, Model.parse("[12,13,23]", data.lists))
    assert fit(data, Model.parse("[13,23,1,2]", data.lists)).total > data.observed


def test_hierarchical_models_are_counted_right() -> None:
    assert len(hierarchical_models(3)) == 8
    assert len(hierarchical_models(4)) == 113  # down-sets below the saturated model


def test_individual_histories_become_a_table() -> None:
    data = read_histories(DATA / "hare_histories.csv")
    assert data.observed == 68
    assert len(data.lists) == 6


def test_heterogeneity_mth_poisson2_reproduces_rcapture() -> None:
    data = read_histories(DATA / "hare_histories.csv")
    model = Model.parse("main", data.lists).with_heterogeneity("poisson2")
    assert fit(data, model).total == pytest.approx(81.1, abs=0.05)


def test_bad_tables_are_explained() -> None:
    with pytest.raises(TableError, match="row 2: list columns hold 0 or 1"):
        read_patterns("A,B,n\n2,0,4\n")
    with pytest.raises(TableError, match="row 2: 'x' is not a number"):
        read_patterns("A,B,n\n1,0,x\n")
    with pytest.raises(TableError, match="at least two lists"):
        read_patterns("A,n\n1,4\n")


def test_the_command_explains_the_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("analysis", "estimate", str(DATA / "korea.csv"), "--method", "loglinear")
    out = capsys.readouterr().out
    assert "Estimated total: 157.2" in out
    assert "lowest BIC of" in out
    assert "What this means:" in out
    call_command("analysis", "estimate", str(DATA / "new_orleans_185.csv"), "--model", "D:E")
    assert "Estimated total: 1183.7" in capsys.readouterr().out


def test_the_command_gives_an_interval(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command(
        "analysis", "estimate", str(DATA / "korea.csv"), "--method", "loglinear",
        "--interval", "200", "--seed", "3",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "95% interval (BCa bootstrap, 200 draws):" in out
    call_command(
        "analysis", "estimate", str(DATA / "western.csv"), "--stepwise", "--interval", "20"
    )
    out = capsys.readouterr().out
    assert "Estimated total: 2483.4" in out
    assert "95% interval (BCa bootstrap, 20 resamples, stepwise choice repeated in each):" in out


def test_the_command_refuses_clearly(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no finite estimate"):
        call_command("analysis", "estimate", str(DATA / "artificial_3.csv"), "--model", "[12,3]")
    eleven = tmp_path / "eleven.csv"
    eleven.write_text("".join(f"L{i}," for i in range(11)) + "count\n" + "1," * 11 + "5\n")
    with pytest.raises(CommandError, match="possible patterns of 11 lists"):
        call_command("analysis", "estimate", str(eleven), "--method", "loglinear")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("analysis", "estimate", str(DATA / "missing.csv"))


def test_stepwise_choice_finds_the_published_model() -> None:
    from safepassage.analysis.mse.loglinear import stepwise

    data = table("new_orleans_185.csv")
    chosen = stepwise(data)
    assert chosen.model == Model.parse("D:E", data.lists)
    assert round(chosen.total) == 1184
    # SparseMSE's Poisson p-values choose A:E alone here (a likelihood-ratio
    # test would add A:B as well, and estimate 2175).
    western = table("western.csv")
    chosen = stepwise(western)
    assert chosen.model == Model.parse("A:E", western.lists)
    assert round(chosen.total) == 2483


def test_bca_interval_is_close_to_the_published_one() -> None:
    from safepassage.analysis.mse.intervals import bca

    data = table("new_orleans_185.csv")
    model = Model.parse("main", data.lists)
    interval = bca(data, lambda t: fit(t, model), resamples=400, seed=11)
    assert round(interval.estimate) == 997
    # Published: BCa 95% (644, 1618), Chan, Silverman & Vincent 2021.
    assert interval.low == pytest.approx(644, rel=0.10)
    assert interval.high == pytest.approx(1618, rel=0.10)
    assert interval.failed == 0
