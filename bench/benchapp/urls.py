import msgspec
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench.benchapp.models import (
    GroupedCase,
    PlainCase,
    PlainGroupedCase,
    PlainRequest,
    PlainSubmission,
    SealedCase,
)
from safepassage.intake import actions, proof, receipts, views_public
from safepassage.intake.forms import RequestForm


def plain(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": PlainCase.objects.order_by("code")})


def sealed(request):  # type: ignore[no-untyped-def]
    cases = SealedCase.objects.order_by("code").opened()
    return render(request, "benchapp/cases.html", {"cases": cases})


def plain_grouped(request):  # type: ignore[no-untyped-def]
    cases = PlainGroupedCase.objects.order_by("code")
    return render(request, "benchapp/grouped_cases.html", {"cases": cases})


def grouped(request):  # type: ignore[no-untyped-def]
    cases = GroupedCase.objects.order_by("code").opened()
    return render(request, "benchapp/grouped_cases.html", {"cases": cases})


@csrf_exempt
def plain_request(request):  # type: ignore[no-untyped-def]
    """The public form with encryption switched off: the same view and steps
    as intake's (language, form, checks, proof of work, the count in its lane
    before anything else, receipt, a row with the same columns and indexes,
    the receipt page); only the keys and ciphertexts are left out: no
    receipt key (Argon2id), no sealing to the intake key, no person's copy."""
    language = views_public._language(request)
    form = RequestForm(request.POST or None, language=language)
    _files, file_errors = views_public._uploads(request, "attachments")
    if request.method != "POST" or not form.is_valid() or file_errors:
        return views_public._request_page(request, form, 400)
    checked = proof.check(
        request.POST.get("proof_challenge", ""), request.POST.get("proof_nonce", "")
    )
    try:
        flood = actions.admit(checked)
    except actions.Busy:
        return views_public._request_page(request, form, 429, busy=True)
    payload = form.payload()
    receipt = receipts.new_receipt(language)
    row = PlainSubmission(
        urgency=payload.urgency_level,
        receipt_lookup=receipts.lookup(receipt),
        payload=msgspec.to_builtins(payload),
        flood=flood,
    )
    with transaction.atomic():
        row.save(force_insert=True)
    return views_public._render(
        request,
        "intake/receipt.html",
        {"receipt": receipt, "code": row.code, "words": receipt.split()},
    )


@csrf_exempt
def plain_row(request):  # type: ignore[no-untyped-def]
    """The lower bound: the form checked and its answers stored as one plain
    JSON row, nothing else (no receipt, no rate count)."""
    language = views_public._language(request)
    form = RequestForm(request.POST or None, language=language)
    _files, file_errors = views_public._uploads(request, "attachments")
    if request.method != "POST" or not form.is_valid() or file_errors:
        return views_public._render(request, "intake/request.html", {"form": form}, status=400)
    PlainRequest.objects.create(payload=msgspec.to_builtins(form.payload()))
    return views_public._render(
        request, "intake/receipt.html", {"code": "R-PLAIN", "words": ["plain"] * 8}
    )


urlpatterns = [
    path("bench/plain-request/", login_not_required(plain_request)),
    path("bench/plain-row/", login_not_required(plain_row)),
    path("bench/plain/", plain),
    path("bench/sealed/", sealed),
    path("bench/plain-grouped/", plain_grouped),
    path("bench/grouped/", grouped),
    path("", include("safepassage.urls")),
]
