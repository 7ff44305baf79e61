"""The case page and what is done on it: each POST parses a form, calls
one action, and either goes back to the page with a message or shows the
page again with the form as it was sent and what stood in the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import actions, household, stages, verification
from safepassage.cases.access import get_case_for, may_read_identity
from safepassage.cases.errors import Refused
from safepassage.cases.forms import (
    CaseForm,
    CheckForm,
    MoveForm,
    OutcomeForm,
    TeamForm,
    UnlockForm,
)
from safepassage.cases.models import Case, StageChange
from safepassage.cases.presenting import household_of, label, read_narrative
from safepassage.vault.keyring import current_keyring_or_none

# The sections other parts of casework add to the case page, each from
# ``safepassage.cases.<name>.section(request, case)`` and the template
# ``cases/sections/<name>.html``, if this installation has the module.
SECTIONS = ("tasks", "stays", "travel", "consent", "notes")

# Each form of the page has its own prefix, so no two fields share an id.
PREFIXES = {
    "move_form": "move",
    "other_move_form": "other",
    "case_form": "case",
    "team_form": "team",
    "check_form": "check",
    "outcome_form": "outcome",
    "unlock_form": "unlock",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _sections(request: HttpRequest, case: Case) -> list[SafeString]:
    shown = []
    for name in SECTIONS:
        module = stages.feature_module(f"safepassage.cases.{name}")
        section = getattr(module, "section", None)
        if section is None:
            continue
        context = section(request, case)
        if context is None:
            continue
        html = render_to_string(
            f"cases/sections/{name}.html", {"case": case, **context}, request=request
        )
        shown.append(mark_safe(html))  # noqa: S308 (rendered by our own template, escaped there)
    return shown


def _history(case: Case, can_read: bool) -> list[tuple[StageChange, str | None]]:
    changes = StageChange.objects.filter(case=case).select_related("by").order_by("-number")
    if can_read:
        return [(change, change.reason) for change in changes.opened("reason")]
    return [(change, None) for change in changes]


def _forms(user: User, case: Case, options: list[stages.Option]) -> dict[str, forms.Form | None]:
    initial = {"version": case.version}
    other = [(o.to, o.label) for o in options if o.kind != stages.Kind.FORWARD]
    can_work = user.can(Perm.WORK_CASES) and not case.locked
    can_verify = user.can(Perm.VERIFY_CASES) and not case.locked
    can_verify = can_verify and case.stage in verification.OPEN_STAGES
    p = PREFIXES
    return {
        "move_form": MoveForm(initial=initial, prefix=p["move_form"]),
        "other_move_form": MoveForm(initial=initial, targets=other, prefix=p["other_move_form"])
        if other
        else None,
        "case_form": CaseForm(
            initial={
                **initial,
                "assignee": str(case.assignee_id or ""),
                "risk": case.risk,
                "risk_factors": case.risk_factor_codes,
                "flags": case.flag_codes,
            },
            candidates=actions.assignable(case),
            prefix=p["case_form"],
        )
        if can_work
        else None,
        "team_form": TeamForm(
            initial={**initial, "team": str(case.team_id or "")}, prefix=p["team_form"]
        )
        if user.can(Perm.DECIDE_CASES) and not case.locked
        else None,
        "check_form": CheckForm(initial=initial, prefix=p["check_form"]) if can_verify else None,
        "outcome_form": OutcomeForm(initial=initial, prefix=p["outcome_form"])
        if can_verify
        else None,
        "unlock_form": UnlockForm(initial=initial, prefix=p["unlock_form"])
        if case.locked and user.can(Perm.DECIDE_CASES)
        else None,
    }


def _page(
    request: HttpRequest, case: Case, status: int = 200, **bound: forms.Form | None
) -> HttpResponse:
    user = _user(request)
    keyring = current_keyring_or_none()
    can_identity = may_read_identity(user, case)
    can_narrative = keyring is not None and keyring.holds("casework")
    record(user, "case.viewed", case, identity=can_identity, narrative=can_narrative)
    # What the case lacks for each stage, checked once for the moves and the next steps.
    known: dict[str, list[str]] = {}
    options = stages.options(case, user, known)
    every_round = verification.every_round(case)
    checklist = verification.checklist_of(every_round[0] if every_round else None)
    context: dict[str, Any] = {
        "case": case,
        "urgency": label("urgency", str(case.urgency)),
        "household": household_of(user, case),
        "identity_hidden": not can_identity and keyring is not None and keyring.holds("identity"),
        "can_describe": household.may_describe(user, case),
        # The request the case was opened from opens only for those who
        # work the inbox with its keys; others see its code alone.
        "request_link": user.can(Perm.TRIAGE_REQUESTS)
        and keyring is not None
        and keyring.holds("intake"),
        "narrative": read_narrative(case.narrative or "", case.answers) if can_narrative else None,
        "can_read_notes": can_narrative,
        "overdue": stages.is_overdue(case),
        "next_steps": stages.next_steps(case, known),
        "forward": [option for option in options if option.kind == stages.Kind.FORWARD],
        "checklist": checklist,
        "check_notes": [
            (check, check.note if can_narrative else None) for check in checklist.checks
        ],
        "rounds": [
            (round_, round_.reasons if can_narrative else None)
            for round_ in every_round
            if round_.finished
        ],
        "history": _history(case, can_narrative),
        "sections": _sections(request, case),
        "may_view_reads": user.can(Perm.VIEW_CASE_READS),
        **_forms(user, case, options),
    }
    context.update(bound)
    return render(request, "cases/case.html", context, status=status)


@require_GET
def case_view(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, get_case_for(_user(request), code))


def _act(
    request: HttpRequest,
    code: str,
    form_class: Callable[..., forms.Form],
    slot: str,
    act: Callable[[Case, dict[str, Any]], str],
    **form_kwargs: Any,
) -> HttpResponse:
    """Parse the form, call the action, and go back to the case page with
    its message; a form with errors or a refusal shows the page again with
    the form as sent (nothing is lost, nothing was changed)."""
    user = _user(request)
    case = get_case_for(user, code)
    extra = {name: value(case) if callable(value) else value for name, value in form_kwargs.items()}
    form = form_class(request.POST, prefix=PREFIXES[slot], **extra)
    if form.is_valid():
        try:
            done = act(case, form.cleaned_data)
        except Refused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, done)
            return redirect("cases:case", code=case.code)
    case.refresh_from_db()
    # Shown again with what was typed, and the case's version now: sent
    # again after a look at the page, it is checked against this state.
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(case.version)
    form.data = data
    return _page(request, case, status=400, **{slot: form})


@require_POST
def move_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        stages.move_case(
            case, to=data["to"], by=user, reason=data["reason"], version=data["version"]
        )
        return _("The case is now “%(stage)s”.") % {"stage": case.get_stage_display()}

    def others(case: Case) -> list[tuple[str, str]]:
        options = stages.options(case, user)
        return [(o.to, o.label) for o in options if o.kind != stages.Kind.FORWARD]

    if "other-to" in request.POST:
        return _act(request, code, MoveForm, "other_move_form", act, targets=others)
    return _act(request, code, MoveForm, "move_form", act)


@require_POST
def edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        changed = actions.update_case(
            case,
            by=user,
            version=data["version"],
            risk=data["risk"],
            risk_factors=data["risk_factors"],
            flags=data["flags"],
            assignee=data["assignee"],
        )
        return _("Saved.") if changed else _("Nothing was changed.")

    return _act(request, code, CaseForm, "case_form", act, candidates=actions.assignable)


@require_POST
def team_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        changed = actions.give_to_team(case, team=data["team"], by=user, version=data["version"])
        return _("Saved.") if changed else _("Nothing was changed.")

    return _act(request, code, TeamForm, "team_form", act)


@require_POST
def check_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        verification.record_check(
            case,
            kind=data["kind"],
            finding=data["finding"],
            referee=data["referee"],
            note=data["note"],
            by=user,
            version=data["version"],
        )
        return _("The check was recorded.")

    return _act(request, code, CheckForm, "check_form", act)


@require_POST
def outcome_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        done = verification.finish(
            case, outcome=data["outcome"], reasons=data["reasons"], by=user, version=data["version"]
        )
        if case.locked:
            return _(
                "The case is locked and its contacts are flagged wherever they appear. "
                "The team sees the alert."
            )
        return _("The verification ended: %(outcome)s.") % {"outcome": done.get_outcome_display()}

    return _act(request, code, OutcomeForm, "outcome_form", act)


@require_POST
def unlock_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)

    def act(case: Case, data: dict[str, Any]) -> str:
        verification.unlock(
            case,
            reason=data["reason"],
            clear_suspicion=data["clear_suspicion"],
            by=user,
            version=data["version"],
        )
        return _("The case is unlocked.")

    return _act(request, code, UnlockForm, "unlock_form", act)


@require_POST
def move_people_view(request: HttpRequest, code: str) -> HttpResponse:
    """A case stored before people were rows, moved by a member of identity."""
    user = _user(request)
    case = get_case_for(user, code)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("identity"):
        raise deny(user, "compartment", "compartment:identity")
    if not may_read_identity(user, case):
        raise deny(user, "case", case)
    actions.move_people(case, by=user)
    messages.success(request, _("Each person of this case now has their own record."))
    return redirect("cases:case", code=case.code)
