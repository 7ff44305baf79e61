"""A staff member's own account: password, recovery codes, sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import actions, throttle
from safepassage.accounts.forms import ConfirmForm
from safepassage.accounts.models import RecoveryCodeDevice, User
from safepassage.accounts.recovery import issue_recovery_codes
from safepassage.accounts.sessions import (
    mark_reauthenticated,
    requires_recent_login,
    safe_next,
)
from safepassage.accounts.twofactor import check_code
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.vault import keys as vault_keys
from safepassage.vault import session as vault_session


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def account_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    context = {
        "account": user,
        "recovery_codes_left": recovery.remaining() if recovery else 0,
        "teams": user.teams.all(),
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    """Change one's password (the current one, temporary or not, is asked
    for: it opens the user's key, which is then re-wrapped)."""
    user = _user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            # A new key pair, every compartment grant re-sealed to it.
            vault_keys.rewrap_user_key(
                user.pk, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
            record(user, "auth.password_changed", user)
        # Other sessions end (the session hash covers the password); this one stays.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed. Other sessions have ended."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/password.html",
        {"form": form, "temporary": user.must_change_password},
        status=400 if form.errors else 200,
    )


@require_POST
@requires_recent_login
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    codes = issue_recovery_codes(user)
    record(user, "auth.recovery_codes_issued", user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:account"), "first_time": False},
    )


@require_POST
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    actions.log_out_everywhere(user, by=user)
    messages.info(request, _("You were logged out on every device, this one included."))
    return HttpResponseRedirect(reverse("accounts:login"))


@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest) -> HttpResponse:
    """Re-authentication before a sensitive action: password and a code."""
    user = _user(request)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        bucket = throttle.bucket_for(request, user.username)
        wait = throttle.seconds_blocked(bucket)
        if wait:
            form.add_error(None, throttle.wait_message(wait))
            status = 429
        elif not user.check_password(form.cleaned_data["password"]):
            throttle.register_failure(bucket)
            record(user, "auth.reauth_failed", user, outcome=Outcome.FAILED, factor="password")
            form.add_error("password", _("This password is not right."))
            status = 401
        else:
            result = check_code(user, form.cleaned_data["code"])
            if result.ok:
                throttle.register_success(bucket)
                mark_reauthenticated(request)
                record(user, "auth.reauthenticated", user, factor=result.method)
                response = HttpResponseRedirect(next_url)
                # Grants given since login take effect now.
                keyring = vault_keys.open_keyring(user.pk, form.cleaned_data["password"])
                vault_session.refresh(request, response, user.pk, keyring)
                return response
            record(user, "auth.reauth_failed", user, outcome=Outcome.FAILED, factor="code")
            if result.wait_seconds:
                form.add_error(None, throttle.wait_message(result.wait_seconds))
                status = 429
            else:
                form.add_error("code", _("This code is not right, or it was already used."))
                status = 401
    return render(request, "accounts/confirm.html", {"form": form, "next": next_url}, status=status)
