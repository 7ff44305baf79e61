"""Estimates from a linkage run: the total with its sampling interval, an
interval that carries the linkage uncertainty too, strata added up, and
the figures at other thresholds."""

from __future__ import annotations

import pytest

from safepassage.analysis.estimates import start_estimate
from safepassage.analysis.estimating import Plan, Unestimable, estimate
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.runs import decisions_for, start_run
from safepassage.jobs.models import JobStatus
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists, run_result
from tests.base import Vault

pytestmark = pytest.mark.django_db


def _run(vault: Vault, lists: StoredLists) -> tuple[LinkageRun, dict]:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        return run, LinkageRun.objects.get(pk=run.pk).result


def test_an_estimate_carries_both_uncertainties(vault: Vault, lists: StoredLists) -> None:
    run, result = _run(vault, lists)
    plan = Plan("loglinear", resamples=60, linkage_draws=40, seed=4, threshold=run.threshold)
    outcome = estimate(result, decisions_for(lists.lists), plan)
    assert outcome.interval is not None
    assert outcome.combined is not None
    assert outcome.linkage_only is not None
    low, high = outcome.interval
    assert low <= outcome.total <= high
    linkage_low, linkage_high = outcome.linkage_only
    assert linkage_low < linkage_high, "different clusterings give different totals"
    combined_low, combined_high = outcome.combined
    assert combined_high - combined_low > 0
    assert [t for t, _ in outcome.thresholds] == [0.3, 0.5, 0.7, 0.9]
    text = outcome.text()
    assert "with the linkage uncertainty too (40 clusterings" in text
    assert "At other match thresholds" in text
    # The same seed gives the same figures.
    again = estimate(result, decisions_for(lists.lists), plan)
    assert again.combined == outcome.combined


def test_strata_are_estimated_one_by_one_and_added_up(vault: Vault, lists: StoredLists) -> None:
    run, result = _run(vault, lists)
    outcome = estimate(result, {}, Plan("loglinear", stratum="act", threshold=run.threshold))
    assert [s["value"] for s in outcome.strata] == ["detention", "killing"]
    estimated = [s["total"] for s in outcome.strata]
    assert all(total is not None for total in estimated)
    assert outcome.total == pytest.approx(sum(estimated))
    assert sum(s["observed"] for s in outcome.strata) == outcome.observed
    assert "Stratified by what was done: 2 strata" in outcome.text()
    by_period = estimate(result, {}, Plan("loglinear", stratum="period", threshold=run.threshold))
    assert [s["value"] for s in by_period.strata] == ["2017", "2018"]


def test_a_stratum_without_an_estimate_is_named() -> None:
    counts = {"A": 10, "B": 10, "C": 10, "AB": 5, "AC": 5, "BC": 5, "ABC": 2}
    argun = [tuple(on) for on, n in counts.items() for _ in range(n)]
    # Grozny: three people, one list each, no overlap: no finite estimate.
    result = run_result({"argun": argun, "grozny": [("A",), ("B",), ("C",)]})
    outcome = estimate(result, {}, Plan("loglinear", stratum="place"))
    argun_figure, grozny = outcome.strata
    assert argun_figure["total"] > 47
    assert grozny["total"] is None
    assert outcome.total == pytest.approx(argun_figure["total"] + 3)
    assert any("Stratum grozny has no estimate" in str(w) for w in outcome.warnings)
    with pytest.raises(Unestimable, match="no estimate for these data"):
        estimate(run_result({"grozny": [("A",), ("B",), ("C",)]}), {}, Plan("loglinear"))


def test_an_estimate_is_a_job_with_a_sealedrun_result(vault: Vault, lists: StoredLists) -> None:
    run, _result = _run(vault, lists)
    entry = start_estimate(
        vault.keyring, run, Plan("loglinear", resamples=20, seed=2), by="cli", background=False
    )
    assert entry.status == JobStatus.DONE
    with using_keyring(vault.keyring):
        outcome = Estimate.objects.get(pk=entry.pk).result
    assert outcome["observed"] > 0
    assert len(outcome["draws"]) + outcome["failed_draws"] == 20
    stored = bytes(Estimate.objects.values_list("result", flat=True).get(pk=entry.pk))
    assert b"Estimated total" not in stored


def test_an_unfinished_run_or_unknown_method_is_refused(vault: Vault) -> None:
    run = LinkageRun.objects.create(status=JobStatus.RUNNING)
    with pytest.raises(Unestimable, match="has not finished"):
        start_estimate(vault.keyring, run, Plan(), by="cli", background=False)
    with pytest.raises(Unestimable, match="unknown method"):
        start_estimate(vault.keyring, run, Plan(method="guess"), by="cli", background=False)
    with pytest.raises(Unestimable, match="stratify by one of"):
        start_estimate(vault.keyring, run, Plan(stratum="colour"), by="cli", background=False)


def test_latent_classes_estimate_from_a_run(vault: Vault, lists: StoredLists) -> None:
    run, result = _run(vault, lists)
    plan = Plan(
        method="latent",
        linkage_draws=6,
        seed=7,
        burn_in=500,
        samples=200,
        thinning=5,
        threshold=run.threshold,
    )
    stages: list[str] = []
    outcome = estimate(result, {}, plan, lambda stage, done: stages.append(stage))
    assert "sampling" in stages
    # The posterior gives the interval, and its draws make the chart.
    assert outcome.interval_kind == "credible"
    assert outcome.interval is not None
    low, high = outcome.interval
    assert outcome.observed <= low <= outcome.total <= high
    # Two chains, lengthened until converged: at least 2 x 200 draws kept.
    assert len(outcome.draws) >= 2 * 200
    assert min(outcome.draws) >= outcome.observed
    assert outcome.combined is not None
    text = outcome.text()
    assert "latent classes (LCMCR" in text
    assert "R-hat" in text
    # Every fit is seeded from the plan: the same plan gives the same figures.
    again = estimate(result, {}, plan)
    assert (again.total, again.interval, again.combined) == (
        outcome.total,
        outcome.interval,
        outcome.combined,
    )


def test_latent_classes_need_three_lists() -> None:
    two = run_result({"": [("A",), ("A", "B"), ("B",), ("A", "B"), ("A",)]})
    with pytest.raises(Unestimable, match="at least three lists"):
        estimate(two, {}, Plan(method="latent", samples=10, burn_in=10, thinning=1))
