"""A linkage run's page (progress, time left, cancel, restart), starting
one, and the review queue."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import deny
from safepassage.accounts.roles import Perm
from safepassage.analysis.access import documentation_keys, get_run_for
from safepassage.analysis.estimates import joined_labels, list_choices
from safepassage.analysis.estimating import METHODS
from safepassage.analysis.forms import DecisionForm, EstimateForm, ImportForm, RunForm
from safepassage.analysis.models import LinkageRun
from safepassage.analysis.runs import (
    RunRefused,
    cancel_run,
    clusters_at,
    decide,
    decisions_for,
    restart_run,
    review_queue,
    run_records,
    start_run,
)
from safepassage.analysis.views.lists import home_page
from safepassage.analysis.views.shared import list_names, user_of
from safepassage.analysis.wording import birth_in_words
from safepassage.audit.chain import record
from safepassage.jobs.models import JobStatus
from safepassage.jobs.pages import job_context
from safepassage.jobs.status import state_of, status_of
from safepassage.vault.keyring import Keyring, using_keyring


@require_POST
def run_start_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    keyring = documentation_keys(user, Perm.ANALYSE)
    form = RunForm(request.POST)
    if not form.is_valid():
        return home_page(request, user, ImportForm(), form, run_failed=True)
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
        return home_page(request, user, ImportForm(), form, run_failed=True)
    return redirect("analysis:run", run_id=run.pk)


def run_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    perm = Perm.ANALYSE if user.can(Perm.ANALYSE) else Perm.REVIEW_LINKS
    run, keyring = get_run_for(user, run_id, perm)
    return run_page(request, user, run, keyring)


def run_page(
    request: HttpRequest,
    user: Any,
    run: LinkageRun,
    keyring: Keyring,
    estimate_form: EstimateForm | None = None,
) -> HttpResponse:
    """A run's page; with the estimate form as posted when it had errors."""
    can_analyse = user.can(Perm.ANALYSE)
    context: dict[str, Any] = {
        "run": run,
        **job_context(run, can_analyse),
        "lists": list_names(run.lists.all()),
        "can_analyse": can_analyse,
    }
    if context["status"] == JobStatus.DONE:
        with using_keyring(keyring):
            result = run.result or {}
        decisions = decisions_for(run.lists.all())
        labels = clusters_at(result, decisions, run.threshold)
        context["people"] = len(set(labels.tolist()))
        context["waiting"] = len(review_queue(run, result, decisions))
        ids = set(result["ids"])
        context["decided"] = sum(1 for a, b in decisions if a in ids and b in ids)
        if can_analyse:
            choices = list_choices(keyring, run)
            names = dict(choices)
            context["estimates"] = [
                (entry, state_of(entry), joined_labels(entry, names))
                for entry in run.estimates.all()
            ]
            context["estimate_form"] = estimate_form or EstimateForm(
                methods=sorted(METHODS), lists=choices
            )
    status = 200 if estimate_form is None else 400
    return render(request, "analysis/run.html", context, status=status)


def run_export_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """The run's people as CSV (exports.py): a download, audited."""
    from safepassage.analysis.exports import as_csv, people_of

    user = user_of(request)
    run, keyring = get_run_for(user, run_id, Perm.ANALYSE)
    if status_of(run) != JobStatus.DONE:
        raise deny(user, "run.finished", run)
    response = HttpResponse(
        as_csv(people_of(run, keyring, by=user)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="people-{str(run.pk)[:8]}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def run_cancel_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    run, _keyring = get_run_for(user, run_id, Perm.ANALYSE)
    if cancel_run(run, by=user):
        messages.success(request, _("The run stops at its next step; nothing of it is kept."))
    else:
        messages.info(request, _("The run is not running any more."))
    return redirect("analysis:run", run_id=run.pk)


@require_POST
def run_restart_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    run, keyring = get_run_for(user, run_id, Perm.ANALYSE)
    try:
        restart_run(keyring, run, by=user)
    except RunRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The run started again with the same lists and settings."))
    return redirect("analysis:run", run_id=run.pk)


# What the review page shows of two records, and in which words.
FIELD_LABELS = {
    "id": gettext_lazy("Record id in its list"),
    "name": gettext_lazy("Full name"),
    "surname": gettext_lazy("Surname"),
    "given": gettext_lazy("Given name"),
    "patronymic": gettext_lazy("Patronymic"),
    "sex": gettext_lazy("Sex"),
    "birth": gettext_lazy("Born or age"),
    "age": gettext_lazy("Age"),
    "age_date": gettext_lazy("Date the age refers to"),
    "place": gettext_lazy("Place"),
    "event_date": gettext_lazy("Date of the events"),
    "detention_place": gettext_lazy("Place of detention"),
    "act": gettext_lazy("What was done"),
    "notes": gettext_lazy("Notes"),
}


@require_http_methods(["GET", "POST"])
def review_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    run, keyring = get_run_for(user, run_id, Perm.REVIEW_LINKS)
    if status_of(run) != JobStatus.DONE:
        raise deny(user, "run.finished", run)
    try:
        skip = max(0, int(request.GET.get("skip", "0")))
    except ValueError:
        skip = 0
    with using_keyring(keyring):
        result = run.result or {}
        if request.method == "POST":
            return _decide(request, run, skip)
        queue = review_queue(run, result, decisions_for(run.lists.all()))
        candidate = queue[skip] if skip < len(queue) else None
        rows: list[tuple[str, str, str]] = []
        lists: tuple[str, str] = ("", "")
        if candidate is not None:
            found = run_records(run, [candidate.first, candidate.second])
            left_record, right_record = found[candidate.first], found[candidate.second]
            # Two victims' records, decrypted for a person: a read to account for.
            record(user, "analysis.pair_shown", run, first=candidate.first, second=candidate.second)
            for field, label in FIELD_LABELS.items():
                left = str(left_record.data.get(field, ""))
                right = str(right_record.data.get(field, ""))
                if field in ("birth", "age"):
                    # "~38 years" in the reader's words; dates as written.
                    left, right = birth_in_words(left), birth_in_words(right)
                if left or right:
                    rows.append((str(label), left, right))
            lists = (left_record.victim_list.label, right_record.victim_list.label)
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


def _decide(request: HttpRequest, run: Any, skip: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if form.is_valid():
        first, second = str(form.cleaned_data["first"]), str(form.cleaned_data["second"])
        pair = run_records(run, [first, second])
        if len(pair) == 2:
            decide(pair[first], pair[second], form.cleaned_data["decision"], by=user_of(request))
            messages.success(request, _("Decision recorded."))
        else:
            messages.error(request, _("These records are not in this run."))
    else:
        messages.error(request, _("Choose “Same person” or “Different people”."))
    url = redirect("analysis:review", run_id=run.pk)
    if skip:
        url["Location"] += f"?skip={skip}"
    return url
