"""Counting from our documentation: the form on the "Counting victims"
page makes a count (analysis.handover), and the count's page says what
was counted, verified and not verified apart, and which lists it made."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.access import require
from safepassage.accounts.roles import Perm
from safepassage.analysis.access import get_count_for
from safepassage.analysis.forms import CountForm, ImportForm, RunForm
from safepassage.analysis.handover import CountRefused, count_from_documentation
from safepassage.analysis.list_labels import label_lists
from safepassage.analysis.models import VictimList
from safepassage.analysis.views.lists import home_page
from safepassage.analysis.views.shared import user_of
from safepassage.documentation import access as documentation_access
from safepassage.documentation.counting import Rules, Unit
from safepassage.documentation.models import Term, Verification


@require_POST
def count_start_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    documentation_access.documentation_keys(user)
    require(user, Perm.IMPORT_LISTS)
    form = CountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = count_from_documentation(
                user,
                period_from=data["period_from"],
                period_to=data["period_to"],
                act_types=form.chosen_types(),
                scope=data["scope"],
            )
        except CountRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("analysis:count", count_id=count.pk)
    page = home_page(request, user, ImportForm(), RunForm(), count_form=form, count_failed=True)
    page.status_code = 400
    return page


@require_GET
def count_view(request: HttpRequest, count_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    count = get_count_for(user, count_id)
    summary: dict[str, Any] = count.summary or {}
    terms = {
        term.code: term
        for term in Term.objects.filter(vocabulary__key="act_type").select_related("vocabulary")
    }
    categories = [
        {
            "term": terms.get(row["code"]),
            "code": row["code"],
            "per_victim": row["unit"] == Unit.VICTIM,
            "verified": row.get(Verification.VERIFIED, 0),
            "corroborated": row.get(Verification.CORROBORATED, 0),
            "reported": row.get(Verification.REPORTED, 0),
            "total": sum(row.get(status, 0) for status in Verification.values),
        }
        for row in summary.get("categories", [])
    ]
    lists = {
        str(item.pk): item
        for item in label_lists(
            VictimList.objects.filter(documentation_count=count)
            .annotate(size=Count("records"))
            .opened()
        )
    }
    made = [
        {**row, "list": lists[row["id"]]} for row in summary.get("lists", []) if row["id"] in lists
    ]
    return render(
        request,
        "analysis/count.html",
        {
            "count": count,
            "summary": summary,
            "categories": categories,
            "made": made,
            "chosen": [terms[code] for code in count.act_types if code in terms],
            "rules": Rules().written_out(),
            "can_link": user.can(Perm.ANALYSE),
        },
    )
