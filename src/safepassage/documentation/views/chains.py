"""Chains of events from an event's page: adding a link (this event is
<kind> of that one) and removing one, with plain forms (no JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.documentation import actions, chains
from safepassage.documentation.access import WRITE, get_event_for, get_event_link_for
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.record_forms import ChainForm
from safepassage.documentation.views.shared import open_all, user_of


def _chain_of(code: str) -> str:
    return reverse("documentation:event", args=[code]) + "#chain-heading"


@require_http_methods(["GET", "POST"])
def chain_add_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    event = get_event_for(user, code, WRITE)
    form = ChainForm(request.POST or None)
    offer_terms(form)
    if request.method == "POST" and form.is_valid():
        try:
            other = get_event_for(user, form.cleaned_data["other"], WRITE)
        except Http404:
            # The same words for an event that does not exist and one the
            # documenter may not see.
            form.add_error("other", _("No event you may see has this code."))
        else:
            try:
                chains.link_events(user, event, other, form.cleaned_data["kind"])
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The events were linked."))
                return redirect(_chain_of(event.code))
    open_all([event], "title")
    return render(
        request,
        "documentation/chain_form.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def chain_remove_view(request: HttpRequest, link_id: int) -> HttpResponse:
    user = user_of(request)
    link = get_event_link_for(user, link_id, WRITE)
    # Back to the page the form was on: one of the link's two events.
    ends = {link.event.code, link.related.code}
    back = request.POST.get("from", "")
    chains.unlink_events(user, link)
    messages.success(request, _("The link between the events was removed."))
    return redirect(_chain_of(back if back in ends else link.event.code))
