"""Whom an event is shown to beyond the compartment: everyone who
documents, or only the person who recorded it and the teams and named
people it is shared with. Saved by the event's own action
(documentation.actions.change_event), locked optimistically and audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.audit.chain import record
from safepassage.documentation import actions
from safepassage.documentation.access import WRITE, get_event_for
from safepassage.documentation.confidentiality import shared_with
from safepassage.documentation.models import Event
from safepassage.documentation.record_forms import SharingForm
from safepassage.documentation.views.shared import open_all, stale, user_of


@require_http_methods(["GET", "POST"])
def sharing_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    teams, users = shared_with(event)
    form = SharingForm(
        request.POST or None,
        initial={
            "version": event.version,
            "confidentiality": event.confidentiality,
            "teams": teams,
            "users": users,
        },
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = actions.change_event(
                event,
                by=user,
                version=data["version"],
                teams=data["teams"],
                users=data["users"],
                confidentiality=data["confidentiality"],
            )
        except actions.StaleRecord as refusal:
            conflict = True
            stale(form, refusal.current_version)
            event = Event.objects.get(pk=event.pk)
            teams, users = shared_with(event)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if changed:
                messages.success(request, _("Who may see the event was saved."))
            return redirect("documentation:event", code=event.code)
    open_all([event], "title")
    record(user, "documentation.event_viewed", event)
    return render(
        request,
        "documentation/sharing.html",
        {"event": event, "form": form, "conflict": conflict, "teams": teams, "users": users},
        status=409 if conflict else (400 if form.errors else 200),
    )
