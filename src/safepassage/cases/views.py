from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safepassage.audit.chain import record
from safepassage.cases.access import get_case_for
from safepassage.cases.presenting import read_identity, read_narrative
from safepassage.vault.keyring import current_keyring_or_none


def case_view(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for(request.user, code)  # type: ignore[arg-type]
    keyring = current_keyring_or_none()
    can_identity = keyring is not None and keyring.holds("identity")
    can_narrative = keyring is not None and keyring.holds("casework")
    record(request.user, "case.viewed", case, identity=can_identity, narrative=can_narrative)
    context = {
        "case": case,
        "identity": read_identity(case.identity or {}) if can_identity else None,
        "narrative": read_narrative(case.narrative or "") if can_narrative else None,
    }
    return render(request, "cases/case.html", context)
