"""One-time recovery codes: shown once, stored only as digests."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from safepassage.accounts.models import RecoveryCode, RecoveryCodeDevice, User

# Crockford-style base32 without look-alikes (no I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4  # 16 symbols of 5 bits = 80 bits per code
CODES_PER_SET = 10


def generate_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise(token: str) -> str:
    """Accept codes typed with spaces, hyphens or in lower case."""
    cleaned = "".join(ch for ch in token.upper() if ch not in " -")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def digest(normalised_code: str) -> str:
    return hashlib.sha256(normalised_code.encode()).hexdigest()


def looks_like_recovery_code(token: str) -> bool:
    return bool(normalise(token))


@transaction.atomic
def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set and return them.
    The caller shows them once; they are never retrievable again."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [generate_code() for _ in range(CODES_PER_SET)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=digest(normalise(code))) for code in codes
    )
    return codes
