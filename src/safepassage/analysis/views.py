"""Pages for counting victims: lists, linkage runs, the review queue and
estimates. Everything that shows records or results needs the
documentation compartment; importing needs only the permission, as the
rows are sealed to the compartment's public key."""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.analysis import jobs
from safepassage.analysis.estimating import (
    METHODS,
    SAMPLER_LENGTHS,
    Plan,
    Unestimable,
    start_estimate,
)
from safepassage.analysis.forms import DecisionForm, EstimateForm, ImportForm, RunForm
from safepassage.analysis.importing import ImportRefused, import_list
from safepassage.analysis.models import Estimate, JobStatus, LinkageRun, VictimList
from safepassage.analysis.runs import (
    RunRefused,
    clusters_at,
    decide,
    decisions_for,
    review_queue,
    run_records,
    start_run,
)
from safepassage.audit.chain import record
from safepassage.vault import files
from safepassage.vault.errors import UploadRefused
from safepassage.vault.keyring import Keyring, current_keyring_or_none, using_keyring

# A victim list is parsed in memory; larger lists go through the command line.
IMPORT_MAX_BYTES = 50 * 1024 * 1024
PROGRESS_REFRESH_SECONDS = 3


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _documentation_keys(user: User, perm: Perm) -> Keyring:
    require(user, perm)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("documentation"):
        raise deny(user, "compartment", "compartment:documentation")
    return keyring


def _any_analysis(user: User) -> None:
    perms = (Perm.IMPORT_LISTS, Perm.REVIEW_LINKS, Perm.ANALYSE)
    if not user.is_active or not any(user.can(perm) for perm in perms):
        raise deny(user, "analysis")


def get_run_for(user: User, run_id: uuid.UUID, perm: Perm) -> tuple[LinkageRun, Keyring]:
    """The one access function for runs: the same 404 for a run that does
    not exist and for a person who may not read it."""
    keyring = _documentation_keys(user, perm)
    run = LinkageRun.objects.filter(pk=run_id).first()
    if run is None:
        raise deny(user, "run", f"run:{run_id}")
    return run, keyring


def get_estimate_for(user: User, estimate_id: uuid.UUID) -> tuple[Estimate, Keyring]:
    keyring = _documentation_keys(user, Perm.ANALYSE)
    entry = Estimate.objects.select_related("run").filter(pk=estimate_id).first()
    if entry is None:
        raise deny(user, "estimate", f"estimate:{estimate_id}")
    return entry, keyring


def home_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _any_analysis(user)
    return _home(request, user, ImportForm(), RunForm())


def _home(
    request: HttpRequest, user: User, import_form: ImportForm, run_form: RunForm, **extra: Any
) -> HttpResponse:
    lists = VictimList.objects.annotate(size=Count("records"))
    runs = LinkageRun.objects.prefetch_related("lists")[:20]
    return render(
        request,
        "analysis/home.html",
        {
            "lists": lists,
            "runs": [(run, jobs.status_of(run)) for run in runs],
            "import_form": import_form if user.can(Perm.IMPORT_LISTS) else None,
            "run_form": run_form if user.can(Perm.ANALYSE) else None,
            **extra,
        },
    )


@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.IMPORT_LISTS)
    form = ImportForm(request.POST, request.FILES)
    refused = files.refusals(request)
    if refused and "file" in form.errors:
        form.errors["file"] = form.error_class([_("The file is too large.")])
    if not form.is_valid():
        _discard(form)
        return _home(request, user, form, RunForm(), import_failed=True)
    upload = form.cleaned_data["file"]
    try:
        if not isinstance(upload, files.StagedUpload):
            raise UploadRefused("not an encrypted upload")
        raw = files.read_staged(upload, IMPORT_MAX_BYTES)
        report = import_list(
            (upload.name or "list.csv", raw),
            form.cleaned_data["list_name"],
            form.mapping(),
            skip_invalid=form.cleaned_data["skip_invalid"],
            by=user,
        )
    except UploadRefused:
        form.add_error("file", _("The file is too large to import here: use the command line."))
        return _home(request, user, form, RunForm(), import_failed=True)
    except ImportRefused as refusal:
        form.add_error(None, _("Nothing was imported: %(reason)s.") % {"reason": refusal})
        problems = refusal.report.problems if refusal.report else []
        return _home(request, user, form, RunForm(), import_failed=True, problems=problems)
    message = _("%(count)d rows imported into “%(list)s”.") % {
        "count": report.stored,
        "list": form.cleaned_data["list_name"],
    }
    if report.problems:
        message += " " + _("%(count)d rows were not: see below.") % {"count": len(report.problems)}
    messages.success(request, message)
    if report.problems:
        return _home(request, user, ImportForm(), RunForm(), problems=report.problems)
    return redirect("analysis:home")


def _discard(form: ImportForm) -> None:
    upload = form.files.get("file")
    if isinstance(upload, files.StagedUpload):
        upload.discard()


@require_POST
def run_start_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    keyring = _documentation_keys(user, Perm.ANALYSE)
    form = RunForm(request.POST)
    if not form.is_valid():
        return _home(request, user, ImportForm(), form, run_failed=True)
    threshold = form.cleaned_data["threshold"]
    try:
        run = start_run(
            keyring,
            list(form.cleaned_data["lists"]),
            by=user,
            threshold=threshold,
            review_low=min(0.3, threshold),
            review_high=max(0.9, threshold),
            reference_year=form.cleaned_data["reference_year"],
        )
    except RunRefused as refusal:
        form.add_error(None, str(refusal))
        return _home(request, user, ImportForm(), form, run_failed=True)
    return redirect("analysis:run", run_id=run.pk)


def run_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    perm = Perm.ANALYSE if user.can(Perm.ANALYSE) else Perm.REVIEW_LINKS
    run, keyring = get_run_for(user, run_id, perm)
    status = jobs.status_of(run)
    context: dict[str, Any] = {
        "run": run,
        "status": status,
        "active": status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "refresh": PROGRESS_REFRESH_SECONDS,
        "lists": run.lists.all(),
        "can_analyse": user.can(Perm.ANALYSE),
    }
    if status == JobStatus.DONE:
        with using_keyring(keyring):
            result = run.result or {}
        decisions = decisions_for(run.lists.all())
        labels = clusters_at(result, decisions, run.threshold)
        context["people"] = len(set(labels.tolist()))
        context["waiting"] = len(review_queue(run, result, decisions))
        ids = set(result["ids"])
        context["decided"] = sum(1 for a, b in decisions if a in ids and b in ids)
        if user.can(Perm.ANALYSE):
            context["estimates"] = [(entry, jobs.status_of(entry)) for entry in run.estimates.all()]
            context["estimate_form"] = EstimateForm(methods=sorted(METHODS))
    return render(request, "analysis/run.html", context)


@require_http_methods(["GET", "POST"])
def review_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    run, keyring = get_run_for(user, run_id, Perm.REVIEW_LINKS)
    if jobs.status_of(run) != JobStatus.DONE:
        raise deny(user, "run.finished", run)
    try:
        skip = max(0, int(request.GET.get("skip", "0")))
    except ValueError:
        skip = 0
    with using_keyring(keyring):
        result = run.result or {}
        if request.method == "POST":
            form = DecisionForm(request.POST)
            if form.is_valid():
                first, second = str(form.cleaned_data["first"]), str(form.cleaned_data["second"])
                pair = run_records(run, [first, second])
                if len(pair) == 2:
                    decide(pair[first], pair[second], form.cleaned_data["decision"], by=user)
                    messages.success(request, _("Decision recorded."))
                else:
                    messages.error(request, _("These records are not in this run."))
            else:
                messages.error(request, _("Choose “Same person” or “Different people”."))
            url = redirect("analysis:review", run_id=run.pk)
            if skip:
                url["Location"] += f"?skip={skip}"
            return url
        queue = review_queue(run, result, decisions_for(run.lists.all()))
        candidate = queue[skip] if skip < len(queue) else None
        rows: list[tuple[str, str, str]] = []
        lists: tuple[str, str] = ("", "")
        if candidate is not None:
            found = run_records(run, [candidate.first, candidate.second])
            left_record, right_record = found[candidate.first], found[candidate.second]
            # Two victims' records, decrypted for a person: a read to account for.
            record(user, "analysis.pair_shown", run, first=candidate.first, second=candidate.second)
            labels = {
                "name": _("Name"),
                "birth": _("Born or age"),
                "place": _("Place"),
                "event_date": _("Date of the events"),
                "act": _("What was done"),
                "notes": _("Notes"),
            }
            for field, label in labels.items():
                left = str(left_record.data.get(field, ""))
                right = str(right_record.data.get(field, ""))
                if left or right:
                    rows.append((label, left, right))
            lists = (left_record.victim_list.name, right_record.victim_list.name)
    return render(
        request,
        "analysis/review.html",
        {
            "run": run,
            "candidate": candidate,
            "rows": rows,
            "lists": lists,
            "waiting": len(queue),
            "position": skip + 1,
            "next_skip": skip + 1,
        },
    )


@require_POST
def estimate_start_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    run, keyring = get_run_for(user, run_id, Perm.ANALYSE)
    form = EstimateForm(request.POST, methods=sorted(METHODS))
    if form.is_valid():
        plan = Plan(
            method=form.cleaned_data["method"],
            stratum=form.cleaned_data["stratum"] or "",
            resamples=form.cleaned_data["resamples"],
            linkage_draws=form.cleaned_data["linkage_draws"],
            seed=form.cleaned_data["seed"],
        )
        plan.samples, plan.thinning = SAMPLER_LENGTHS[form.cleaned_data["length"] or "short"]
        try:
            entry = start_estimate(keyring, run, plan, by=user)
        except Unestimable as refusal:
            messages.error(request, str(refusal))
            return redirect("analysis:run", run_id=run.pk)
        return redirect("analysis:estimate", estimate_id=entry.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("analysis:run", run_id=run.pk)


def estimate_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    entry, keyring = get_estimate_for(user, estimate_id)
    status = jobs.status_of(entry)
    outcome: dict[str, Any] = {}
    if status == JobStatus.DONE:
        with using_keyring(keyring):
            outcome = entry.result or {}
    return render(
        request,
        "analysis/estimate.html",
        {
            "entry": entry,
            "status": status,
            "active": status in (JobStatus.QUEUED, JobStatus.RUNNING),
            "refresh": PROGRESS_REFRESH_SECONDS,
            "outcome": outcome,
            "chart": histogram(outcome) if outcome.get("draws") else None,
            "debug": settings.DEBUG,
        },
    )


def histogram(outcome: dict[str, Any], bins: int = 30) -> dict[str, Any]:
    """Bars of the draws for an SVG chart (600 x 200), with the estimate
    and the interval marked."""
    import numpy as np

    draws = np.array([d for d in outcome["draws"] if math.isfinite(d)], dtype=float)
    low, high = float(np.quantile(draws, 0.005)), float(np.quantile(draws, 0.995))
    if high <= low:
        high = low + 1
    counts, edges = np.histogram(np.clip(draws, low, high), bins=bins, range=(low, high))
    tallest = max(int(counts.max()), 1)
    width = 600 / bins

    def x(value: float) -> float:
        return round(600 * (min(max(value, low), high) - low) / (high - low), 1)

    bars = [
        {
            "x": round(i * width, 1),
            "y": round(180 - 170 * count / tallest, 1),
            "width": round(width - 1, 1),
            "height": round(170 * count / tallest, 1),
            "count": int(count),
            "from": round(float(edges[i])),
            "to": round(float(edges[i + 1])),
        }
        for i, count in enumerate(counts.tolist())
    ]
    interval = outcome.get("combined") or outcome.get("interval")
    return {
        "bars": bars,
        "low": round(low),
        "high": round(high),
        "total_x": x(float(outcome["total"])),
        "interval": [x(float(v)) for v in interval] if interval else None,
        "count": len(draws),
    }
