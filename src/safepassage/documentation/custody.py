"""The custody log of each evidence item: a hash chain, its head signed
by the organisation, mirrored in the global audit log, and checked by
``safepassage custody verify``.

Each entry's hash is the SHA-256 of its canonical form (``canonical``):
the item's code, the entry's number, time (UTC), who acted, what was done,
the details (the file's hash before and after, the reason given, the item
at the other end, a random salt) and the previous entry's hash. After
every entry the organisation signs the head (``head_message``: the item,
the number of entries and the last hash) with its custody key
(vault.signing, Ed25519). So an entry changed, removed, inserted or put in
another order, or a log cut short at its end, no longer matches a
signature that only the holders of the documentation keys can make; and
each entry is also in the global audit log, with its number and hash.

The canonical form and the head message are plain, so whoever receives an
item's log (the dossier) can recompute the chain and check the signature
with standard tools (docs/evidence.md).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safepassage.audit.chain import record, reference
from safepassage.documentation.custody_format import (
    GENESIS,
    canonical,
    format_at,
    head_message,
)
from safepassage.documentation.models import (
    CustodyAction,
    CustodyEntry,
    Evidence,
    TimestampToken,
)
from safepassage.vault import files, signing, timestamps
from safepassage.vault.errors import Tampered
from safepassage.vault.keyring import current_keyring


def entry_hash_of(item: Evidence, entry: CustodyEntry) -> str:
    return hashlib.sha256(
        canonical(
            item=item.code,
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            details=entry.details,
            prev=entry.prev_hash,
        )
    ).hexdigest()


@transaction.atomic
def append(
    item: Evidence,
    by: object,
    action: CustodyAction,
    *,
    before: str,
    after: str,
    why: str = "",
    other: str = "",
) -> CustodyEntry:
    """Add an entry to ``item``'s log, sign the new head, and mirror the
    entry in the audit log. Needs the documentation keys (the details are
    sealed, the head is signed)."""
    locked = Evidence.objects.select_for_update().get(pk=item.pk)
    actor = reference(by) or "system"
    details: dict[str, Any] = {
        "before": before,
        "after": after,
        "why": why,
        "other": other,
        "salt": secrets.token_hex(16),
    }
    entry = CustodyEntry(
        evidence=locked,
        seq=locked.head_seq + 1,
        at=timezone.now(),
        actor=actor,
        action=str(action),
        prev_hash=locked.head_hash or GENESIS,
    )
    entry.details = details
    # What the database will return: microseconds, UTC.
    entry.at = datetime.fromisoformat(format_at(entry.at))
    entry.entry_hash = entry_hash_of(locked, entry)
    entry.save(force_insert=True)
    public, signature = signing.sign(
        signing.CUSTODY, head_message(locked.code, entry.seq, entry.entry_hash), by=by
    )
    locked.head_seq = entry.seq
    locked.head_hash = entry.entry_hash
    locked.head_signature = signature
    locked.signing_key = public.key_id
    locked.save(update_fields=["head_seq", "head_hash", "head_signature", "signing_key"])
    for name in ("head_seq", "head_hash", "head_signature", "signing_key"):
        setattr(item, name, getattr(locked, name))
    _mirror(by, action, item, seq=entry.seq, entry=entry.entry_hash)
    return entry


def _mirror(by: object, action: CustodyAction, item: Evidence, **details: Any) -> None:
    """The entry in the global audit log (each action's code written out,
    so the auditor's labels can be checked against every code)."""
    if action == CustodyAction.UPLOADED:
        record(by, "documentation.evidence_uploaded", item, **details)
    elif action == CustodyAction.VIEWED:
        record(by, "documentation.evidence_viewed", item, **details)
    elif action == CustodyAction.DOWNLOADED:
        record(by, "documentation.evidence_downloaded", item, **details)
    elif action == CustodyAction.DERIVED:
        record(by, "documentation.evidence_derived", item, **details)
    elif action == CustodyAction.DERIVED_FROM:
        record(by, "documentation.evidence_made_from", item, **details)
    elif action == CustodyAction.LINKED:
        record(by, "documentation.evidence_linked", item, **details)
    elif action == CustodyAction.EXPORTED:
        record(by, "documentation.evidence_exported", item, **details)
    elif action == CustodyAction.TRANSFERRED:
        record(by, "documentation.evidence_transferred", item, **details)
    else:
        raise ValueError(f"no audit action for custody action {action!r}")


# --- Verification ------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


def _chain_failure(item: Evidence, entries: list[CustodyEntry]) -> str | None:
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry.seq != position:
            return f"entry {position} is missing (the log jumps to entry {entry.seq})"
        if entry.prev_hash != prev:
            return (
                f"entry {entry.seq} does not follow entry {entry.seq - 1}: "
                "entries were reordered, removed or inserted"
            )
        if entry_hash_of(item, entry) != entry.entry_hash:
            return f"entry {entry.seq} ({entry.action}) was changed after it was written"
        prev = entry.entry_hash
    return None


def _file_failure(item: Evidence) -> str | None:
    stored = item.file
    path = files.store_path(stored.digest)
    if not path.exists():
        return "the stored file is missing"
    ciphertext = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1024 * 1024):
            ciphertext.update(piece)
    if ciphertext.hexdigest() != stored.digest:
        return "the stored file was changed (its bytes no longer match the store's hash)"
    plain = hashlib.sha256()
    try:
        _meta, chunks = files.open_file(current_keyring(), stored)
        for piece in chunks:
            plain.update(piece)
    except Tampered:
        return "the stored file does not decrypt: it was changed or cut short"
    if plain.hexdigest() != item.sha256:
        return "the stored file's SHA-256 is not the one recorded when it was collected"
    return None


def stamp_heads(authorities: list[timestamps.Authority]) -> tuple[int, list[str]]:
    """Ask each authority for a token over each item's current signed head
    that has none from it yet. Returns how many tokens were kept, and a
    line per authority that gave no good token (nothing kept from it for
    that head; the next run asks again). Needs no keys."""
    kept = 0
    problems: list[str] = []
    for item in Evidence.objects.exclude(head_seq=0).order_by("created_at", "code"):
        for authority in authorities:
            done = TimestampToken.objects.filter(
                evidence=item, head_seq=item.head_seq, authority=authority.name
            )
            if done.exists():
                continue
            message = head_message(item.code, item.head_seq, item.head_hash)
            try:
                token = timestamps.request_token(authority, message)
            except timestamps.TimestampRefused as refused:
                problems.append(f"{authority.name}: {refused}")
                continue
            TimestampToken.objects.create(
                evidence=item,
                head_seq=item.head_seq,
                head_hash=item.head_hash,
                authority=authority.name,
                token=token.token,
                at=token.at,
            )
            kept += 1
    return kept, problems


def _timestamp_failure(
    item: Evidence, entries: list[CustodyEntry], authorities: list[timestamps.Authority]
) -> str | None:
    known = {authority.name: authority for authority in authorities}
    hashes = {entry.seq: entry.entry_hash for entry in entries}
    for token in TimestampToken.objects.filter(evidence=item).order_by("head_seq", "authority"):
        authority = known.get(token.authority)
        if authority is None:
            return (
                f"the timestamp of entry {token.head_seq} is from {token.authority}, "
                "an authority no longer configured: its root certificate is needed to check it"
            )
        if hashes.get(token.head_seq) != token.head_hash:
            return f"the timestamp of entry {token.head_seq} is of a head the log no longer has"
        message = head_message(item.code, token.head_seq, token.head_hash)
        try:
            timestamps.check_token(authority, bytes(token.token), message)
        except Tampered:
            return (
                f"the timestamp of entry {token.head_seq} from {token.authority} "
                "does not cover its signed head (a token over other data)"
            )
    return None


def verify_item(item: Evidence, *, check_files: bool = True) -> str | None:
    """The first thing wrong with ``item``'s custody, in words, or None.
    Needs the documentation keys."""
    entries = list(CustodyEntry.objects.filter(evidence=item).order_by("seq"))
    if not entries:
        return "its custody log is empty"
    found = _chain_failure(item, entries)
    if found:
        return found
    first = entries[0]
    if first.details.get("after") != item.sha256:
        return "its first entry does not record the hash of this file"
    last = entries[-1]
    if item.head_seq != last.seq or item.head_hash != last.entry_hash:
        return (
            f"the log ends at entry {last.seq} but its signed head says entry {item.head_seq}: "
            "entries were added or removed at its end"
        )
    try:
        signing.check(
            item.signing_key,
            head_message(item.code, item.head_seq, item.head_hash),
            bytes(item.head_signature or b""),
        )
    except Tampered as error:
        if "unknown" in str(error) or "public key" in str(error):
            return "the head is signed with a key this organisation did not make"
        return "the signature of the log's head does not verify (a wrong signature)"
    stamped = _timestamp_failure(item, entries, settings.TIMESTAMP_AUTHORITIES)
    if stamped:
        return stamped
    if check_files:
        return _file_failure(item)
    return None


def verify_all(*, check_files: bool = True) -> Iterator[tuple[Evidence, str | None]]:
    """Every item (originals first, oldest first) and what is wrong with it."""
    originals_first = F("original_id").asc(nulls_first=True)
    items = Evidence.objects.select_related("file").order_by(originals_first, "created_at", "code")
    for item in items.iterator(chunk_size=200):
        yield item, verify_item(item, check_files=check_files)
