"""The public pages: no login, no cookie, no script needed, nothing from
another host. Every answer page is sent with no-store. No answer ever drops
what the person typed: a refusal shows the form again, filled in."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.forms import CheckboxInput
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.intake import actions, cleaning, downloads, proof
from safepassage.intake.forms import PersonMessageForm, ReceiptForm, RequestForm, check_uploads
from safepassage.intake.models import Attachment, Submission
from safepassage.vault import files

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "ru", "fr")
# What a body that cannot be parsed raises: cut off (the client went away),
# a broken part, too many fields or files for Django's own limits.
UNREADABLE = (
    MultiPartParserError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    OSError,
)


def _readable(request: HttpRequest) -> bool:
    """Parse the body now; False (and nothing kept) when it cannot be."""
    if request.method != "POST":
        return True
    try:
        request.POST  # noqa: B018 - parses the body (and uploads)
        request.FILES  # noqa: B018
    except UNREADABLE as exc:
        logger.warning("a public form's body could not be read (%s)", exc.__class__.__name__)
        return False
    return True


def _language(request: HttpRequest, *, readable: bool = True) -> str:
    """From ?lang= (or the form), else the browser's: never a cookie."""
    chosen = (request.POST.get("lang") if readable else "") or request.GET.get("lang") or ""
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
    return HttpResponse(loader.render_to_string(template, context), status=status)


def _request_page(
    request: HttpRequest, form: RequestForm, status: int = 200, **extra: Any
) -> HttpResponse:
    """The request form, with a fresh challenge for the proof of work when
    proofs are on (so a person refused during a flood can prove and send)."""
    bits = proof.current_bits()
    if bits:
        extra.update(proof_bits=bits, proof_challenge=proof.challenge(bits))
    return _render(request, "intake/request.html", {"form": form, **extra}, status=status)


def _uploads(request: HttpRequest, field: str) -> tuple[list[Any], list[str]]:
    """The files sent, checked and cleaned (intake.cleaning), with the
    person's consent to keep the originals (the keep_originals box)."""
    return cleaning.accept_uploads(
        request.FILES.getlist(field),
        files.refusals(request),
        keep_originals=_keep_originals(request),
    )


def _keep_originals(request: HttpRequest) -> bool:
    return bool(CheckboxInput().value_from_datadict(request.POST, request.FILES, "keep_originals"))


@login_not_required
@csrf_exempt  # anonymous, cookie-less: nothing for a forged request to ride on
@require_http_methods(["GET", "HEAD", "POST"])
def request_view(request: HttpRequest) -> HttpResponse:
    readable = _readable(request)
    language = _language(request, readable=readable)
    if request.method != "POST":
        return _request_page(request, RequestForm(language=language))
    if not readable:
        return _request_page(request, RequestForm(language=language), 400, unreadable=True)
    form = RequestForm(request.POST, language=language)
    uploads = request.FILES.getlist("attachments")
    file_errors = check_uploads(uploads, files.refusals(request))
    if not form.is_valid() or file_errors:
        dropped = bool(uploads or files.refusals(request))
        return _request_page(request, form, 400, file_errors=file_errors, files_dropped=dropped)
    checked = proof.check(
        request.POST.get("proof_challenge", ""), request.POST.get("proof_nonce", "")
    )
    try:
        # Counted before the files are cleaned (decoding a photo costs far
        # more than the count), so a flood is refused cheaply.
        flood = actions.admit(checked)
    except actions.Busy:
        # Everything typed comes back in the form; files must be chosen again.
        return _request_page(request, form, 429, busy=True, files_dropped=bool(uploads))
    cleaned, file_errors = cleaning.clean_uploads(uploads, keep_originals=_keep_originals(request))
    if file_errors:
        return _request_page(request, form, 400, file_errors=file_errors, files_dropped=True)
    received = actions.receive_request(form.payload(), cleaned, language=language, flood=flood)
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


def _find(
    request: HttpRequest, form: ReceiptForm, kept_text: str = ""
) -> tuple[Submission | None, HttpResponse | None]:
    """The request of the receipt in the form, or the receipt page again
    (with the receipt, and any message typed, kept)."""
    found = actions.find(form.cleaned_data["receipt"])
    if found.submission is not None:
        return found.submission, None
    form.add_error("receipt", _("No request has this receipt. Check each word and try again."))
    context = {"form": form, "kept_text": kept_text, "many_wrong": found.many_wrong}
    status = 429 if found.many_wrong else 404
    return None, _render(request, "intake/return.html", context, status=status)


def _unreadable_return(request: HttpRequest) -> HttpResponse:
    context = {"form": ReceiptForm(), "unreadable": True}
    return _render(request, "intake/return.html", context, status=400)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def return_view(request: HttpRequest) -> HttpResponse:
    readable = _readable(request)
    _language(request, readable=readable)
    if not readable:
        return _unreadable_return(request)
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
    readable = _readable(request)
    _language(request, readable=readable)
    if not readable:
        return _unreadable_return(request)
    form = PersonMessageForm(request.POST)
    receipt_only = ReceiptForm(request.POST)
    kept_text = request.POST.get("text", "")
    if not receipt_only.is_valid():
        context = {"form": receipt_only, "kept_text": kept_text}
        return _render(request, "intake/return.html", context, status=400)
    submission, refusal = _find(request, receipt_only, kept_text)
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
        actions.add_person_message(submission, form.cleaned_data["text"], uploads, receipt=receipt)
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
    if not _readable(request):
        raise Http404()
    _language(request)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        raise Http404()
    submission = actions.find(form.cleaned_data["receipt"]).submission
    if submission is None:
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
