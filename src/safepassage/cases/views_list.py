"""The list of cases (/cases/): filters, search, order and pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import listing, viewers
from safepassage.cases.access import visible_cases
from safepassage.cases.forms import ACTIVE, CaseListForm


@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require(user, Perm.VIEW_CASES)
    data = request.GET.copy()
    data.setdefault("stage", ACTIVE)
    form = CaseListForm(data, teams=listing.teams_for(user), staff=listing.staff_for(user))
    # A filter that does not parse (a hand-made address) is shown with its
    # message, and the list as if it were not there.
    choices = form.cleaned_data if form.is_valid() else {"stage": ACTIVE}
    named = listing.found_by_name(user, choices)
    cases = listing.filtered(user, choices, named)
    page = Paginator(cases, listing.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = listing.rows(list(page))
    record(user, "case.list_viewed", None, shown=len(rows))
    # A case found by a name tells who it is: a read of its identity.
    viewers.record_identity_shown(user, [r.case for r in rows if r.case.pk in named], "search")
    locked = visible_cases(user).filter(locked_on__isnull=False).count()
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "locked": locked,
            "name_search": listing.may_search_names(user),
            "filtered": any(key in request.GET for key in form.fields),
        },
    )
