"""The evidence locker's pages: receiving an original (from an event, an
act or a statement: "Attach evidence"), an item's page (its working copy
shown, never the original by default; its capture metadata, links and
custody log), making a working copy, opening or downloading an item
(each in its custody log), and linking it to one more record."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import capture, content_credentials, evidence, proofmode, warc
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_evidence_for,
    visible_evidence,
)
from safepassage.documentation.actions import Refused
from safepassage.documentation.evidence_forms import (
    CopyForm,
    EvidenceUploadForm,
    LinkForm,
    MadeElsewhereForm,
    OpenForm,
    OriginalForm,
    RecheckForm,
)
from safepassage.documentation.models import CustodyEntry, Evidence
from safepassage.documentation.views.shared import open_all, user_of
from safepassage.vault import files

TOO_LARGE = gettext_lazy("The file is too large to send here: use the command line.")
COPY_TOO_LARGE = gettext_lazy("The file is too large to send here.")
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PAGE = 50


@require_GET
def evidence_list_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    originals = visible_evidence(user).filter(original=None).order_by("-created_at", "code")
    page = Paginator(originals, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    open_all(rows, "name", "description")
    record(user, "documentation.evidence_listed", None, shown=len(rows))
    return render(
        request,
        "documentation/evidence_list.html",
        {"page": page, "rows": rows, "can_record": user.can(WRITE)},
    )


@require_http_methods(["GET", "POST"])
def evidence_new_view(request: HttpRequest) -> HttpResponse:
    """An original received, linked to the record it was attached from."""
    user = user_of(request)
    documentation_keys(user, WRITE)
    to = request.GET.get("to", "")[:40]
    target = evidence.find_target(user, to) if to else None
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, initial={"to": to})
    if request.method == "POST":
        if files.refusals(request) and "file" in form.errors:
            form.errors["file"] = form.error_class([str(TOO_LARGE)])
        upload = form.files.get("file")
        if form.is_valid() and isinstance(upload, files.StagedUpload):
            try:
                item = evidence.add_evidence(
                    user,
                    upload,
                    target=target,
                    description=form.cleaned_data["description"],
                    why=form.cleaned_data["why"],
                )
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("The original was received and stored unchanged."))
                return redirect("documentation:evidence", code=item.code)
        elif isinstance(upload, files.StagedUpload):
            upload.discard()
    return render(
        request,
        "documentation/evidence_new.html",
        {"form": form, "target": target, "to": to},
        status=400 if form.errors else 200,
    )


def _custodians(entries: list[CustodyEntry]) -> dict[str, str]:
    ids = {e.actor.removeprefix("user:") for e in entries if e.actor.startswith("user:")}
    users = User.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {f"user:{u.pk}": u.username for u in users}


@require_GET
def evidence_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    item = get_evidence_for(user, code)
    root = item.root
    shown = evidence.default_copy(item) if item.is_original else item
    copies = list(root.copies.order_by("created_at", "code"))
    links = list(root.links.select_related("event", "act", "statement", "information__event"))
    entries = list(CustodyEntry.objects.filter(evidence=item).order_by("seq").opened())
    open_all([item, root, *copies], "name", "description", "sha256", "capture", "parameters")
    open_all([link.event for link in links], "title")
    open_all([link.statement for link in links], "speaker")
    record(user, "documentation.evidence_opened", item)
    return render(
        request,
        "documentation/evidence.html",
        {
            "item": item,
            "root": root,
            "shown": shown,
            "copies": copies,
            "links": links,
            "entries": entries,
            "custodians": _custodians(entries),
            "proof_findings": proofmode.findings(item.capture or {}),
            "warc_findings": warc.findings(item.capture or {}),
            "package_findings": capture.package_findings(item.capture or {}),
            "wacz_archives": [
                {**found, "findings": warc.findings(found)}
                for found in (item.capture or {}).get("archives", [])
            ],
            "c2pa_findings": content_credentials.findings(item.capture or {}),
            "c2pa_out_of_date": content_credentials.out_of_date((item.capture or {}).get("c2pa")),
            "recheck_form": RecheckForm(prefix="recheck"),
            "can_record": user.can(WRITE),
            # Each with its own prefix: four forms on one page, each field's id its own.
            "copy_form": CopyForm(prefix="copy"),
            "elsewhere_form": MadeElsewhereForm(prefix="elsewhere"),
            "open_form": OpenForm(prefix="open"),
            "original_form": OriginalForm(prefix="original"),
            "link_form": LinkForm(prefix="link"),
        },
    )


def _stream(
    meta: dict[str, str], chunks: Iterator[bytes], item: Evidence, *, inline: bool
) -> StreamingHttpResponse:
    content_type = meta.get("type", "")
    if not inline or content_type not in INLINE_TYPES:
        content_type = "application/octet-stream"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    name = quote(meta.get("name", item.code))
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{name}"
    response["Content-Length"] = str(item.file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    if inline:  # opened on its own, a copy is a picture and nothing else
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def evidence_content_view(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """A working copy shown in its page (in its custody log as a view).
    Originals are never shown this way: only downloaded, with a reason."""
    user = user_of(request)
    item = get_evidence_for(user, code)
    if item.is_original:
        raise Http404
    meta, chunks = evidence.open_item(user, item, download=False)
    return _stream(meta, chunks, item, inline=True)


@require_POST
def evidence_download_view(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    user = user_of(request)
    item = get_evidence_for(user, code)
    if item.is_original:
        form: OpenForm | OriginalForm = OriginalForm(request.POST, prefix="original")
    else:
        form = OpenForm(request.POST, prefix="open")
    if form.is_valid():
        try:
            meta, chunks = evidence.open_item(
                user, item, download=True, why=form.cleaned_data["why"]
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            return _stream(meta, chunks, item, inline=False)
    else:
        messages.error(request, _("Say why the original is needed: it is in its custody log."))
    return redirect("documentation:evidence", code=item.code)


@require_POST
def evidence_copy_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    item = get_evidence_for(user, code, WRITE)
    form = CopyForm(request.POST, prefix="copy")
    if form.is_valid():
        try:
            copy = evidence.make_working_copy(
                user,
                item,
                form.cleaned_data["operation"],
                box=form.box(),
                why=form.cleaned_data["why"],
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The working copy was made; the original is unchanged."))
            return redirect("documentation:evidence", code=copy.code)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("documentation:evidence", code=item.code)


@require_POST
def evidence_copy_added_view(request: HttpRequest, code: str) -> HttpResponse:
    """A working copy made elsewhere (redacted, transcribed, translated),
    added to an original. A refused or failed upload keeps nothing."""
    user = user_of(request)
    item = get_evidence_for(user, code, WRITE)
    form = MadeElsewhereForm(request.POST, request.FILES, prefix="elsewhere")
    upload = form.files.get("elsewhere-file")
    if files.refusals(request) and "file" in form.errors:
        form.errors["file"] = form.error_class([str(COPY_TOO_LARGE)])
    if form.is_valid() and isinstance(upload, files.StagedUpload):
        try:
            copy = evidence.add_working_copy(
                user, item, upload, form.cleaned_data["operation"], why=form.cleaned_data["why"]
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            added = _("The working copy was added with its own hash; the original is unchanged.")
            messages.success(request, added)
            return redirect("documentation:evidence", code=copy.code)
    else:
        if isinstance(upload, files.StagedUpload):
            upload.discard()
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("documentation:evidence", args=[item.code]) + "#copies-heading")


@require_POST
def evidence_recheck_view(request: HttpRequest, code: str) -> HttpResponse:
    """Check an original's C2PA manifest again against the trust anchors
    the server holds now."""
    user = user_of(request)
    item = get_evidence_for(user, code, WRITE)
    form = RecheckForm(request.POST, prefix="recheck")
    if form.is_valid():
        try:
            evidence.check_credentials_again(user, item, why=form.cleaned_data["why"])
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Its Content Credentials were checked again against the present trust anchors."),
            )
    else:
        messages.error(request, _("Say why the original is needed: it is in its custody log."))
    return redirect("documentation:evidence", code=item.code)


@require_POST
def evidence_link_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    item = get_evidence_for(user, code, WRITE)
    form = LinkForm(request.POST, prefix="link")
    if form.is_valid():
        target = evidence.find_target(user, form.cleaned_data["to"])
        try:
            evidence.link_evidence(user, item, target, why=form.cleaned_data["why"])
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The evidence was linked."))
    return redirect("documentation:evidence", code=item.root.code)
