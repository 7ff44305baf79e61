"""The check for groups of people the latent-class posterior merges
(``lcmcr_groups``): latent classes by maximum likelihood, the classes
Akaike's and the Bayesian criterion choose, and the profile interval of N
that widens the figure's range where they differ."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.analysis import sensitivity
from safepassage.analysis.estimating import Plan, estimate, estimate_table
from safepassage.analysis.methods import Point
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.mse import lcmcr_groups
from safepassage.analysis.mse.lcmcr import sample, simulate
from safepassage.analysis.mse.lcmcr_groups import Groups, check
from safepassage.analysis.mse.lcmcr_report import publishable, shown_interval, verdicts_for
from safepassage.analysis.mse.loglinear import Model, fit
from safepassage.analysis.mse.tables import CaptureTable, read_patterns
from safepassage.analysis.wording import dump, render_all
from safepassage.jobs.models import JobStatus
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import run_result
from tests.base import Vault, sign_in

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"

# bench/lcmcr_coverage.py's "ten-lists-faint": half the people found at 0.03
# to 0.10 a list, a third at 0.30 to 0.10, a fifth at 0.30 to 0.60.
FAINT = (
    [
        list(np.linspace(0.03, 0.10, 10)),
        list(np.linspace(0.30, 0.10, 10)),
        list(np.linspace(0.30, 0.60, 10)),
    ],
    [0.5, 0.3, 0.2],
)


def test_one_group_is_the_model_of_independent_lists() -> None:
    # One class of people, each list found on its own: the log-linear model
    # of main effects, whose estimate matches Rcapture's.
    table = simulate(3000, [[0.2, 0.3, 0.25, 0.35, 0.15]], [1.0], seed=4)
    groups = check(table)
    assert groups is not None
    main = fit(table, Model.of([(i,) for i in range(5)]))
    assert groups.fits[0].total == pytest.approx(main.total, rel=1e-3)
    assert groups.by_bic == 1
    # Akaike's criterion may admit a second group by chance; its range then
    # lies within the posterior's, and nothing is widened.
    assert groups.widened((2800.0, 3200.0)) is None


def test_it_finds_two_groups_and_their_total() -> None:
    table = simulate(
        20_000, [[0.05, 0.10, 0.08, 0.12, 0.06], [0.50, 0.40, 0.60, 0.45, 0.55]], [0.7, 0.3], seed=7
    )
    groups = check(table)
    assert groups is not None
    assert groups.by_bic == 2
    two = groups.fits[1]
    assert two.total == pytest.approx(20_000, rel=0.1)
    assert sorted(np.round(two.weights, 1)) == [0.3, 0.7]


def test_a_faint_group_the_posterior_merges_widens_the_range_to_hold_the_total() -> None:
    # A replicate on which the latent-class posterior gives 1,788 (1,696 to
    # 1,914) for 2,000 people (bench/README.md).
    table = simulate(2000, *FAINT, seed=10_001)
    groups = check(table)
    assert groups is not None
    assert (groups.by_aic, groups.by_bic) == (3, 2)
    assert groups.fits[1].total < 1800  # two groups count too few, as the posterior does
    assert groups.interval is not None
    low, high = groups.interval
    assert low < 2000 < high
    assert groups.widened((1696.0, 1914.0)) == (1696.0, high)


def test_the_profile_interval_ends_where_the_likelihood_has_dropped_by_1_92() -> None:
    table = simulate(2000, *FAINT, seed=10_001)
    groups = check(table)
    assert groups is not None
    assert groups.interval is not None
    chosen = groups.chosen
    data = lcmcr_groups._Data.of(table)

    def drop(total: float) -> float:
        return chosen.loglik - lcmcr_groups._em(data, chosen.weights, chosen.chances, total)[1]

    low, high = groups.interval
    assert drop(low) == pytest.approx(lcmcr_groups.PROFILE_DROP, abs=0.05)
    assert drop(high) == pytest.approx(lcmcr_groups.PROFILE_DROP, abs=0.05)
    assert drop((low + chosen.total) / 2) < lcmcr_groups.PROFILE_DROP
    assert drop((high + chosen.total) / 2) < lcmcr_groups.PROFILE_DROP
    assert drop(0.9 * low) > lcmcr_groups.PROFILE_DROP


def test_tables_too_small_for_two_groups_are_not_checked() -> None:
    three = CaptureTable(("A", "B", "C"), {(1, 0, 0): 10, (0, 1, 0): 8, (1, 1, 1): 3})
    assert check(three) is None
    assert lcmcr_groups.identifiable(2, 4)
    assert not lcmcr_groups.identifiable(3, 4)


def test_more_groups_with_no_upper_end_stop_the_figure() -> None:
    table = simulate(
        600, [[0.2, 0.3, 0.4, 0.3, 0.2], [0.6, 0.5, 0.6, 0.5, 0.6]], [0.6, 0.4], seed=2
    )
    result = sample(table, classes=4, burn_in=500, samples=200, thinning=2, seed=1)
    fits = tuple(lcmcr_groups._fit(lcmcr_groups._Data.of(table), k, 0) for k in (1, 2, 3))
    unbounded = Groups(fits, by_aic=3, by_bic=2, interval=(700.0, math.inf))
    assert unbounded.unbounded
    assert not publishable(result, unbounded)
    text = " ".join(str(note) for note in verdicts_for(result, unbounded))
    assert "DO NOT PUBLISH: the lists fit better when people are split into more groups" in text
    assert "at least 700, with no upper end below the sampler's limit" in text
    # A refused figure keeps its own interval: nothing is shown as "to infinity".
    assert shown_interval(result, unbounded) == result.interval()
    # Beside it, the total counted with more groups says how far down it goes.
    point = Point(result.median, "latent classes", [], groups=unbounded)
    row = sensitivity._more_groups(point)
    assert row is not None
    assert row["interval"] is None
    assert str(sensitivity._line(row)) == (
        f"  latent classes with more groups (maximum likelihood): {fits[2].total:.0f} "
        "(from 700, with no upper end)"
    )
    # The same groups with an upper end only widen the range shown.
    bounded = Groups(fits, by_aic=3, by_bic=2, interval=(700.0, 5000.0))
    assert bounded.widened(result.interval()) == (min(700.0, result.interval()[0]), 5000.0)
    assert shown_interval(result, bounded)[1] == 5000.0
    # Where both criteria agree, nothing changes.
    agreed = Groups(fits[:2], by_aic=2, by_bic=2)
    assert shown_interval(result, agreed) == result.interval()


def test_the_default_estimate_shows_the_wider_range_at_the_command_line() -> None:
    # Western (SparseMSE, 5 lists, 345 people): two groups by Akaike's
    # criterion, one by the Bayesian one; counted with two the upper end is higher.
    groups = check(read_patterns(DATA / "western.csv"))
    assert groups is not None
    assert groups.interval is not None
    out = io.StringIO()
    call_command(
        "analysis", "estimate", str(DATA / "western.csv"), stdout=out, stderr=io.StringIO()
    )
    printed = out.getvalue()
    assert "Warning: READ THE WIDER RANGE" in printed
    assert "publish the range shown with the figure, which holds it." in printed
    assert "widened to hold a model with more groups of people: " in printed
    assert f"to {groups.interval[1]:.0f}\n" in printed
    assert "Groups of people fitted by maximum likelihood: 2 by Akaike's criterion" in printed
    # Beside the other methods, the total counted with more groups.
    low, high = groups.interval
    assert (
        f"latent classes with more groups (maximum likelihood): {groups.chosen.total:.0f} "
        f"(95%: {low:.0f} to {high:.0f})" in printed
    )
    assert "DO NOT PUBLISH" not in printed


@pytest.mark.django_db
def test_the_estimate_page_shows_the_wider_range_and_why(analyst: User, vault: Vault) -> None:
    outcome = estimate_table(read_patterns(DATA / "western.csv"), Plan(seed=2))
    stored = outcome.as_dict()
    assert stored["publishable"] is True
    assert "READ THE WIDER RANGE" in render_all(stored["cautions"])[0]
    run = LinkageRun.objects.create(status=JobStatus.DONE, threshold=0.5)
    entry = Estimate.objects.create(run=run, method="auto", status=JobStatus.DONE)
    with using_keyring(vault.keyring):
        entry.result = outcome.as_dict()
        entry.save()
    client = Client()
    sign_in(client, analyst)
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    assert '<div class="status caution" role="note">' in page
    assert "READ THE WIDER RANGE" in page
    assert "Do not publish this figure." not in page
    assert "latent classes with more groups (maximum likelihood)" in page
    low, high = outcome.interval or (0, 0)
    assert f"95% interval: {low:.0f} to {high:.0f}" in page
    # The chart's axis reaches the widened end, beyond the draws it shows
    # (all but the top and bottom 0.5 %), so that its dashed line stands
    # where the interval ends.
    assert high > np.quantile(outcome.draws, 0.995)
    assert f'text-anchor="end">{round(high)}</text>' in page


def _people(table: CaptureTable) -> list[tuple[str, ...]]:
    """Each person of a capture table, as the lists they are on."""
    return [
        tuple(name for name, on in zip(table.lists, pattern, strict=True) if on)
        for pattern, count in table.counts.items()
        for _ in range(count)
    ]


def test_a_strata_estimate_carries_a_strata_widened_range_into_its_total() -> None:
    western = read_patterns(DATA / "western.csv")
    groups = check(western)
    assert groups is not None
    assert groups.interval is not None
    small = simulate(60, [[0.5, 0.6, 0.5, 0.6, 0.5]], [1.0], seed=3)
    small = CaptureTable(western.lists, small.counts)
    outcome = estimate(
        run_result({"Grozny": _people(western), "Argun": _people(small)}),
        {},
        Plan("latent", stratum="place", resamples=200, seed=4),
    )
    notes = render_all(dump(outcome.cautions))
    assert len(notes) == 1
    assert notes[0].startswith("Grozny: READ THE WIDER RANGE")
    # The sum's upper end moves beyond its drawn sums as far as Grozny's own
    # range was widened (4,351 against about 3,000).
    assert outcome.interval is not None
    assert outcome.interval[1] - np.quantile(outcome.draws, 0.975) > 1000
