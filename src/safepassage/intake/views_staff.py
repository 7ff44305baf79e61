"""The intake inbox, for members of the intake compartment."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.presenting import language_name
from safepassage.intake import actions, cleaning, downloads, labels, signals
from safepassage.intake.forms import (
    SITUATIONS,
    AssignForm,
    QuestionForm,
    StaffReplyForm,
    StatusForm,
    TagsForm,
)
from safepassage.intake.models import (
    OPEN_STATUSES,
    Attachment,
    Question,
    ReadMark,
    Status,
    Submission,
    Tag,
)
from safepassage.intake.regions import area_label
from safepassage.vault import files
from safepassage.vault.keyring import Keyring, current_keyring_or_none
from safepassage.vault.models import KeyGrant

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _intake_keys(user: User) -> Keyring:
    """Triage needs the permission and, to read anything, the intake keys."""
    require(user, Perm.TRIAGE_REQUESTS)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("intake"):
        raise deny(user, "compartment", "compartment:intake")
    return keyring


def get_submission_for(user: User, code: str) -> Submission:
    """The one access function for requests: the same 404 for a request that
    does not exist and for one this person may not read."""
    _intake_keys(user)
    submission = Submission.objects.filter(code=code[:12]).first()
    if submission is None:
        raise deny(user, "request", "submission:unknown")
    return submission


def _triagers() -> list[User]:
    holders = KeyGrant.objects.filter(key__compartment="intake", key__current=True)
    users = User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "username"
    )
    return [user for user in users if user.can(Perm.TRIAGE_REQUESTS)]


def inbox_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    keyring = _intake_keys(user)
    signals.index_pending(keyring)
    view = request.GET.get("view", "open")
    requests = Submission.objects.select_related("assigned_to").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.opened())
    )
    if view == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif view == "mine":
        requests = requests.filter(status__in=OPEN_STATUSES, assigned_to=user)
    elif view in Status.values:
        requests = requests.filter(status=view)
    # Urgent first, oldest first; requests that came in a flood after the others.
    requests = requests.annotate(message_count=Count("messages")).order_by(
        "flood", "-urgency", "received_on", "code"
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    marks = dict(
        ReadMark.objects.filter(user=user, submission__in=[s.pk for s in page]).values_list(
            "submission_id", "seen_messages"
        )
    )
    shared_contact = signals.flagged(list(page))
    flagged_contact = signals.flagged_contact(list(page))
    rows = [
        {
            "request": submission,
            "unread": marks.get(submission.pk, -1) < submission.message_count,  # type: ignore[attr-defined]
            "shared_contact": submission.pk in shared_contact,
            "flagged_contact": submission.pk in flagged_contact,
        }
        for submission in page
    ]
    record(user, "intake.inbox_viewed", None, view=view[:20], shown=len(rows))
    flood_waiting = Submission.objects.filter(status=Status.NEW, flood=True).count()
    return render(
        request,
        "intake/inbox.html",
        {"page": page, "rows": rows, "view": view, "flood_waiting": flood_waiting},
    )


def _detail_context(user: User, submission: Submission) -> dict[str, object]:
    payload = submission.payload
    language = get_language()
    thread = [(message, message.body) for message in submission.messages.select_related("author")]
    attachments = list(submission.attachments.select_related("file", "message"))
    names = {}
    keyring = current_keyring_or_none()
    if keyring is not None:
        for attachment in attachments:
            names[attachment.pk] = files.unwrap(keyring, attachment.file)[1].get("name", "")
    removed = {a.pk: cleaning.removed_labels(a.removed) for a in attachments}
    return {
        "submission": submission,
        "payload": payload,
        "language": language_name(payload.lang),
        "contacts": [
            (labels.label("contact_method", contact.kind) or contact.kind, contact.handle)
            for contact in payload.contacts
        ],
        "answers": [
            (question.label(language), labels.answer_label(question.key, value) or value)
            for question in Question.objects.all()
            for value in [payload.answers.get(question.key, "")]
            if question.key in payload.answers
        ],
        "thread": thread,
        "attachments": [(a, names.get(a.pk, ""), removed[a.pk]) for a in attachments],
        "area": area_label(payload.location.area, language),
        "situation": [label for key, label, _level in SITUATIONS if key in payload.situation],
        "signals": signals.same_contact(submission),
        "similar": signals.similar_requests(submission),
        "reply_form": StaffReplyForm(),
        "tags_form": TagsForm(
            initial={"tags": [str(pk) for pk in submission.tags.values_list("pk", flat=True)]},
            tags=actions.all_tags(),
        ),
        "status_form": StatusForm(
            initial={"status": submission.status, "reason": submission.status_reason},
            allowed=actions.statuses_allowed(submission),
        ),
        "assign_form": AssignForm(
            candidates=_triagers(), initial={"user": submission.assigned_to_id}
        ),
    }


def detail_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    # Signals compare with every request: bring new ones into the index first.
    signals.index_pending(_intake_keys(user))
    submission.refresh_from_db()
    context = _detail_context(user, submission)
    ReadMark.objects.update_or_create(
        user=user,
        submission=submission,
        defaults={"seen_messages": submission.messages.count()},
    )
    record(user, "intake.viewed", submission)
    return render(request, "intake/detail.html", context)


@require_POST
def reply_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    form = StaffReplyForm(request.POST)
    # Staff files are cleaned too (a staff member's photo has their place in it).
    uploads, file_errors = cleaning.accept_uploads(
        request.FILES.getlist("attachments"), files.refusals(request), keep_originals=False
    )
    if form.is_valid() and not file_errors:
        actions.staff_reply(submission, form.cleaned_data["text"], uploads, by=user)
        messages.success(request, _("Your reply was sent. The person reads it with their receipt."))
        return redirect("intake:detail", code=submission.code)
    context = _detail_context(user, submission)
    context.update(reply_form=form, file_errors=file_errors)
    return render(request, "intake/detail.html", context, status=400)


@require_POST
def tags_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    form = TagsForm(request.POST, tags=actions.all_tags())
    if form.is_valid():
        tags = form.chosen()
        if form.cleaned_data.get("new_tag"):
            tags.append(actions.tag_named(form.cleaned_data["new_tag"], by=user))
        actions.set_tags(submission, list(dict.fromkeys(tags)), by=user)
        messages.success(request, _("Tags saved."))
    else:
        messages.error(request, _("Tags must be short words: letters, digits and hyphens."))
    return redirect("intake:detail", code=submission.code)


@require_POST
def status_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    form = StatusForm(request.POST, allowed=actions.statuses_allowed(submission))
    if not form.is_valid():
        context = _detail_context(user, submission)
        context["status_form"] = form
        return render(request, "intake/detail.html", context, status=400)
    original = None
    if form.cleaned_data["status"] == Status.DUPLICATE:
        original = Submission.objects.filter(
            code=form.cleaned_data["duplicate_of"].strip().upper()
        ).first()
        if original is None or original.pk == submission.pk:
            context = _detail_context(user, submission)
            form.add_error("duplicate_of", _("There is no other request with this code."))
            context["status_form"] = form
            return render(request, "intake/detail.html", context, status=400)
    try:
        actions.set_status(
            submission,
            form.cleaned_data["status"],
            reason=form.cleaned_data.get("reason", ""),
            duplicate_of=original,
            by=user,
        )
    except actions.TriageRefused as refusal:
        context = _detail_context(user, submission)
        form.add_error("status", str(refusal))
        context["status_form"] = form
        return render(request, "intake/detail.html", context, status=400)
    messages.success(request, _("Status saved."))
    return redirect("intake:detail", code=submission.code)


@require_POST
def assign_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    form = AssignForm(request.POST, candidates=_triagers())
    if form.is_valid():
        actions.assign(submission, form.cleaned_data["user"], by=user)
        messages.success(request, _("Assignment saved."))
    else:
        messages.error(request, _("Choose someone who works the intake."))
    return redirect("intake:detail", code=submission.code)


@require_POST
def open_case_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for(user, code)
    case = actions.open_case_from(submission, by=user)
    messages.success(
        request, _("Case %(code)s was opened from this request.") % {"code": case.code}
    )
    return redirect("cases:case", code=case.code)


def get_attachment_for(user: User, code: str, attachment_id: int) -> Attachment:
    """The one access function for files of requests: the same 404 for a
    file that does not exist, one of another request, and one this person
    may not read."""
    submission = get_submission_for(user, code)
    attachment = (
        Attachment.objects.filter(pk=attachment_id, submission=submission)
        .select_related("file", "original", "submission")
        .first()
    )
    if attachment is None:
        raise deny(user, "attachment", submission)
    return attachment


def attachment_view(request: HttpRequest, code: str, attachment_id: int) -> StreamingHttpResponse:
    """The clean copy of a file, as a download with the extension of its real type."""
    user = _user(request)
    attachment = get_attachment_for(user, code, attachment_id)
    meta, chunks = files.open_file(_intake_keys(user), attachment.file)
    record(user, "intake.file_downloaded", attachment.submission, attachment=attachment.pk)
    return downloads.download(
        chunks, size=attachment.file.size, name=meta.get("name", ""), fallback=code[:12]
    )


@require_POST
def original_view(request: HttpRequest, code: str, attachment_id: int) -> StreamingHttpResponse:
    """The original of a file, kept with the person's consent: a separate,
    deliberate (POST) and audited action. Sent as bytes of no type, so no
    browser opens it (it may hold the place, and whatever a PDF could run)."""
    user = _user(request)
    attachment = get_attachment_for(user, code, attachment_id)
    original = attachment.original
    if original is None:
        raise deny(user, "original", attachment.submission)
    keyring = _intake_keys(user)
    meta = files.unwrap(keyring, original)[1]
    chunks = actions.open_original(attachment, keyring, by=user)
    return downloads.download(
        chunks,
        size=original.size,
        name=meta.get("name", ""),
        fallback=code[:12],
        suffix="-original",
        inert=True,
    )


def questions_view(request: HttpRequest) -> HttpResponse:
    require(_user(request), Perm.MANAGE_FORM)
    return render(request, "intake/questions.html", {"questions": Question.objects.all()})


@require_http_methods(["GET", "POST"])
def question_edit_view(request: HttpRequest, question_id: int | None = None) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_FORM)
    question = Question.objects.filter(pk=question_id).first() if question_id else None
    if question_id and question is None:
        raise deny(user, "question", f"question:{question_id}")
    form = QuestionForm(request.POST or None, instance=question)
    if question is not None:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        record(user, "intake.question_saved", saved, active=saved.active)
        messages.success(request, _("The question was saved."))
        return redirect("intake:questions")
    return render(
        request,
        "intake/question_edit.html",
        {"form": form, "question": question},
        status=400 if form.errors else 200,
    )
