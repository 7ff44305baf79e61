"""Second factors: TOTP authenticators and one-time recovery codes."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device

from safepassage.accounts.models import Authenticator, RecoveryCodeDevice, User
from safepassage.accounts.recovery import looks_like_recovery_code


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    method: str  # "totp" or "recovery"
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends and apps expect


def has_authenticator(user: User) -> bool:
    return Authenticator.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def new_authenticator(user: User, *, confirmed: bool) -> Authenticator:
    """An authenticator with a new random secret, sealed to its row."""
    device = Authenticator.objects.create(
        user=user, name="authenticator", confirmed=confirmed, sealed_secret=b""
    )
    device.seal_secret(secrets.token_bytes(SECRET_BYTES))
    device.save(update_fields=["sealed_secret"])
    return device


def check_code(user: User, token: str) -> CodeCheck:
    """Verify a TOTP code or a recovery code. A TOTP code is accepted once
    only (django-otp remembers the last time step used); a recovery code is
    used up. Wrong codes are throttled per device, with doubling delays."""
    token = "".join(token.split())
    method = "recovery" if looks_like_recovery_code(token) else "totp"
    with transaction.atomic():
        devices = (
            RecoveryCodeDevice.objects.filter(user=user)
            if method == "recovery"
            else Authenticator.objects.filter(user=user, confirmed=True)
        )
        device = devices.select_for_update().first()
        if device is None:
            return CodeCheck(None, method)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until")
            wait = 1
            if locked_until is not None:
                wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
            return CodeCheck(None, method, wait_seconds=wait)
        if device.verify_token(token):
            return CodeCheck(device, method)
    return CodeCheck(None, method)


def pending_authenticator(user: User) -> Authenticator:
    """The unconfirmed authenticator being enrolled. The same secret is
    shown again on reload, so a code scanned once keeps working."""
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = new_authenticator(user, confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(device: Authenticator, token: str) -> bool:
    token = "".join(token.split())
    if not device.verify_token(token):
        return False
    Authenticator.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def secret_for_humans(device: Authenticator) -> str:
    """The secret in base32, in groups of four, for typing into an app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: Authenticator, title: str) -> str:
    """An inline SVG of the otpauth:// URL (no script, no inline style)."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=5, dark="#000", light="#fff", title=title, svgclass="qr"))


def qr_code_terminal(device: Authenticator) -> str:
    import io

    qr = segno.make(device.config_url, error="m")
    buffer = io.StringIO()
    qr.terminal(out=buffer, compact=True)
    return buffer.getvalue()
