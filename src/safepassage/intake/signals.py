"""Duplicate and infiltration signals, computed when a member of intake
first opens a request (the request arrived sealed; only members can read it).

- Contact handles go to the contact index of cases (cases.contacts: blind
  indexes keyed with the key intake and identity share): "the same Signal
  number is in request R-… and case C-…", or with a household member.
- The narrative becomes a keyed MinHash fingerprint: near-identical stories
  sent again and again (a script, or an infiltrator trying variants) are
  flagged, without keeping the words.
"""

from __future__ import annotations

from django.db import transaction

from safepassage.cases import contacts
from safepassage.intake.models import Submission
from safepassage.vault import crypto
from safepassage.vault.keyring import Keyring
from safepassage.vault.search import normalise

HASHES = 128  # the estimate's error is about 0.03 at the threshold
SHINGLE = 3
SIMILAR = 0.6  # different stories score near 0; retold ones well above


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
    contacts.index_request(submission.pk, payload.handles(), keyring)
    submission.fingerprint = fingerprint(keyring, payload.story())
    submission.indexed = True
    submission.save(update_fields=["fingerprint", "indexed"])


def forget(sender: type[Submission], instance: Submission, **kwargs: object) -> None:
    """A request deleted leaves nothing in the contact index."""
    contacts.forget_request(instance.pk)


def index_pending(keyring: Keyring, limit: int = 200) -> int:
    pending = list(Submission.objects.filter(indexed=False).order_by("received_on")[:limit])
    for submission in pending:
        index(submission, keyring)
    return len(pending)


def same_contact(submission: Submission) -> dict[str, list[str]]:
    """Codes of other requests and of cases (their principal or a household
    member) that share a contact handle; and of the cases suspected of
    infiltration whose flagged handles this request shares ("flagged")."""
    seen = contacts.seen_elsewhere(
        contacts.request_digests(submission.pk), besides_request=submission.pk
    )
    requests = Submission.objects.filter(pk__in=seen.requests).order_by("code")
    return {
        "requests": list(requests.values_list("code", flat=True)),
        "cases": seen.cases,
        "flagged": seen.flagged_cases,
    }


def flagged(submissions: list[Submission]) -> set[object]:
    """Which of these requests share a contact handle with another request
    or a case: two queries for a whole page of the inbox."""
    return set(contacts.requests_sharing([submission.pk for submission in submissions]))


def flagged_contact(submissions: list[Submission]) -> set[object]:
    """Which of these requests share a handle flagged as a suspected
    infiltrator's (cases.contacts): two queries for a page of the inbox."""
    return set(contacts.flagged_requests([submission.pk for submission in submissions]))


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
