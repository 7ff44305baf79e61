"""Officials' statements: the list, recording one (set beside an act at
once when recorded from it), and a statement's page, which sets it beside
the acts it concerns and how far each is established."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions, statements, vocabularies
from safepassage.documentation.access import (
    WRITE,
    documentation_keys,
    get_act_for,
    get_statement_for,
)
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.edit_forms import StatementEditForm
from safepassage.documentation.evidence import evidence_beside
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import StatementForm
from safepassage.documentation.models import Statement
from safepassage.documentation.record_forms import StatementFilterForm
from safepassage.documentation.views.shared import filters_of, open_all, stale, user_of

PAGE = 50


@require_GET
def statement_list_view(request: HttpRequest) -> HttpResponse:
    """The statements, newest first, each with the facts it is set beside
    at a glance: how many acts, how far each is established, and how many
    events as a whole (as far as the reader may see them)."""
    user = user_of(request)
    documentation_keys(user)
    filters = filters_of(request)
    form = StatementFilterForm(filters or None)
    offer_terms(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = Statement.objects.select_related("stance").order_by(
        F("said_on").desc(nulls_last=True), "code"
    )
    if data.get("stance"):
        found = found.filter(stance__in=vocabularies.descendants(data["stance"]))
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    open_all(rows, "speaker", "office")
    glance = statements.at_a_glance(user, rows)
    record(user, "documentation.statements_listed", None, shown=len(rows), filtered=bool(data))
    return render(
        request,
        "documentation/statement_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(statement, glance[statement.pk]) for statement in rows],
            "query": filters.urlencode(),
            "can_record": user.can(WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
def statement_new_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_keys(user, WRITE)
    act_code = (request.POST.get("act") or request.GET.get("act") or "").strip()
    act = get_act_for(user, act_code, WRITE) if act_code else None
    form = StatementForm(request.POST or None, initial={"act": act.code if act else ""})
    offer_terms(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                statement = statements.record_statement(
                    user,
                    speaker=data["speaker"],
                    quote=data["quote"],
                    stance=data["stance"],
                    said_on=data["said_on"],
                    language=data["language"],
                    office=data["office"],
                    translation=data["translation"],
                    published_in=data["published_in"],
                )
                if act is not None:
                    statements.link_statement(
                        user, statement, event=act.event, act=act, passage=data["passage"]
                    )
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The statement was recorded."))
            return redirect("documentation:statement", code=statement.code)
    if act is not None:
        open_all([act.victim], "name")
        record(user, "documentation.act_viewed", act)
    return render(
        request,
        "documentation/statement_new.html",
        {"form": form, "act": act},
        status=400 if form.errors else 200,
    )


@require_GET
def statement_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    statement = get_statement_for(user, code)
    open_all([statement], "speaker", "office", "quote", "translation", "published_in")
    beside = statements.facts_beside(user, statement)
    commitments = list(statement.commitments.all())
    open_all(commitments, "promise")
    record(user, "documentation.statement_viewed", statement)
    note_restricted_reads(user, [item.event for item in beside], "statement")
    return render(
        request,
        "documentation/statement.html",
        {
            "statement": statement,
            "beside": beside,
            "commitments": commitments,
            "evidence": evidence_beside(user, statement),
            "attach_to": statement.code,
            "can_record": user.can(WRITE),
        },
    )


STATEMENT_FIELDS = (
    "speaker",
    "office",
    "said_on",
    "stance",
    "language",
    "quote",
    "translation",
    "published_in",
)
STATEMENT_TEXTS = ("speaker", "office", "quote", "translation", "published_in")


@require_http_methods(["GET", "POST"])
def statement_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    statement = get_statement_for(user, code, WRITE)
    open_all([statement], *STATEMENT_TEXTS)
    initial = {
        "version": statement.version,
        **{name: getattr(statement, name) or "" for name in STATEMENT_TEXTS},
        "said_on": statement.said_on,
        "stance": statement.stance_id,
        "language": statement.language_id,
    }
    form = StatementEditForm(request.POST or None, initial=initial)
    offer_terms(form, {"stance": statement.stance, "language": statement.language})
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = statements.change_statement(
                statement,
                by=user,
                version=data["version"],
                **{name: data[name] for name in STATEMENT_FIELDS},
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The statement was saved."))
            return redirect("documentation:statement", code=statement.code)
    current = Statement.objects.select_related("stance").filter(pk=statement.pk).first()
    open_all([current], *STATEMENT_TEXTS)
    record(user, "documentation.statement_viewed", statement)
    return render(
        request,
        "documentation/statement_edit.html",
        {"statement": statement, "form": form, "conflict": conflict, "current": current},
        status=409 if conflict else (400 if form.errors else 200),
    )
