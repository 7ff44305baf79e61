"""The public pages: no login, no cookie, no script needed, nothing from
another host. Every answer page is sent with no-store."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.forms import CheckboxInput
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.intake import actions, cleaning, downloads, proof
from safepassage.intake.forms import PersonMessageForm, ReceiptForm, RequestForm
from safepassage.intake.models import Attachment, Submission
from safepassage.vault import files

LANGUAGES = ("en", "ru", "fr")


def _language(request: HttpRequest) -> str:
    """From ?lang= (or the form), else the browser's: never a cookie."""
    chosen = request.POST.get("lang") or request.GET.get("lang") or ""
    if chosen not in LANGUAGES:
        chosen = translation.get_language_from_request(request, check_path=False)
        chosen = chosen if chosen in LANGUAGES else "en"
    translation.activate(chosen)
    request.LANGUAGE_CODE = chosen
    return chosen


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A public page. Rendered without the context processors of the staff
    pages (organisation, menu, user, messages): public pages use none of them,
    and a flood of requests should not pay a query each for them."""
    context["request"] = request
    context.setdefault("lang", translation.get_language())
    context.setdefault("onion", settings.ONION_ADDRESS)
    context.setdefault("max_mb", settings.UPLOAD_MAX_BYTES // (1024 * 1024))
    context.setdefault("max_files", settings.INTAKE_MAX_FILES)
    if settings.INTAKE_PROOF_BITS:
        context.setdefault("proof_bits", settings.INTAKE_PROOF_BITS)
        context.setdefault("proof_challenge", proof.challenge())
    return HttpResponse(loader.render_to_string(template, context), status=status)


def _uploads(request: HttpRequest, field: str) -> tuple[list[Any], list[str]]:
    """The files sent, checked and cleaned (intake.cleaning), with the
    person's consent to keep the originals (the keep_originals box)."""
    keep = CheckboxInput().value_from_datadict(request.POST, request.FILES, "keep_originals")
    return cleaning.accept_uploads(
        request.FILES.getlist(field), files.refusals(request), keep_originals=bool(keep)
    )


@login_not_required
@csrf_exempt  # anonymous, cookie-less: nothing for a forged request to ride on
@require_http_methods(["GET", "HEAD", "POST"])
def request_view(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    form = RequestForm(request.POST or None, language=language)
    if request.method != "POST":
        return _render(request, "intake/request.html", {"form": form})
    uploads, file_errors = _uploads(request, "attachments")
    if not form.is_valid() or file_errors:
        return _render(
            request,
            "intake/request.html",
            {"form": form, "file_errors": file_errors, "files_dropped": bool(uploads)},
            status=400,
        )
    proven = proof.verify(
        request.POST.get("proof_challenge", ""),
        request.POST.get("proof_nonce", ""),
        form.cleaned_data["happened"],
    )
    try:
        received = actions.receive_request(
            form.payload(), uploads, language=language, proven=proven
        )
    except actions.Refused as refusal:
        return _render(request, "intake/refused.html", {"message": str(refusal)}, status=429)
    return _render(
        request,
        "intake/receipt.html",
        {
            "receipt": received.receipt,
            "code": received.submission.code,
            "words": received.receipt.split(),
        },
    )


def _conversation(
    request: HttpRequest, submission: Submission, receipt: str, **extra: Any
) -> HttpResponse:
    view = actions.read_as_person(submission, receipt)
    context = {
        "submission": submission,
        "receipt": receipt,
        "view": view,
        "form": extra.pop("form", None) or PersonMessageForm(initial={"receipt": receipt}),
        **extra,
    }
    return _render(request, "intake/conversation.html", context, status=extra.get("status", 200))


def _find(request: HttpRequest, form: ReceiptForm) -> tuple[Submission | None, HttpResponse | None]:
    if not actions.receipt_tries_left():
        return None, _render(
            request,
            "intake/refused.html",
            {
                "message": _(
                    "Too many wrong receipts were tried in the last minute. Please wait a minute."
                )
            },
            status=429,
        )
    submission = actions.find(form.cleaned_data["receipt"])
    if submission is None:
        form.add_error("receipt", _("No request has this receipt. Check each word and try again."))
        return None, _render(request, "intake/return.html", {"form": form}, status=404)
    return submission, None


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def return_view(request: HttpRequest) -> HttpResponse:
    _language(request)
    form = ReceiptForm(request.POST or None)
    if request.method != "POST":
        return _render(request, "intake/return.html", {"form": form})
    if not form.is_valid():
        return _render(request, "intake/return.html", {"form": form}, status=400)
    submission, refusal = _find(request, form)
    if refusal is not None:
        return refusal
    assert submission is not None  # noqa: S101 - narrowing
    return _conversation(request, submission, form.cleaned_data["receipt"])


@login_not_required
@csrf_exempt
@require_POST
def message_view(request: HttpRequest) -> HttpResponse:
    _language(request)
    form = PersonMessageForm(request.POST)
    receipt_only = ReceiptForm(request.POST)
    if not receipt_only.is_valid():
        return _render(request, "intake/return.html", {"form": receipt_only}, status=400)
    submission, refusal = _find(request, receipt_only)
    if refusal is not None:
        return refusal
    assert submission is not None  # noqa: S101 - narrowing
    receipt = receipt_only.cleaned_data["receipt"]
    uploads, file_errors = _uploads(request, "attachments")
    if not form.is_valid() or file_errors:
        return _conversation(
            request, submission, receipt, form=form, file_errors=file_errors, status=400
        )
    try:
        actions.add_person_message(submission, form.cleaned_data["text"], uploads)
    except actions.Refused as refusal_message:
        return _conversation(
            request, submission, receipt, form=form, refusal=str(refusal_message), status=429
        )
    return _conversation(request, submission, receipt, sent=True)


@login_not_required
@csrf_exempt
@require_POST
def file_view(request: HttpRequest, attachment_id: int) -> StreamingHttpResponse:
    """A file of the conversation, for the person (their receipt opens it)."""
    _language(request)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        raise Http404()
    submission, refusal = _find(request, form)
    if refusal is not None or submission is None:
        raise Http404()
    attachment = (
        Attachment.objects.filter(pk=attachment_id, submission=submission)
        .select_related("file")
        .first()
    )
    if attachment is None:
        raise Http404()
    chunks = actions.person_file(submission, form.cleaned_data["receipt"], attachment)
    name = f"{submission.code}-{attachment.pk}"
    return downloads.download(chunks, size=attachment.file.size, name=name, fallback=name)


@login_not_required
@require_GET
def safety_view(request: HttpRequest) -> HttpResponse:
    _language(request)
    return _render(request, "intake/safety.html", {})
