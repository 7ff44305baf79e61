"""Logging in: password, then a second factor (enrolled at first login)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import throttle
from safepassage.accounts.forms import CodeForm, EnrolForm, LoginForm
from safepassage.accounts.models import StaffIdentity, User, normalise_username
from safepassage.accounts.recovery import issue_recovery_codes
from safepassage.accounts.sessions import (
    complete_login,
    end_session,
    now,
    passed_both_factors,
    safe_next,
)
from safepassage.accounts.twofactor import (
    check_code,
    confirm_authenticator,
    has_authenticator,
    pending_authenticator,
    qr_code_svg,
    secret_for_humans,
)
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.vault import keys as vault_keys
from safepassage.vault import session as vault_session
from safepassage.vault.fields import blind_index
from safepassage.vault.models import VaultState

PENDING = "sp_pending"
PENDING_SECONDS = 5 * 60

# When this browser's session began, signed, for as long as the browser is
# open: if "seal now" ends the session, the login page can tell this
# browser (and no other) why. It names no one.
BEGAN_COOKIE = "sp_began"
BEGAN_SALT = "safepassage.accounts.session-began"


def mark_session_began(response: HttpResponse) -> None:
    response.set_signed_cookie(
        BEGAN_COOKIE,
        str(time.time_ns() // 1_000_000),  # milliseconds: a seal in the same second counts
        salt=BEGAN_SALT,
        max_age=None,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def sealed_after_session(request: HttpRequest) -> datetime | None:
    """When the vault was sealed, if that ended this browser's session: a
    session began (the signed marker says when) before the seal, and could
    still have been open then. None for anyone else."""
    began = request.get_signed_cookie(BEGAN_COOKIE, default=None, salt=BEGAN_SALT)
    if began is None or not began.isdigit():
        return None
    sealed_at = VaultState.objects.filter(pk=1).values_list("sealed_at", flat=True).first()
    if sealed_at is None:
        return None
    sealed_ms = sealed_at.timestamp() * 1000
    if int(began) < sealed_ms <= int(began) + settings.SESSION_MAX_HOURS * 3_600_000:
        return sealed_at
    return None


def username_for(identifier: str) -> str:
    """Staff log in with their username or their e-mail address; the address
    is found by its blind index, never stored readable."""
    if "@" not in identifier:
        return identifier
    index = blind_index(StaffIdentity, "email_index", identifier)
    identity = StaffIdentity.objects.filter(email_index=index).select_related("user").first()
    return identity.user.username if identity is not None else identifier


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if passed_both_factors(request):
        return redirect("dashboard")
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = username_for(form.cleaned_data["username"])
        bucket = throttle.bucket_for(request, username)
        target = User.objects.filter(username=normalise_username(username)).first()
        wait = throttle.seconds_blocked(bucket)
        if wait:
            record("anonymous", "auth.login_throttled", target, outcome=Outcome.DENIED, wait=wait)
            form.add_error(None, throttle.wait_message(wait))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                delay = throttle.register_failure(bucket)
                record(
                    "anonymous",
                    "auth.login_failed",
                    target,
                    outcome=Outcome.FAILED,
                    factor="password",
                    wait=delay,
                )
                form.add_error(None, _("The username or password is not right."))
                status = 401
            else:
                throttle.register_success(bucket)
                request.session.cycle_key()
                request.session[PENDING] = {"user": user.pk, "at": now(), "next": next_url}
                keyring = vault_keys.open_keyring(user.pk, form.cleaned_data["password"])
                step = "accounts:verify" if has_authenticator(user) else "accounts:enrol"
                response = redirect(step)
                vault_session.stash_pending(request, response, user.pk, keyring)
                return response
    context = {"form": form, "next": next_url, "sealed_at": sealed_after_session(request)}
    page = render(request, "accounts/login.html", context, status=status)
    if BEGAN_COOKIE in request.COOKIES:
        page.delete_cookie(BEGAN_COOKIE, samesite="Strict")  # told once, then forgotten
    return page


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, ""
    if now() - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, ""
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None, ""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user, str(pending.get("next", ""))


def _restart(request: HttpRequest) -> HttpResponseRedirect:
    messages.info(request, _("Please enter your username and password again."))
    return redirect("accounts:login")


def _finish(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    request.session.pop(PENDING, None)
    response = HttpResponseRedirect(safe_next(request, next_url))
    throttle.remember_device(response, user.username)
    mark_session_began(response)
    return response


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user, next_url = _pending_user(request)
    if user is None:
        return _restart(request)
    if not has_authenticator(user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = check_code(user, form.cleaned_data["code"])
        if result.device is not None:
            complete_login(request, user, result.device)
            details: dict[str, Any] = {"factor": result.method}
            if result.method == "recovery":
                remaining = result.device.remaining()
                details["recovery_codes_left"] = remaining
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. %(count)d is left: make new ones "
                        "on your account page if you are running low.",
                        "You used a recovery code. %(count)d are left: make new ones "
                        "on your account page if you are running low.",
                        remaining,
                    )
                    % {"count": remaining},
                )
            record(user, "auth.login", user, **details)
            return _finish(request, user, next_url)
        if result.wait_seconds:
            record(user, "auth.login_throttled", user, outcome=Outcome.DENIED, factor="code")
            form.add_error(None, throttle.wait_message(result.wait_seconds))
            status = 429
        else:
            record(
                "anonymous",
                "auth.login_failed",
                user,
                outcome=Outcome.FAILED,
                factor=result.method,
            )
            form.add_error("code", _("This code is not right, or it was already used."))
            status = 401
    return render(request, "accounts/verify.html", {"form": form}, status=status)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user, next_url = _pending_user(request)
    if user is None:
        return _restart(request)
    if has_authenticator(user):
        return redirect("accounts:verify")
    device = pending_authenticator(user)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if confirm_authenticator(device, form.cleaned_data["code"]):
            codes = issue_recovery_codes(user)
            complete_login(request, user, device)
            record(user, "auth.second_factor_enrolled", user)
            record(user, "auth.login", user, factor="totp")
            request.session.pop(PENDING, None)
            response = render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": safe_next(request, next_url), "first_time": True},
            )
            throttle.remember_device(response, user.username)
            mark_session_began(response)
            return response
        record("anonymous", "auth.enrolment_failed", user, outcome=Outcome.FAILED)
        form.add_error("code", _("This code is not right. Check the time on your phone."))
        status = 400
    context = {
        "form": form,
        "qr_svg": qr_code_svg(device, _("QR code for your authenticator app")),
        "secret": secret_for_humans(device),
        "username": user.username,
    }
    return render(request, "accounts/enrol.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    end_session(request, "user")
    messages.info(request, _("You are logged out."))
    response = HttpResponseRedirect(reverse("accounts:login"))
    response.delete_cookie(BEGAN_COOKIE, samesite="Strict")
    return response
