"""The contact index: where the same contact handle (a phone number, a
Signal or Telegram name, an e-mail address) has been seen, in a request,
in a case or with a household member. "The same Signal number is in
request R-… and case C-…" can be the same person asking again, or someone
testing the organisation.

Handles are kept as blind indexes only (vault.fields.contact_blind_index),
keyed with the key intake and identity share: a member of either
compartment writes and finds them. Requests are intake's: they are named
here by their row id, and intake turns ids into codes (cases never
imports intake).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from safepassage.cases.models import Case, ContactIndex, Flag, Person, has_code
from safepassage.vault.fields import contact_blind_index
from safepassage.vault.keyring import Keyring


def digests_of(handles: Iterable[str], keyring: Keyring | None = None) -> list[str]:
    """The blind indexes of these handles, each once, in order."""
    found = (contact_blind_index(handle, keyring) for handle in handles if handle.strip())
    return list(dict.fromkeys(found))


@transaction.atomic
def index_request(
    request_id: uuid.UUID, handles: Iterable[str], keyring: Keyring | None = None
) -> None:
    """Index a request's handles, in place of what was indexed before."""
    digests = digests_of(handles, keyring)
    ContactIndex.objects.filter(request_id=request_id).delete()
    ContactIndex.objects.bulk_create(
        ContactIndex(request_id=request_id, digest=digest) for digest in digests
    )


def forget_request(request_id: uuid.UUID) -> None:
    ContactIndex.objects.filter(request_id=request_id).delete()


@transaction.atomic
def index_person(person: Person, handles: Iterable[str], keyring: Keyring | None = None) -> None:
    """Index a person's handles, in place of what was indexed before (still
    flagged if their case's contacts are: flag_case)."""
    digests = digests_of(handles, keyring)
    flagged = Case.objects.filter(pk=person.case_id).filter(has_code("flags", FLAGGED)).exists()
    ContactIndex.objects.filter(person=person).delete()
    ContactIndex.objects.bulk_create(
        ContactIndex(case_id=person.case_id, person=person, digest=digest, flagged=flagged)
        for digest in digests
    )


# The case flag whose contacts are flagged.
FLAGGED = Flag.SUSPECTED_INFILTRATION


def flag_case(case: Case, flagged: bool = True) -> int:
    """Mark every contact handle of a case (its people's, or the case's own
    for a case not yet moved) as one of a suspected infiltrator, or clear
    the mark. Returns how many entries."""
    return ContactIndex.objects.filter(case=case).update(flagged=flagged)


def flagged_digests(digests: Iterable[str]) -> set[str]:
    """Which of these handles (blind indexes) are flagged anywhere (one query)."""
    wanted = list(set(digests))
    if not wanted:
        return set()
    found = ContactIndex.objects.filter(digest__in=wanted, flagged=True)
    return set(found.values_list("digest", flat=True))


def flagged_requests(request_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these requests have a flagged handle: two queries for a
    whole page of the inbox."""
    own = list(
        ContactIndex.objects.filter(request_id__in=list(request_ids)).values_list(
            "request_id", "digest"
        )
    )
    flagged = flagged_digests(digest for _request, digest in own)
    return {request for request, digest in own if digest in flagged and request is not None}


def flagged_cases(case_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these cases have a person (or, not yet moved, the case) with
    a flagged handle, their own included: two queries for a page of cases."""
    own = list(
        ContactIndex.objects.filter(case_id__in=list(case_ids)).values_list("case_id", "digest")
    )
    flagged = flagged_digests(digest for _case, digest in own)
    return {case for case, digest in own if digest in flagged and case is not None}


def flagged_people(case: Case) -> set[uuid.UUID]:
    """The people of a case with a flagged handle."""
    own = list(ContactIndex.objects.filter(case=case).values_list("person_id", "digest"))
    flagged = flagged_digests(digest for _person, digest in own)
    return {person for person, digest in own if digest in flagged and person is not None}


def request_digests(request_id: uuid.UUID) -> list[str]:
    return list(ContactIndex.objects.filter(request_id=request_id).values_list("digest", flat=True))


def case_digests(case: Case) -> list[str]:
    return list(ContactIndex.objects.filter(case=case).values_list("digest", flat=True).distinct())


@dataclass
class Seen:
    """Where handles were seen: request ids, and case codes; whether any of
    them is flagged (a suspected infiltrator's), and in which cases."""

    requests: set[uuid.UUID] = field(default_factory=set)
    cases: list[str] = field(default_factory=list)
    flagged: bool = False
    flagged_cases: list[str] = field(default_factory=list)


def seen_elsewhere(
    digests: Iterable[str],
    *,
    besides_request: uuid.UUID | None = None,
    besides_case: Case | None = None,
) -> Seen:
    """The requests and cases, other than these, where any of ``digests``
    was seen (two queries)."""
    wanted = list(digests)
    if not wanted:
        return Seen()
    entries = ContactIndex.objects.filter(digest__in=wanted)
    requests = set(entries.exclude(request_id=None).values_list("request_id", flat=True)) - {
        besides_request
    }
    in_cases = entries.exclude(case=None)
    if besides_case is not None:
        in_cases = in_cases.exclude(case=besides_case)
    codes = sorted(set(in_cases.values_list("case__code", flat=True)))
    marked = entries.filter(flagged=True).exclude(case=None)
    flagged_codes = sorted(set(marked.values_list("case__code", flat=True)))
    return Seen(
        {r for r in requests if r is not None},
        codes,
        flagged=bool(flagged_codes),
        flagged_cases=flagged_codes,
    )


def requests_sharing(request_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these requests share a handle with another request or with
    a case: two queries for a whole page of the inbox."""
    own = ContactIndex.objects.filter(request_id__in=list(request_ids)).values_list(
        "request_id", "digest"
    )
    by_digest: dict[str, set[uuid.UUID]] = {}
    for request_id, digest in own:
        if request_id is not None:
            by_digest.setdefault(digest, set()).add(request_id)
    if not by_digest:
        return set()
    found: set[uuid.UUID] = set()
    matches = ContactIndex.objects.filter(digest__in=list(by_digest)).values_list(
        "digest", "request_id", "case_id"
    )
    for digest, request_id, case_id in matches:
        for owner in by_digest[digest]:
            if case_id is not None or (request_id is not None and request_id != owner):
                found.add(owner)
    return found
