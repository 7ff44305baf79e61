"""Editing an act (its verification status too), and setting an official's
statement beside it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions, statements
from safepassage.documentation.access import WRITE, get_act_for, get_statement_for
from safepassage.documentation.fields import initial_terms, offer_terms
from safepassage.documentation.forms import ActForm, LinkStatementForm
from safepassage.documentation.models import Act, Statement
from safepassage.documentation.views.shared import open_all, stale, user_of

FIELDS = (
    "act_type",
    "start",
    "end",
    "place",
    "method",
    "stated_reason",
    "consequences",
    "victim_status",
    "verification",
    "verified_on",
)


@require_http_methods(["GET", "POST"])
def act_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    act = get_act_for(user, code, WRITE)
    initial = {
        "version": act.version,
        "start": act.start,
        "end": act.end,
        "place": act.place,
        "method": act.method or "",
        "stated_reason": act.stated_reason or "",
        "consequences": act.consequences or "",
        "verification": act.verification,
        "verified_on": act.verified_on,
        **initial_terms(act, ["act_type", "victim_status"]),
    }
    form = ActForm(request.POST or None, initial=initial)
    offer_terms(
        form,
        {"act_type": act.act_type, "victim_status": act.victim_status, "place": act.place_area},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = actions.change_act(
                act, by=user, version=data["version"], **{name: data[name] for name in FIELDS}
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("The act was saved."))
            return redirect("documentation:event", code=act.event.code)
    current = Act.objects.select_related("act_type", "place_area").get(pk=act.pk)
    open_all([current], "method", "stated_reason", "consequences", "place_detail")
    open_all([act.victim], "name")
    record(user, "documentation.act_viewed", act)
    return render(
        request,
        "documentation/act_edit.html",
        {"act": act, "form": form, "conflict": conflict, "current": current},
        status=409 if conflict else (400 if form.errors else 200),
    )


def statement_choices() -> list[tuple[str, str]]:
    """Statements to choose from, newest first: date, speaker, stance."""
    found = list(Statement.objects.select_related("stance").order_by("-said_on", "code")[:500])
    open_all(found, "speaker")
    return [("", "—")] + [
        (
            s.code,
            " · ".join(
                part
                for part in (
                    formats.date_format(s.said_on, "DATE_FORMAT") if s.said_on else "",
                    s.speaker,
                    s.stance.label(),
                )
                if part
            ),
        )
        for s in found
    ]


@require_http_methods(["GET", "POST"])
def act_statement_view(request: HttpRequest, code: str) -> HttpResponse:
    """Set a statement already recorded beside this act (or go and record one)."""
    user = user_of(request)
    act = get_act_for(user, code, WRITE)
    form = LinkStatementForm(request.POST or None)
    form.fields["statement"].choices = statement_choices()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        statement = get_statement_for(user, form.cleaned_data["statement"], WRITE)
        try:
            statements.link_statement(
                user,
                statement,
                event=act.event,
                act=act,
                passage=form.cleaned_data["passage"],
            )
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The statement is set beside the act."))
            return redirect("documentation:statement", code=statement.code)
    open_all([act.victim], "name")
    record(user, "documentation.act_viewed", act)
    return render(
        request,
        "documentation/act_statement.html",
        {"act": act, "form": form},
        status=400 if form.errors else 200,
    )
