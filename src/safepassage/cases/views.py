from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import actions
from safepassage.cases.access import get_case_for
from safepassage.cases.models import Case
from safepassage.cases.presenting import (
    Household,
    label,
    read_identity,
    read_narrative,
    read_people,
)
from safepassage.vault.keyring import current_keyring_or_none


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _household(case: Case) -> Household:
    if not case.people_moved:
        return read_identity(case.identity if isinstance(case.identity, dict) else {})
    people = list(case.people.order_by("position").opened("identity"))
    return read_people(people, case.household_notes)


def case_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    keyring = current_keyring_or_none()
    can_identity = keyring is not None and keyring.holds("identity")
    can_narrative = keyring is not None and keyring.holds("casework")
    record(user, "case.viewed", case, identity=can_identity, narrative=can_narrative)
    context = {
        "case": case,
        "urgency": label("urgency", str(case.urgency)),
        "household": _household(case) if can_identity else None,
        "narrative": read_narrative(case.narrative or "", case.answers) if can_narrative else None,
    }
    return render(request, "cases/case.html", context)


@require_POST
def move_people_view(request: HttpRequest, code: str) -> HttpResponse:
    """A case stored before people were rows, moved by a member of identity."""
    user = _user(request)
    case = get_case_for(user, code)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("identity"):
        raise deny(user, "compartment", "compartment:identity")
    actions.move_people(case, by=user)
    messages.success(request, _("Each person of this case now has their own record."))
    return redirect("cases:case", code=case.code)
