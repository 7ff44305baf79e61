"""The proof of work of the public request form, against floods.

The form carries a challenge: the minute it was made, how many bits it
asks, 16 random bytes, and an HMAC of the server over them. The form's
script (static/js/proof.js) finds, in the background while the person
types, a number such that SHA-256("challenge:number") starts with that many
zero bits, and sends it with the form. A browser spends a moment once; a
script sending thousands of requests spends thousands of such moments.

Requests with a proof have a budget of their own (INTAKE_PROVEN_PER_MINUTE),
which a flood of cheap requests without one cannot use up. Each challenge is
random, so one proof is one request: its random part is recorded when the
request is accepted and kept until the challenge expires (limits.spend); a
replayed proof counts as no proof. A proof is bound to its challenge rather
than to what the person writes, so it can be found while they write.

The difficulty rises by a bit each time the proven requests of the last two
minutes double beyond INTAKE_FLOOD_PER_MINUTE, up to INTAKE_PROOF_MAX_BITS,
so a flooder who pays for proofs is slowed in turn. A challenge made before
the difficulty rose no longer counts; the form comes back with a new one.

Nothing depends on JavaScript: without a proof a request is accepted all the
same, as long as requests without one do not flood (INTAKE_MAX_PER_MINUTE).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

from safepassage.intake import limits

MAX_AGE_MINUTES = 60
MAX_NONCE_DIGITS = 20
# Proven requests per minute, all senders together; read over two minutes.
PROVEN = "intake:requests:proven"


@dataclass(frozen=True)
class Proof:
    """A solved challenge, not yet spent."""

    token: str
    expires: int  # seconds since the epoch

    @property
    def spent_name(self) -> str:
        return f"intake:proof:{self.token}"


def _mac(body: str) -> str:
    return salted_hmac("safepassage.intake.proof", body, algorithm="sha256").hexdigest()[:24]


def current_bits() -> int:
    """The bits a new challenge asks for now (0 when proofs are off)."""
    base = settings.INTAKE_PROOF_BITS
    if base <= 0:
        return 0
    arrived = limits.recent(PROVEN)
    bits = base
    while arrived > settings.INTAKE_FLOOD_PER_MINUTE << (bits - base) and (
        bits < settings.INTAKE_PROOF_MAX_BITS
    ):
        bits += 1
    return bits


def challenge(bits: int) -> str:
    body = f"{int(time.time() // 60)}.{bits}.{secrets.token_hex(16)}"
    return f"{body}.{_mac(body)}"


def bits_of(challenge_text: str) -> int:
    parts = challenge_text.split(".")
    return int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else 0


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        bits += 8 - byte.bit_length()
        break
    return bits


def solved(challenge_text: str, nonce: str) -> bool:
    work = f"{challenge_text}:{nonce}".encode()
    return leading_zero_bits(hashlib.sha256(work).digest()) >= bits_of(challenge_text)


def check(challenge_text: str, nonce: str) -> Proof | None:
    """The proof a form carries, if it is one: a challenge of this server,
    at most MAX_AGE_MINUTES old, asking at least the bits asked now, and
    solved. Whether it was spent before is for the admission to find out."""
    if settings.INTAKE_PROOF_BITS <= 0 or not challenge_text or not nonce:
        return None
    if len(nonce) > MAX_NONCE_DIGITS or not nonce.isdigit() or not nonce.isascii():
        return None
    parts = challenge_text.split(".")
    if len(parts) != 4:
        return None
    minute_text, bits_text, token, mac = parts
    if not hmac.compare_digest(mac.encode(), _mac(f"{minute_text}.{bits_text}.{token}").encode()):
        return None
    if not minute_text.isdigit() or not bits_text.isdigit():
        return None
    if int(time.time() // 60) - int(minute_text) > MAX_AGE_MINUTES:
        return None
    if not solved(challenge_text, nonce) or int(bits_text) < current_bits():
        return None
    return Proof(token=token, expires=(int(minute_text) + MAX_AGE_MINUTES + 1) * 60)
