"""Throttling of wrong passwords, per account, with exponential back-off.

A browser that has completed a login for an account before carries a signed
device cookie and is throttled in a bucket of its own (the "device cookie"
scheme recommended by OWASP). An attacker who hammers an account therefore
slows down only browsers the account has never used: the person it belongs
to keeps logging in from their usual browser. Delays double after a few
free attempts and stop growing at fifteen minutes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from safepassage.accounts.models import LoginThrottle, normalise_username

FREE_ATTEMPTS = 5
MAX_DELAY_SECONDS = 15 * 60
DEVICE_COOKIE = "sp_device"
DEVICE_COOKIE_MAX_AGE = 180 * 86400
_SALT = "safepassage.accounts.throttle"


def _digest(value: str) -> str:
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def delay_after(failures: int) -> int:
    """Seconds to wait after this many consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS))


def bucket_for(request: HttpRequest, username: str) -> str:
    account = _digest("account:" + normalise_username(username))
    nonce = trusted_device_nonce(request, account)
    if nonce:
        return _digest("device:" + nonce)
    return account


def trusted_device_nonce(request: HttpRequest, account: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("a") != account:
        return None
    nonce = value.get("n")
    return nonce if isinstance(nonce, str) else None


def remember_device(response: HttpResponse, username: str) -> None:
    account = _digest("account:" + normalise_username(username))
    value = signing.dumps({"a": account, "n": secrets.token_hex(16)}, salt=_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def seconds_blocked(key: str) -> int:
    throttle = LoginThrottle.objects.filter(key=key).first()
    if throttle is None or throttle.blocked_until is None:
        return 0
    remaining = (throttle.blocked_until - timezone.now()).total_seconds()
    return max(0, int(remaining + 0.999))


@transaction.atomic
def register_failure(key: str) -> int:
    """Count one failure; return the seconds until the next attempt."""
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    throttle.failures += 1
    now = timezone.now()
    throttle.last_failure = now
    delay = delay_after(throttle.failures)
    throttle.blocked_until = now + timedelta(seconds=delay) if delay else None
    throttle.save(update_fields=["failures", "last_failure", "blocked_until"])
    return delay


def register_success(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many attempts. Please wait %(seconds)d second and try again.",
        "Too many attempts. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}
