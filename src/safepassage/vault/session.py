"""Keys between requests: encrypted in the server-side session under a
random key that only the user's browser holds (a cookie of its own).

Any worker process can serve the user; a stolen session table without the
cookie reveals no key, and the cookie without the session table reveals
nothing. Ending the session (logout, timeout, "seal now") leaves nothing to
decrypt.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from safepassage.vault import crypto
from safepassage.vault.errors import Tampered
from safepassage.vault.keyring import Bundle, Keyring, using_keyring

COOKIE = "sp_vault"
SESSION_KEY = "sp_vault"
PENDING_SESSION_KEY = "sp_vault_pending"


def _context(user_id: int) -> bytes:
    return f"safepassage.vault.session:{user_id}".encode()


def _encode(keyring: Keyring) -> bytes:
    return json.dumps(
        [
            [b.compartment, b.version, base64.b64encode(b.to_bytes()).decode()]
            for b in keyring.bundles()
        ]
    ).encode()


def _decode(raw: bytes, owner: str) -> Keyring:
    bundles = []
    for compartment, version, data in json.loads(raw):
        secret = base64.b64decode(data)
        bundles.append(Bundle(compartment, version, secret[:32], secret[32:64], secret[64:96]))
    return Keyring(bundles, owner=owner)


def lock(user_id: int, keyring: Keyring) -> tuple[str, str]:
    """(what the session stores, what the cookie carries)."""
    session_key = crypto.random_key()
    blob = crypto.encrypt(session_key, _encode(keyring), _context(user_id))
    return base64.b64encode(blob).decode(), base64.urlsafe_b64encode(session_key).decode()


def stash_pending(
    request: HttpRequest, response: HttpResponse, user_id: int, keyring: Keyring
) -> None:
    """After the password (first factor): keep the keys, encrypted, until the
    second factor completes the login. The cookie carries the session key."""
    blob, cookie = lock(user_id, keyring)
    request.session[PENDING_SESSION_KEY] = blob
    set_cookie(response, cookie)


def set_cookie(response: HttpResponse, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=None,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def promote_pending(request: HttpRequest) -> None:
    """The second factor is good: the pending keys become the session's."""
    blob = request.session.pop(PENDING_SESSION_KEY, None)
    if blob is not None:
        request.session[SESSION_KEY] = blob


def refresh(request: HttpRequest, response: HttpResponse, user_id: int, keyring: Keyring) -> None:
    """Replace the session's keys (after re-authentication opened new grants)."""
    blob, cookie = lock(user_id, keyring)
    request.session[SESSION_KEY] = blob
    set_cookie(response, cookie)


def load(request: HttpRequest) -> Keyring | None:
    user = request.user
    if not user.is_authenticated:
        return None
    blob = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE)
    if not blob or not cookie:
        return None
    try:
        session_key = base64.urlsafe_b64decode(cookie.encode())
        raw = crypto.decrypt(session_key, base64.b64decode(blob), _context(user.pk))
    except (Tampered, ValueError):
        return None
    return _decode(raw, owner=f"user:{user.pk}")


class VaultMiddleware:
    """Makes the user's keyring current for the request, decrypting it only
    if something asks for it. Forgets it when the response is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cache: list[Keyring | None] = []

        def loader() -> Keyring | None:
            if not cache:
                cache.append(load(request))
            return cache[0]

        with using_keyring(loader):
            response = self.get_response(request)
        cache.clear()
        holds_keys = SESSION_KEY in request.session or PENDING_SESSION_KEY in request.session
        if COOKIE in request.COOKIES and not holds_keys and COOKIE not in response.cookies:
            response.delete_cookie(COOKIE, samesite="Strict")
        return response
