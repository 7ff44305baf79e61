"""An optional proof of work for the public form, against scripted floods.

When SAFEPASSAGE_INTAKE_PROOF_BITS is above zero, the form carries a
challenge (the minute, with an HMAC of the server) and a small script of our
own finds a number such that SHA-256(challenge:digest of the story:number)
starts with that many zero bits. A browser spends a moment; a script sending
thousands of requests spends thousands of moments. The proof is bound to the
story, so one proof cannot be reused for many requests.

Nothing depends on JavaScript: without a proof a request is accepted all the
same, and only during a flood are unproven requests listed after the others.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.utils.crypto import salted_hmac

MAX_AGE_MINUTES = 30


def _mac(minute: int) -> str:
    return salted_hmac("safepassage.intake.proof", str(minute), algorithm="sha256").hexdigest()[:24]


def challenge() -> str:
    minute = int(time.time() // 60)
    return f"{minute}.{_mac(minute)}"


def story_digest(story: str) -> str:
    return hashlib.sha256(story.strip().encode()).hexdigest()


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        bits += 8 - byte.bit_length()
        break
    return bits


def verify(challenge_text: str, nonce: str, story: str) -> bool:
    bits = settings.INTAKE_PROOF_BITS
    if bits <= 0 or not challenge_text or not nonce or len(nonce) > 32:
        return False
    minute_text, _, mac = challenge_text.partition(".")
    if not minute_text.isdigit() or not hmac.compare_digest(mac, _mac(int(minute_text))):
        return False
    if int(time.time() // 60) - int(minute_text) > MAX_AGE_MINUTES:
        return False
    work = f"{challenge_text}:{story_digest(story)}:{nonce}".encode()
    return leading_zero_bits(hashlib.sha256(work).digest()) >= bits
