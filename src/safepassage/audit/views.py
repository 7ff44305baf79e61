"""The auditor's page: the log as people read it, with filters, and whether
the chain holds.

Each view checks the entries written since the last checkpoint (a few, not
the whole chain) and the triggers; the full check runs from its button, in
the background, and its last result is shown. A GET writes the audit entry
of the read and, when the check passed, a checkpoint: both belong to the
audit log's own bookkeeping (docs/decisions.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.access import requires
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit import display, fullcheck, pages
from safepassage.audit.chain import record
from safepassage.audit.checkpoints import last_full
from safepassage.audit.forms import AuditFilterForm
from safepassage.audit.models import AuditEntry, FullCheckStatus
from safepassage.audit.rows import Unreadable
from safepassage.audit.verify import verify

# Seconds between reloads of the page while a full check runs.
REFRESH = 5


def _position(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _full_check_context() -> dict[str, object]:
    running = fullcheck.current()
    status = fullcheck.status_of(running) if running is not None else ""
    result = fullcheck.last_result()
    passed = last_full()
    due = passed is None or passed.at is None or timezone.now() - passed.at > fullcheck.DUE_AFTER
    return {
        "full_check": running,
        "full_check_status": status,
        "full_check_running": status == FullCheckStatus.RUNNING,
        "full_check_interrupted": status == FullCheckStatus.INTERRUPTED,
        "full_check_percent": min(99, 100 * running.checked // running.total)
        if running is not None and running.total
        else 0,
        "last_full_result": result[0] if result else None,
        "last_full_problem": result[1] if result else None,
        "last_full_pass": passed,
        "full_check_due": due,
    }


@requires(Perm.VIEW_AUDIT_LOG)
@require_GET
def audit_log_view(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    verification = verify()
    # The page's place in the log is not a filter: the panel stays closed.
    filters = request.GET.copy()
    for name in ("before", "after"):
        filters.pop(name, None)
    form = AuditFilterForm(viewer, filters or None)
    entries = AuditEntry.objects.all()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    try:
        with transaction.atomic():  # a savepoint, should the query be refused
            page = pages.page_of(entries, _position(request, "before"), _position(request, "after"))
    except (DatabaseError, Unreadable):
        # The table was changed so that it cannot be filtered as stored; the
        # status above names what is wrong.
        page = pages.Page([], None, None)
    lines = display.lines(viewer, page.rows)
    names = display.Names(viewer, []).reads_names
    record(viewer, "audit.viewed", None, chain_ok=verification.ok, names=names)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    target = form.cleaned_data.get("target") if form.is_bound and form.is_valid() else ""
    context = {
        "form": form,
        "page": page,
        "lines": lines,
        "verification": verification,
        "query": query.urlencode(),
        "target": display.Names(viewer, [target]).target(target) if target else None,
        "names": names,
        "refresh": REFRESH,
        **_full_check_context(),
    }
    return render(request, "audit/log.html", context, status=400 if form.errors else 200)


@requires(Perm.VIEW_AUDIT_LOG)
@require_POST
def full_check_view(request: HttpRequest) -> HttpResponse:
    if fullcheck.start(request.user) is None:
        messages.info(request, _("A full check is already running."))
    else:
        messages.success(
            request, _("The full check has started. This page shows how far it has got.")
        )
    return redirect("audit:log")
