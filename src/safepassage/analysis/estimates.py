"""Estimates as background jobs: started from a finished linkage run,
cancelled, and started again with the same inputs (the sampler's length
included) after a seal, a restart of the server or a cancel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safepassage.analysis.estimating import (
    JOINED,
    METHODS,
    Plan,
    Unestimable,
    check_joined,
    estimate,
)
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.runs import STRATA, decisions_for
from safepassage.audit.chain import record
from safepassage.jobs import runner
from safepassage.jobs.kinds import Progress, Store
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import RESTARTABLE, status_of
from safepassage.vault.keyring import Keyring, using_keyring

Inputs = tuple[dict[str, Any], dict[tuple[str, str], str]]


def start_estimate(
    keyring: Keyring,
    run: LinkageRun,
    plan: Plan,
    *,
    by: Any,
    background: bool = True,
    echo: Progress | None = None,
) -> Estimate:
    """Open the run's pairs and estimate, on a thread unless told not to."""
    inputs = _inputs(keyring, run, plan)
    ids = list_ids(keyring, run)
    entry = Estimate.objects.create(
        run=run,
        started_by=by if getattr(by, "pk", None) else None,
        method=plan.method,
        stratum=plan.stratum,
        resamples=plan.resamples,
        linkage_draws=plan.linkage_draws,
        seed=plan.seed,
        classes=plan.classes,
        burn_in=plan.burn_in,
        samples=plan.samples,
        thinning=plan.thinning,
        joined=[[ids[name] for name in group] for group in plan.joined],
    )
    record(by, "analysis.estimate_started", entry, method=plan.method)
    _start(entry, plan, inputs, background=background, echo=echo)
    return Estimate.objects.get(pk=entry.pk)


def plan_of(entry: Estimate, keyring: Keyring) -> Plan:
    """The plan an estimate was made with: its inputs, to start it again."""
    names = {pk: name for name, pk in list_ids(keyring, entry.run).items()}
    return Plan(
        method=entry.method,
        stratum=entry.stratum,
        resamples=entry.resamples,
        linkage_draws=entry.linkage_draws,
        seed=entry.seed,
        classes=entry.classes,
        burn_in=entry.burn_in,
        samples=entry.samples,
        thinning=entry.thinning,
        joined=tuple(tuple(names[pk] for pk in group) for group in entry.joined),
    )


def restart_estimate(
    keyring: Keyring,
    entry: Estimate,
    *,
    by: Any,
    background: bool = True,
    echo: Progress | None = None,
) -> Estimate:
    """Start a stopped estimate again with the same inputs (and the run's
    decisions as they are now), as a new attempt of the same estimate."""
    if status_of(entry) not in RESTARTABLE:
        raise Unestimable(_("only an interrupted, cancelled or failed estimate starts again"))
    plan = plan_of(entry, keyring)
    inputs = _inputs(keyring, entry.run, plan)
    record(by, "analysis.estimate_restarted", entry, method=plan.method, attempt=entry.attempt + 1)
    _start(entry, plan, inputs, background=background, echo=echo)
    return Estimate.objects.get(pk=entry.pk)


def cancel_estimate(entry: Estimate, *, by: Any) -> bool:
    """Ask a running estimate to stop at its next progress point."""
    if not runner.request_cancel(entry):
        return False
    record(by, "analysis.estimate_cancelled", entry, progress=entry.progress)
    return True


def _inputs(keyring: Keyring, run: LinkageRun, plan: Plan) -> Inputs:
    """Check the plan and open what the job needs, before anything is stored."""
    if plan.method not in METHODS:
        raise Unestimable(f"unknown method {plan.method!r}")
    if plan.stratum and plan.stratum not in STRATA:
        raise Unestimable(f"stratify by one of {', '.join(STRATA)}")
    if status_of(run) != JobStatus.DONE:
        raise Unestimable(_("the linkage run has not finished"))
    with using_keyring(keyring):
        result: dict[str, Any] = run.result or {}
    if not result:
        raise Unestimable(_("the linkage run has no results"))
    check_joined(sorted(set(result["lists"])), plan.joined)
    for_run(plan, run)
    return result, decisions_for(run.lists.all())


def list_ids(keyring: Keyring, run: LinkageRun) -> dict[str, str]:
    """The run's lists' ids by their names (sealed: read with the keys)."""
    with using_keyring(keyring):
        return {str(item.name): str(item.pk) for item in run.lists.all()}


def list_choices(keyring: Keyring, run: LinkageRun) -> list[tuple[str, str]]:
    """The run's lists as a form offers them: (id, label in the reader's language)."""
    from safepassage.analysis.list_labels import label_lists

    with using_keyring(keyring):
        items = label_lists(run.lists.all())
        return sorted(((str(item.pk), str(item.label)) for item in items), key=lambda c: c[1])


def joined_labels(entry: Estimate, labels: dict[str, str]) -> list[str]:
    """Each group of lists the estimate counted as one: its lists' labels
    (``labels``, by id, from list_choices) joined by " + "."""
    return [JOINED.join(labels.get(pk, "?") for pk in group) for group in entry.joined]


def for_run(plan: Plan, run: LinkageRun) -> Plan:
    """The plan at the run's own match threshold and review band, as every
    estimate of a run is made: on the pages, by `analysis estimate --run`
    and by `analysis link`."""
    plan.threshold = run.threshold
    plan.review_low, plan.review_high = run.review_low, run.review_high
    return plan


def _start(
    entry: Estimate,
    plan: Plan,
    inputs: Inputs,
    *,
    background: bool,
    echo: Progress | None,
) -> None:
    result, decisions = inputs
    runner.start(
        entry, background=background, echo=echo, plan=plan, result=result, decisions=decisions
    )


def work(
    entry: Estimate,
    progress: Progress,
    *,
    plan: Plan,
    result: dict[str, Any],
    decisions: dict[tuple[str, str], str],
) -> Store:
    """An estimate's work, on the job's thread (analysis.background)."""
    outcome = estimate(result, decisions, plan, progress)

    def store(row: Estimate) -> list[str]:
        row.result = outcome.as_dict()
        return ["result"]

    return store
