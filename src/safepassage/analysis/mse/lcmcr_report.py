"""The latent-class estimate in plain words: the verdicts that stop a
figure from being published (not converged, a far mode that the chain
started far found, an upper end held by the cap, a model that does not fit
the lists), the other warnings, and the report."""

from __future__ import annotations

import numpy as np

from safepassage.analysis.mse.lcmcr import FULL_SHARE, LatentClassResult
from safepassage.analysis.mse.lcmcr_groups import Groups
from safepassage.analysis.mse.report import heading
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.wording import BLANK, Sentence, num, plain, say, warning


def publishable(result: LatentClassResult, groups: Groups | None = None) -> bool:
    """Converged, with an upper end the data hold rather than the sampler's cap,
    a model that fits how many lists people are on, and (where ``groups``,
    the check of ``lcmcr_groups``, ran) a total bounded with as many groups
    as the lists fit best."""
    return (
        result.converged
        and not result.capped
        and not misfit(result)
        and not (groups is not None and groups.unbounded)
    )


def shown_interval(result: LatentClassResult, groups: Groups | None) -> tuple[float, float]:
    """The 95% interval the tool shows: the posterior's, widened where a model
    with more groups reaches beyond it (``Groups.widened``)."""
    credible = result.interval()
    widened = groups.widened(credible) if groups is not None else None
    return widened or credible


def misfit(result: LatentClassResult) -> bool:
    return result.fit is not None and result.fit.misfit


def far_apart(result: LatentClassResult) -> tuple[float, float] | None:
    """The medians of the chains started far (the second half) and of the
    others, where the far ones stayed above every draw but the top 2.5% of
    the others'."""
    chains = len(result.chains)
    if not result.dispersed or chains < 2:
        return None
    usual = chains - chains // 2
    far = float(np.median(np.concatenate([c.totals for c in result.chains[usual:]])))
    others = np.concatenate([chain.totals for chain in result.chains[:usual]])
    if far <= np.quantile(others, 0.975):
        return None
    return far, float(np.median(others))


def verdicts_for(result: LatentClassResult, groups: Groups | None = None) -> list[Sentence]:
    """Why the figure must not be published, if it must not (``groups``: the
    check of ``lcmcr_groups``, where it ran)."""
    notes = []
    if not result.converged:
        notes.append(
            say(
                "latent_not_converged",
                iterations=result.iterations,
                rhat=num(result.rhat, 2),
                ess=num(result.ess),
            )
        )
        apart = far_apart(result)
        if apart is not None:
            notes.append(say("latent_far_mode", far=num(apart[0]), near=num(apart[1])))
    if result.capped:
        notes.append(say("latent_cap", cap=result.cap))
    if result.fit is not None and result.fit.misfit:
        notes.append(
            say(
                "latent_misfit",
                p=num(result.fit.p_value, 3),
                count=result.fit.worst(),
                observed=result.fit.observed[result.fit.worst() - 1],
                expected=num(result.fit.expected[result.fit.worst() - 1]),
            )
        )
    if groups is not None and groups.unbounded and groups.interval is not None:
        notes.append(
            say(
                "latent_groups_unbounded",
                more=groups.by_aic,
                fewer=groups.by_bic,
                low=num(groups.interval[0]),
            )
        )
    return notes


def cautions_for(groups: Groups, credible: tuple[float, float]) -> list[Sentence]:
    """How to read an interval widened to hold a model with more groups."""
    widened = groups.widened(credible)  # None where refused for no upper end
    if widened is None or groups.interval is None:
        return []
    return [
        say(
            "latent_groups",
            more=groups.by_aic,
            fewer=groups.by_bic,
            total=num(groups.chosen.total),
            low=num(groups.interval[0]),
            high=num(groups.interval[1]),
            credible_low=num(credible[0]),
            credible_high=num(credible[1]),
            wide_low=num(widened[0]),
            wide_high=num(widened[1]),
        )
    ]


def warnings_for(result: LatentClassResult, groups: Groups | None = None) -> list[Sentence]:
    notes = verdicts_for(result, groups)
    lists = len(result.lists)
    if lists < 5:
        notes.append(say("latent_few_lists", count=lists))
    if result.full_share > FULL_SHARE:
        notes.append(
            say("latent_full", count=result.classes, share=num(100 * result.full_share, 0))
        )
    if shown_interval(result, groups)[1] > 10 * result.observed:
        notes.append(say("latent_wide"))
    return notes


def describe_latent(
    table: CaptureTable, result: LatentClassResult, groups: Groups | None = None
) -> list[Sentence]:
    """The estimate in plain words, with what to beware of."""
    low, high = result.interval()
    median = result.median
    cautions = cautions_for(groups, (low, high)) if groups is not None else []
    lines = [
        *heading(table),
        *[warning(note) for note in verdicts_for(result, groups)],
        *[warning(note) for note in cautions],
        say("latent_model", count=result.classes),
        say(
            "latent_chains",
            1,
            chains=len(result.chains),
            samples=result.samples,
            thinning=result.thinning,
            burn_in=result.burn_in,
            seed=plain(result.seed),
        ),
        say("posterior_median", total=num(median)),
        say("posterior_mean", 1, mean=num(result.mean)),
        say("credible", 1, low=num(low), high=num(high)),
        *[
            say("latent_widened", 1, low=c.figures["wide_low"], high=c.figures["wide_high"])
            for c in cautions
        ],
        say("unobserved_median", 1, count=num(median - table.observed)),
        say("convergence", ess=num(result.ess), rhat=num(result.rhat, 3)),
        *([say("latent_dispersed")] if result.dispersed else []),
        *([say("latent_fit", p=num(result.fit.p_value, 3))] if result.fit is not None else []),
        *([say("latent_rounds", 1, count=result.rounds)] if result.rounds else []),
        *([groups_line(groups)] if groups is not None else []),
        BLANK,
        say("meaning_latent"),
    ]
    notes = warnings_for(result, groups)
    if notes:
        lines.append(BLANK)
        lines += [warning(note) for note in notes]
    return lines


def groups_line(groups: Groups) -> Sentence:
    """What the maximum-likelihood fits with more groups found."""
    return say(
        "latent_groups_checked",
        more=groups.by_aic,
        fewer=groups.by_bic,
        total=num(groups.chosen.total),
    )
