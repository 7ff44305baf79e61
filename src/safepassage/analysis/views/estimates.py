"""Estimates: starting one from a run, its page (progress, time left,
cancel, restart; when done the total, a chart and the summary in the
reader's language)."""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts.roles import Perm
from safepassage.analysis.access import get_estimate_for, get_run_for
from safepassage.analysis.estimates import (
    cancel_estimate,
    joined_labels,
    list_choices,
    list_ids,
    restart_estimate,
    start_estimate,
)
from safepassage.analysis.estimating import METHODS, SAMPLER_LENGTHS, Plan, Unestimable
from safepassage.analysis.forms import STRATA_CHOICES, EstimateForm
from safepassage.analysis.views.runs import run_page
from safepassage.analysis.views.shared import user_of
from safepassage.analysis.wording import TERMS, render_all, say, term
from safepassage.jobs.models import JobStatus
from safepassage.jobs.pages import job_context
from safepassage.jobs.status import status_of
from safepassage.vault.keyring import using_keyring


@require_POST
def estimate_start_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    run, keyring = get_run_for(user, run_id, Perm.ANALYSE)
    form = EstimateForm(request.POST, methods=sorted(METHODS), lists=list_choices(keyring, run))
    if not form.is_valid():
        messages.error(request, _("The estimate did not start: the form below says why."))
        return run_page(request, user, run, keyring, form)
    names = {pk: name for name, pk in list_ids(keyring, run).items()}
    chosen = form.cleaned_data.get("as_one") or []
    plan = Plan(
        method=form.cleaned_data["method"],
        stratum=form.cleaned_data["stratum"] or "",
        resamples=form.cleaned_data["resamples"],
        linkage_draws=form.cleaned_data["linkage_draws"],
        seed=form.cleaned_data["seed"],
        joined=(tuple(sorted(names[pk] for pk in chosen)),) if chosen else (),
    )
    plan.samples, plan.thinning = SAMPLER_LENGTHS[form.cleaned_data["length"] or "short"]
    try:
        entry = start_estimate(keyring, run, plan, by=user)
    except Unestimable as refusal:
        messages.error(request, str(refusal))
        return redirect("analysis:run", run_id=run.pk)
    return redirect("analysis:estimate", estimate_id=entry.pk)


def estimate_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    entry, keyring = get_estimate_for(user, estimate_id)
    context = job_context(entry, can_control=True)
    outcome: dict[str, Any] = {}
    if context["status"] == JobStatus.DONE:
        with using_keyring(keyring):
            outcome = entry.result or {}
    return render(
        request,
        "analysis/estimate.html",
        {
            "entry": entry,
            **context,
            "stratum": dict(STRATA_CHOICES).get(entry.stratum, entry.stratum),
            # The lists' names are opened only for an estimate that joined some.
            "joined": joined_labels(entry, dict(list_choices(keyring, entry.run)))
            if entry.joined
            else [],
            "outcome": outcome,
            "lines": render_all(outcome.get("lines", [])),
            "verdicts": render_all(outcome.get("verdicts", [])),
            "cautions": render_all(outcome.get("cautions", [])),
            "first_method": _method_word(outcome.get("method", "")),
            "others": [_figure_row(item) for item in outcome.get("sensitivity", [])],
            "chart": histogram(outcome) if outcome.get("draws") else None,
            "debug": settings.DEBUG,
        },
    )


def estimate_sensitivity_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    """Every method at every match threshold, side by side."""
    user = user_of(request)
    entry, keyring = get_estimate_for(user, estimate_id)
    outcome: dict[str, Any] = {}
    if status_of(entry) == JobStatus.DONE:
        with using_keyring(keyring):
            outcome = entry.result or {}
    grid = outcome.get("grid", [])
    thresholds = [row[0] for row in grid[0]["totals"]] if grid else []
    rows = [
        {
            "method": _method_word(item["method"]),
            "first": item["method"] == outcome.get("method"),
            "cells": [
                {
                    "threshold": t,
                    "total": total,
                    "publishable": ok,
                    "current": t == entry.run.threshold,
                }
                for t, total, ok in item["totals"]
            ],
        }
        for item in grid
    ]
    return render(
        request,
        "analysis/sensitivity.html",
        {
            "entry": entry,
            "outcome": outcome,
            "thresholds": thresholds,
            "rows": rows,
            "run_threshold": entry.run.threshold,
            "verdicts": render_all(outcome.get("verdicts", [])),
        },
    )


def _method_word(code: str) -> str:
    """A method's name in the reader's language ("" for estimates stored before)."""
    word = TERMS.get(code)
    return str(word) if word is not None else code


def _figure_row(item: dict[str, Any]) -> dict[str, Any]:
    interval = item.get("interval")
    reason = item.get("reason")
    method = _method_word(item.get("method", ""))
    if item.get("apart"):
        method = str(say("apart_method", method=term(item.get("method", ""))))
    return {
        "method": method,
        "total": item.get("total"),
        "low": interval[0] if interval else None,
        "high": interval[1] if interval else None,
        "publishable": item.get("publishable", True),
        "reason": render_all([reason])[0] if reason else "",
    }


@require_POST
def estimate_cancel_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    entry, _keyring = get_estimate_for(user, estimate_id)
    if cancel_estimate(entry, by=user):
        messages.success(request, _("The estimate stops at its next step; nothing of it is kept."))
    else:
        messages.info(request, _("The estimate is not running any more."))
    return redirect("analysis:estimate", estimate_id=entry.pk)


@require_POST
def estimate_restart_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    entry, keyring = get_estimate_for(user, estimate_id)
    try:
        restart_estimate(keyring, entry, by=user)
    except Unestimable as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The estimate started again with the same settings."))
    return redirect("analysis:estimate", estimate_id=entry.pk)


def histogram(outcome: dict[str, Any], bins: int = 30) -> dict[str, Any]:
    """Bars of the draws for an SVG chart (600 x 200), with the estimate
    and the interval marked."""
    import numpy as np

    draws = np.array([d for d in outcome["draws"] if math.isfinite(d)], dtype=float)
    first, last = float(np.quantile(draws, 0.005)), float(np.quantile(draws, 0.995))
    interval = outcome.get("combined") or outcome.get("interval")
    # The axis reaches the interval's ends too, where the interval was
    # widened beyond the draws (a model with more groups, lcmcr_groups).
    ends = [float(v) for v in interval or () if math.isfinite(v)]
    low, high = min([first, *ends]), max([last, *ends])
    if high <= low:
        high = low + 1
    counts, edges = np.histogram(np.clip(draws, first, last), bins=bins, range=(low, high))
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
    return {
        "bars": bars,
        "low": round(low),
        "high": round(high),
        "first": round(first),
        "last": round(last),
        "total_x": x(float(outcome["total"])),
        "interval": [x(float(v)) for v in interval] if interval else None,
        "count": len(draws),
    }
