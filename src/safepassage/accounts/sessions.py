"""Session rules: two factors for every staff page, an idle timeout, an
absolute lifetime, and fresh re-authentication before sensitive actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.models import Device

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.vault import session as vault_session

AUTH_AT = "sp_auth_at"
SEEN_AT = "sp_seen_at"
REAUTH_AT = "sp_reauth_at"
# Write the activity time at most this often (seconds), not on every request.
SEEN_RESOLUTION = 30

View = TypeVar("View", bound=Callable[..., HttpResponse])


def now() -> int:
    return int(time.time())


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def login_url(next_path: str | None = None) -> str:
    url = reverse(settings.LOGIN_URL)
    if next_path:
        url += "?" + urlencode({"next": next_path})
    return url


def passed_both_factors(request: HttpRequest) -> bool:
    """Logged in with a password and a second factor (django-otp's
    middleware adds ``is_verified`` to the user)."""
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def complete_login(request: HttpRequest, user: User, device: Device) -> None:
    """Both factors are good: start the session (with a new session key)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    vault_session.promote_pending(request)
    moment = now()
    request.session[AUTH_AT] = moment
    request.session[SEEN_AT] = moment
    request.session[REAUTH_AT] = moment


def end_session(request: HttpRequest, reason: str) -> None:
    user = request.user
    record(user, "auth.logout", user, reason=reason)
    logout(request)


class SessionLifetimeMiddleware:
    """Ends a session after SAFEPASSAGE_IDLE_TIMEOUT_MINUTES without a
    request, and in any case SAFEPASSAGE_SESSION_MAX_HOURS after login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        moment = now()
        auth_at = session.get(AUTH_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(auth_at, int) or not isinstance(seen_at, int):
            # A session that did not come through complete_login is not ours.
            end_session(request, "invalid")
            return
        if moment - auth_at > settings.SESSION_MAX_HOURS * 3600:
            end_session(request, "lifetime")
            messages.info(
                request, _("Your session reached its maximum length. Please log in again.")
            )
            return
        if moment - seen_at > settings.IDLE_TIMEOUT_MINUTES * 60:
            end_session(request, "idle")
            messages.info(
                request,
                ngettext(
                    "You were logged out after %(minutes)d minute without activity.",
                    "You were logged out after %(minutes)d minutes without activity.",
                    settings.IDLE_TIMEOUT_MINUTES,
                )
                % {"minutes": settings.IDLE_TIMEOUT_MINUTES},
            )
            return
        if moment - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = moment


class StaffOnlyMiddleware:
    """Every view needs a user who passed both factors, unless it is marked
    with Django's ``login_not_required``. A user with a temporary password
    must choose their own before anything else."""

    ALLOWED_WHILE_CHANGING_PASSWORD = ("accounts:password", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not passed_both_factors(request):
            return HttpResponseRedirect(login_url(request.get_full_path()))
        if getattr(user, "must_change_password", False):
            match = request.resolver_match
            if match is None or match.view_name not in self.ALLOWED_WHILE_CHANGING_PASSWORD:
                return HttpResponseRedirect(reverse("accounts:password"))
        return None


def recently_authenticated(request: HttpRequest) -> bool:
    confirmed = request.session.get(REAUTH_AT)
    return isinstance(confirmed, int) and now() - confirmed <= settings.REAUTH_MINUTES * 60


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_AT] = now()


def requires_recent_login(view: View) -> View:
    """Sensitive actions ask for the password and a code again unless the
    user gave them in the last SAFEPASSAGE_REAUTH_MINUTES."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_authenticated(request):
            target = request.get_full_path() if request.method == "GET" else request.path
            url = reverse("accounts:confirm") + "?" + urlencode({"next": target})
            return HttpResponseRedirect(url)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
