"""Promises and their follow-up: the list (where each stands and since
when), recording one (from the statement it was made in, or alone), a
promise's page with its dated, sourced history of status changes and the
form that adds the next, and correcting what a promise says. Changes are
only ever added; both forms are locked optimistically."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import actions, statements
from safepassage.documentation.access import (
    WRITE,
    can_see_person,
    documentation_keys,
    get_commitment_for,
    get_person_for,
    get_statement_for,
)
from safepassage.documentation.models import Commitment, Person, Statement
from safepassage.documentation.record_forms import (
    CommitmentChangeForm,
    CommitmentFilterForm,
    CommitmentForm,
)
from safepassage.documentation.views.shared import filters_of, open_all, stale, user_of

PAGE = 50
TEXTS = ("promised_by", "promised_to", "promise")


@require_GET
def commitments_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = CommitmentFilterForm(filters or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = Commitment.objects.annotate(followed_up=Max("changes__changed_on"))
    if data.get("status"):
        found = found.filter(status=data["status"])
    found = found.select_related("statement").order_by(
        F("promised_on").desc(nulls_last=True), "code"
    )
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    open_all(rows, *TEXTS)
    open_all([row.statement for row in rows], "speaker")
    record(user, "documentation.commitments_listed", None, shown=len(rows), filtered=bool(data))
    return render(
        request,
        "documentation/commitments.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": filters.urlencode(),
            "can_record": user.can(WRITE),
        },
    )


def _statement(user: User, code: str) -> Statement | None:
    code = (code or "").strip()
    return get_statement_for(user, code, WRITE) if code else None


@require_http_methods(["GET", "POST"])
def commitment_new_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user, WRITE)
    statement = _statement(user, request.POST.get("statement") or request.GET.get("statement", ""))
    initial: dict[str, object] = {"statement": statement.code if statement else ""}
    if statement is not None:
        open_all([statement], "speaker", "office")
        initial.update(promised_by=statement.speaker, promised_on=statement.said_on)
    form = CommitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = statements.record_commitment(
                user,
                statement=statement,
                promised_by=data["promised_by"],
                promised_to=data["promised_to"],
                promised_on=data["promised_on"],
                promise=data["promise"],
            )
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The promise was recorded."))
            return redirect("documentation:commitment", code=commitment.code)
    return render(
        request,
        "documentation/commitment_form.html",
        {"form": form, "statement": statement, "new": True},
        status=400 if form.errors else 200,
    )


def _source(user: User, code: str) -> Person | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    try:
        return get_person_for(user, code, WRITE)
    except Http404:
        raise actions.Refused(
            _("Nobody you may see has the code %(code)s.") % {"code": code[:12]}
        ) from None


def _history(user: User, commitment: Commitment) -> list[dict[str, object]]:
    """The status changes, oldest first, each source named only for those
    who may see that person (documentation.access.can_see_person)."""
    changes = list(commitment.changes.select_related("source", "recorded_by"))
    open_all(changes, "reference", "note")
    shown = [c.source for c in changes if c.source is not None and can_see_person(user, c.source)]
    open_all(shown, "name")
    visible = {person.pk for person in shown}
    return [
        {"change": change, "source": change.source if change.source_id in visible else None}
        for change in changes
    ]


@require_http_methods(["GET", "POST"])
def commitment_view(request: HttpRequest, code: str) -> HttpResponse:
    """A promise, its history, and (for those who record) the next change."""
    user = user_of(request)
    commitment = get_commitment_for(user, code)
    can_record = user.can(WRITE)
    form = CommitmentChangeForm(
        request.POST or None,
        initial={"version": commitment.version, "changed_on": timezone.localdate()},
    )
    conflict = False
    if request.method == "POST":
        commitment = get_commitment_for(user, code, WRITE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                statements.change_commitment_status(
                    commitment,
                    by=user,
                    version=data["version"],
                    status=data["status"],
                    changed_on=data["changed_on"],
                    source=_source(user, data["source_code"]),
                    reference=data["reference"],
                    note=data["note"],
                )
            except actions.StaleRecord as refusal:
                conflict = True
                commitment.refresh_from_db()
                stale(form, refusal.current_version)
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The follow-up was added."))
                return redirect("documentation:commitment", code=commitment.code)
    open_all([commitment], *TEXTS)
    if commitment.statement is not None:
        open_all([commitment.statement], "speaker")
    record(user, "documentation.commitment_viewed", commitment)
    return render(
        request,
        "documentation/commitment.html",
        {
            "commitment": commitment,
            "history": _history(user, commitment),
            "form": form if can_record else None,
            "can_record": can_record,
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


@require_http_methods(["GET", "POST"])
def commitment_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    commitment = get_commitment_for(user, code, WRITE)
    initial = {
        "version": commitment.version,
        "promised_by": commitment.promised_by,
        "promised_to": commitment.promised_to or "",
        "promised_on": commitment.promised_on,
        "promise": commitment.promise,
    }
    form = CommitmentForm(request.POST or None, initial=initial)
    form.fields["version"].required = True
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = statements.change_commitment(
                commitment,
                by=user,
                version=data["version"],
                **{name: data[name] for name in ("promised_on", *TEXTS)},
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The promise was saved."))
            return redirect("documentation:commitment", code=commitment.code)
    current = Commitment.objects.filter(pk=commitment.pk).first()
    open_all([current], *TEXTS)
    record(user, "documentation.commitment_viewed", commitment)
    return render(
        request,
        "documentation/commitment_form.html",
        {"form": form, "commitment": commitment, "conflict": conflict, "current": current},
        status=409 if conflict else (400 if form.errors else 200),
    )
