"""The sentences with which an estimate refuses to mislead: a sampler that
has not converged, an upper end held by a cap rather than the data, a
linkage too uncertain to count from, a table the log-linear models cannot
enumerate, and the other methods shown beside the first figure.

They join ``wording.MESSAGES`` (codes, figures and plurals as there);
docs/analysis.md explains how to read each one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Plural = Callable[[int], str]

VERDICTS: dict[str, Promise | Plural] = {
    # The latent-class sampler.
    "latent_not_converged": _(
        "NOT CONVERGED, DO NOT PUBLISH: after %(iterations)s iterations per chain the chains "
        "still disagree or wander (R-hat %(rhat)s, at most 1.05 needed; effective sample size "
        "of the total %(ess)s, at least 400 needed). These figures are not an estimate."
    ),
    "latent_far_mode": _(
        "One chain was started with as many people on no list as the sampler allows and "
        "stayed far above the other (medians %(far)s and %(near)s): the lists do not rule out "
        "a much larger total, which a run from the usual start can miss."
    ),
    "latent_misfit": lambda n: ngettext(
        "THE MODEL DOES NOT FIT THE LISTS, DO NOT PUBLISH: tables drawn from the fitted model "
        "look like these lists in how many lists people are on only %(p)s of the time "
        "(below 0.05 fails). The widest gap is among people on %(count)s list: %(observed)s "
        "in the lists, %(expected)s expected by the model. Its count of the people on no list "
        "rests on the same model.",
        "THE MODEL DOES NOT FIT THE LISTS, DO NOT PUBLISH: tables drawn from the fitted model "
        "look like these lists in how many lists people are on only %(p)s of the time "
        "(below 0.05 fails). The widest gap is among people on %(count)s lists: %(observed)s "
        "in the lists, %(expected)s expected by the model. Its count of the people on no list "
        "rests on the same model.",
        n,
    ),
    "latent_cap": _(
        "The upper end is held by the sampler's limit (%(cap)s, 21 times the number "
        "observed), not by the data: the lists cannot tell how many people are on none of "
        "them. Do not publish this figure."
    ),
    "latent_groups": _(
        "READ THE WIDER RANGE: the lists fit better when people are split into more groups "
        "found at different rates (groups: %(more)s) than a stricter test, like the "
        "estimate's own, admits (groups: %(fewer)s). Counted that way there would be about "
        "%(total)s people (%(low)s to %(high)s). The estimate alone gives %(credible_low)s "
        "to %(credible_high)s, which would count too few if a group of people the lists "
        "rarely find is merged with another. Widened to hold both, the range is "
        "%(wide_low)s to %(wide_high)s: publish the range shown with the figure, which "
        "holds it."
    ),
    "latent_groups_unbounded": _(
        "DO NOT PUBLISH: the lists fit better when people are split into more groups found "
        "at different rates (groups: %(more)s) than a stricter test, like the estimate's "
        "own, admits (groups: %(fewer)s), and counted that way the lists cannot tell how "
        "many people are on none of them: at least %(low)s, with no upper end below the "
        "sampler's limit."
    ),
    "latent_rounds": lambda n: ngettext(
        "The run was lengthened %(count)s time to converge.",
        "The run was lengthened %(count)s times to converge.",
        n,
    ),
    # Model averaging.
    "bma_at_observed": _(
        "The most probable total is the number observed: the posterior piles up at the "
        "bottom of its range, which happens when the lists overlap more than independent "
        "lists would. Read the interval, not the mode."
    ),
    "bma_widened": _(
        "The range of the number missing was widened to %(missing)s to hold the posterior."
    ),
    # The linkage.
    "linkage_unreliable": _(
        "LINKAGE NOT RELIABLE ENOUGH TO ESTIMATE: %(reasons)s. The count of people on no "
        "list rests on which records were joined; review the uncertain pairs or improve the "
        "lists before publishing any figure."
    ),
    "linkage_swing": _(
        "the estimate changes by a factor of %(factor)s between match thresholds "
        "(%(low)s to %(high)s)"
    ),
    "linkage_undecided": lambda n: ngettext(
        "%(share)s%% of the scored pairs of records on different lists were left undecided "
        "(%(count)s pair between the review bounds)",
        "%(share)s%% of the scored pairs of records on different lists were left undecided "
        "(%(count)s pairs between the review bounds)",
        n,
    ),
    "linkage_alone": _(
        "%(share)s%% of the records were joined to no other record, so the overlaps the "
        "estimate needs are few"
    ),
    "threshold_none": _("%(threshold)s: no estimate"),
    # Log-linear models on many lists.
    "too_many_cells": lambda n: ngettext(
        "log-linear models go through every one of the %(cells)s possible patterns of "
        "%(count)s list; up to %(limit)s lists are fitted. Use latent classes, or merge "
        "related lists",
        "log-linear models go through every one of the %(cells)s possible patterns of "
        "%(count)s lists; up to %(limit)s lists are fitted. Use latent classes, or merge "
        "related lists",
        n,
    ),
    "interval_unbounded": lambda n: ngettext(
        "95%% interval (%(kind)s, %(count)s draw): from %(low)s, with no upper bound: "
        "%(share)s%% of the draws had no finite estimate.",
        "95%% interval (%(kind)s, %(count)s draws): from %(low)s, with no upper bound: "
        "%(share)s%% of the draws had no finite estimate.",
        n,
    ),
    # The first figure and the others beside it.
    "first_figure": _("First figure: %(method)s, the most robust method for %(count)s lists."),
    "sensitivity": _("Other methods, for comparison (a sensitivity analysis):"),
    "sensitivity_figure": _("%(method)s: %(total)s (95%%: %(low)s to %(high)s)"),
    "sensitivity_point": _("%(method)s: %(total)s"),
    "sensitivity_with": _("%(method)s: %(total)s (%(reason)s)"),
    "sensitivity_none": _("%(method)s: no estimate (%(reason)s)"),
    "sensitivity_unpublishable": _("%(method)s: %(total)s, not converged"),
    "apart_method": _("%(method)s with the lists counted apart"),
    "latent_groups_open": _("from %(low)s, with no upper end"),
}

TERMS: dict[str, Promise] = {
    "loglinear": _("log-linear models"),
    "stepwise": _("log-linear models (stepwise choice)"),
    "bma": _("Bayesian model averaging"),
    "latent": _("Bayesian latent classes"),
    "latent_groups": _("latent classes with more groups (maximum likelihood)"),
}
