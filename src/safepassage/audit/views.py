"""The auditor's page: the log with filters, and whether the chain holds."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.access import requires
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record, verify
from safepassage.audit.models import AuditEntry, Outcome

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=64,
        help_text=_("For example auth. or staff.created"),
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=64)
    target = forms.CharField(label=_("Target"), required=False, max_length=128)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("any")), *Outcome.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("action"):
            entries = entries.filter(action__startswith=data["action"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("target"):
            entries = entries.filter(target=data["target"])
        if data.get("outcome"):
            entries = entries.filter(outcome=data["outcome"])
        tz = timezone.get_current_timezone()
        if data.get("since"):
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data.get("until"):
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
        return entries


@requires(Perm.VIEW_AUDIT_LOG)
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-seq")
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    verification = verify()
    record(request.user, "audit.viewed", None, chain_ok=verification.ok)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "verification": verification,
        "query": query.urlencode(),
    }
    return render(request, "audit/log.html", context, status=400 if form.errors else 200)
