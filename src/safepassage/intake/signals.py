"""Duplicate and infiltration signals, computed when a member of intake
first opens a request (the request arrived sealed; only members can read it).

- Contact handles become blind indexes (keyed with the key intake and
  identity share): "the same Signal number is in request R-… and case C-…".
- The narrative becomes a keyed MinHash fingerprint: near-identical stories
  sent again and again (a script, or an infiltrator trying variants) are
  flagged, without keeping the words.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safepassage.intake.models import ContactIndex, Submission
from safepassage.vault import crypto
from safepassage.vault.fields import normalise_handle
from safepassage.vault.keyring import Keyring
from safepassage.vault.search import normalise

HASHES = 128  # the estimate's error is about 0.03 at the threshold
SHINGLE = 3
SIMILAR = 0.6  # different stories score near 0; retold ones well above


def contact_handles(payload: dict[str, Any]) -> list[str]:
    handles = []
    for contact in payload.get("contacts", []):
        handle = str(contact.get("handle", "")).strip()
        if handle:
            handles.append(handle)
    return handles


def contact_digest(keyring: Keyring, handle: str) -> str:
    key = crypto.derive_key(keyring.index_key("intake"), "contact-handles")
    return crypto.keyed_digest(key, normalise_handle(handle).encode(), person=b"sp-contact").hex()


def fingerprint(keyring: Keyring, text: str) -> list[int]:
    words = normalise(text).split()
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    base = crypto.derive_key(keyring.index_key("intake"), "narrative-minhash")
    # Each keyed 64-byte digest gives eight 64-bit hash values.
    keys = [crypto.derive_key(base, str(number)) for number in range(HASHES // 8)]
    signature = [2**64] * HASHES
    for shingle in shingles:
        data = shingle.encode()
        for group, key in enumerate(keys):
            digest = crypto.keyed_digest(key, data, person=b"sp-minhash", size=64)
            for part in range(8):
                value = int.from_bytes(digest[part * 8 : part * 8 + 8])
                slot = group * 8 + part
                if value < signature[slot]:
                    signature[slot] = value
    return signature


def similarity(first: list[int], second: list[int]) -> float:
    if not first or len(first) != len(second):
        return 0.0
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


@transaction.atomic
def index(submission: Submission, keyring: Keyring) -> None:
    """Compute the signals of a request (needs the intake keys)."""
    payload = submission.payload
    ContactIndex.objects.filter(submission=submission).delete()
    ContactIndex.objects.bulk_create(
        ContactIndex(submission=submission, digest=contact_digest(keyring, handle))
        for handle in contact_handles(payload)
    )
    story = f"{payload.get('happened', '')} {payload.get('help', '')}"
    submission.fingerprint = fingerprint(keyring, story)
    submission.indexed = True
    submission.save(update_fields=["fingerprint", "indexed"])


def index_pending(keyring: Keyring, limit: int = 200) -> int:
    pending = list(Submission.objects.filter(indexed=False).order_by("received_on")[:limit])
    for submission in pending:
        index(submission, keyring)
    return len(pending)


def same_contact(submission: Submission) -> dict[str, list[str]]:
    """Codes of other requests and of cases that share a contact handle."""
    digests = list(submission.contact_indexes.values_list("digest", flat=True))
    others = ContactIndex.objects.filter(digest__in=digests).exclude(submission=submission)
    requests = sorted(
        {
            code
            for code in others.exclude(submission=None).values_list("submission__code", flat=True)
        }
    )
    cases = sorted(
        {code for code in others.exclude(case=None).values_list("case__code", flat=True)}
    )
    return {"requests": requests, "cases": cases}


def flagged(submissions: list[Submission]) -> set[object]:
    """Which of these requests share a contact handle with another request
    or a case: two queries for a whole page of the inbox."""
    own = ContactIndex.objects.filter(submission__in=submissions).values_list(
        "submission_id", "digest"
    )
    by_digest: dict[str, set[object]] = {}
    for submission_id, digest in own:
        by_digest.setdefault(digest, set()).add(submission_id)
    if not by_digest:
        return set()
    found: set[object] = set()
    matches = ContactIndex.objects.filter(digest__in=list(by_digest)).values_list(
        "digest", "submission_id", "case_id"
    )
    for digest, submission_id, case_id in matches:
        for owner in by_digest[digest]:
            if case_id is not None or (submission_id is not None and submission_id != owner):
                found.add(owner)
    return found


def similar_requests(submission: Submission, limit: int = 2000) -> list[str]:
    if not submission.fingerprint:
        return []
    candidates = (
        Submission.objects.filter(indexed=True)
        .exclude(pk=submission.pk)
        .order_by("-received_on")
        .values_list("code", "fingerprint")[:limit]
    )
    return [
        code
        for code, signature in candidates
        if similarity(submission.fingerprint, signature) >= SIMILAR
    ]
