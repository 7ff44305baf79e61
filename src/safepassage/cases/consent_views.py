"""Pages of consent, referrals and transfers for one case, under
/cases/<code>/consent/: the page (the case page's section, on its own),
recording and withdrawing consent, making a referral or a transfer,
downloading its bundle, and recording a partner's answer to a transfer.
Views parse, call the action, and render; the actions check and audit."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import referrals
from safepassage.cases.access import (
    get_case_for,
    get_consent_for,
    get_sent_bundle_for,
    may_read_identity,
)
from safepassage.cases.consent import (
    ConsentError,
    ConsentMissing,
    namer,
    record_consent,
    withdraw_consent,
)
from safepassage.cases.consent_forms import AnswerForm, ConsentForm, ShareForm, WithdrawForm
from safepassage.cases.consent_page import section_context
from safepassage.cases.models import Case, ConsentKind, HandedOverTestimony
from safepassage.cases.testimony_views import told_messages
from safepassage.vault.errors import NotInCompartment, NotInitialised, Tampered, VaultSealed
from safepassage.vault.keyring import current_keyring_or_none


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, case: Case, status: int = 200, **kwargs: object) -> HttpResponse:
    context = section_context(request, case, **kwargs)  # type: ignore[arg-type]
    return render(request, "cases/consent.html", {"case": case, **context}, status=status)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:consent", args=[case.code]) + (f"#{anchor}" if anchor else ""))


@require_GET
def consent_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    keyring = current_keyring_or_none()
    readable = keyring is not None and keyring.holds("casework")
    record(
        user,
        "case.consent_viewed",
        case,
        identity=may_read_identity(user, case),
        explanations=readable,
    )
    return _page(request, case)


@require_POST
def record_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    require(user, Perm.RECORD_CONSENT)
    people = list(case.people.order_by("position"))
    form = ConsentForm(request.POST, people=people, name=namer(user, case, people))
    if form.is_valid():
        data = form.cleaned_data
        person = form.chosen_person()
        before = _handover_state(person.pk)
        try:
            record_consent(
                person,
                kind=data["kind"],
                partner=data["partner"],
                country=data["country"],
                scope=data["scope"],
                given_on=data["given_on"],
                method=data["method"],
                explanation=data["explanation"],
                seen=data["seen"],
                by=user,
            )
        except ConsentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consent was recorded."))
            if _handover_state(person.pk) != before:
                _said_to_documentation(request, person.pk)
            return _back(case, "consent-people")
    return _page(request, case, 400, record_form=form)


@require_POST
def withdraw_view(request: HttpRequest, code: str, consent_id: str) -> HttpResponse:
    user = _user(request)
    consent = get_consent_for(user, code, consent_id)
    case = consent.case
    require(user, Perm.RECORD_CONSENT)
    form = WithdrawForm(request.POST, prefix=f"withdraw-{consent.pk.hex}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _page(request, case, 400)
    try:
        withdraw_consent(consent, on=form.cleaned_data["withdrawn_on"], by=user)
    except ConsentError as error:
        messages.error(request, error.message)
        return _page(request, case, 400)
    messages.success(request, _("The consent was withdrawn. It stays in the history."))
    if consent.kind == ConsentKind.TESTIMONY:
        _said_to_documentation(request, consent.person_id)
    return _back(case, "consent-people")


def _handover_state(person_id: uuid.UUID) -> tuple[object, ...] | None:
    """What the documentation was told of a hand-over's consent, to see
    whether recording a consent changed it."""
    found = HandedOverTestimony.objects.filter(person_id=person_id).values_list(
        "withdrawn_on", "given_again_on", "given_again_told"
    )
    return found.first()


def _said_to_documentation(request: HttpRequest, person_id: uuid.UUID) -> None:
    """Whether the documentation heard of a change to the consent to
    testimony of someone whose testimony was handed over (none: nothing)."""
    handover = HandedOverTestimony.objects.filter(person_id=person_id).first()
    if handover is None or (handover.withdrawn_on is None and handover.given_again_on is None):
        return
    told, untold = told_messages(handover)
    if handover.untold:
        messages.warning(request, untold)
    else:
        messages.success(request, told)


@require_POST
def share_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    require(user, Perm.SHARE_CASES)
    form = ShareForm(request.POST, may_override=user.can(Perm.OVERRIDE_CONSENT))
    if not form.is_valid():
        return _page(request, case, 400, share_form=form)
    data = form.cleaned_data
    try:
        sent = referrals.share(
            case,
            data["partner"],
            kind=data["kind"],
            parts=data["parts"],
            override_reason=data.get("override_reason") or "",
            by=user,
        )
    except ConsentMissing as refusal:
        people = list(case.people.order_by("position"))
        sentences = refusal.sentences(namer(user, case, people))
        return _page(request, case, 400, share_form=form, refusal=sentences)
    except ConsentError as error:
        form.add_error(None, error.message)
        return _page(request, case, 400, share_form=form)
    except (NotInCompartment, VaultSealed):
        form.add_error(
            None, _("Making a bundle needs the keys of the identity and casework compartments.")
        )
        return _page(request, case, 400, share_form=form)
    except NotInitialised:
        form.add_error(
            None,
            _(
                "This organisation has no partner key yet: an operator makes one with "
                "“safepassage keys partner-key”."
            ),
        )
        return _page(request, case, 400, share_form=form)
    except Tampered:
        form.add_error(
            None,
            _(
                "This partner's key in the database is not the one that was recorded: "
                "nothing was sealed to it. Tell an administrator."
            ),
        )
        return _page(request, case, 400, share_form=form)
    messages.success(
        request,
        _("The bundle for %(partner)s is ready: download it below and carry it to them.")
        % {"partner": sent.partner.name},
    )
    return _back(case, f"sent-{sent.pk.hex}")


@require_GET
def download_view(request: HttpRequest, code: str, bundle_id: str) -> HttpResponse:
    user = _user(request)
    sent = get_sent_bundle_for(user, code, bundle_id)
    data = referrals.downloaded(sent, by=user)
    response = HttpResponse(data, content_type="application/octet-stream")
    name = f"{sent.case.code}-{sent.kind}-{sent.pk.hex[:8]}.spbundle"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def answer_view(request: HttpRequest, code: str, bundle_id: str) -> HttpResponse:
    user = _user(request)
    sent = get_sent_bundle_for(user, code, bundle_id)
    form = AnswerForm(request.POST, prefix=f"answer-{sent.pk.hex}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _page(request, sent.case, 400)
    try:
        referrals.answer_transfer(
            sent,
            accepted=form.cleaned_data["answer"] == "accepted",
            on=form.cleaned_data["answered_on"],
            by=user,
        )
    except ConsentError as error:
        messages.error(request, error.message)
        return _page(request, sent.case, 400)
    messages.success(request, _("Their answer was recorded."))
    return _back(sent.case, f"sent-{sent.pk.hex}")
