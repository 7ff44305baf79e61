"""Analysis's kinds of background job, registered with the jobs app's
runner: a linkage run and an estimate. Their work is imported when a job
starts, not when the app loads (it brings pandas, scipy and statsmodels)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safepassage.analysis.models import STAGES, Estimate, LinkageRun
from safepassage.jobs.kinds import Kind, Progress, Store, register

# Why an analysis job failed, in plain words, by the exception's class.
REASONS = {
    "Unestimable": _(
        "These data give no estimate: the lists overlap too little, or a stratum is too "
        "small. Try another method or fewer strata."
    ),
    "LatentClassError": _("The latent-class model cannot be fitted to these data."),
}


def _link(run: LinkageRun, progress: Progress, **inputs: Any) -> Store:
    from safepassage.analysis.runs import link

    return link(run, progress, **inputs)


def _estimate(entry: Estimate, progress: Progress, **inputs: Any) -> Store:
    from safepassage.analysis.estimates import work

    return work(entry, progress, **inputs)


def register_kinds() -> None:
    register(Kind(LinkageRun.JOB_KIND, _("Linkage run"), _link, STAGES, REASONS))
    register(Kind(Estimate.JOB_KIND, _("Estimate"), _estimate, STAGES, REASONS))
