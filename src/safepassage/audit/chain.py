"""Appending to and verifying the hash-chained audit log.

Each entry carries the previous entry's hash and its own, an HMAC-SHA256
(keyed with SAFEPASSAGE_AUDIT_KEY) over a canonical JSON encoding of its
position, time, actor, action, target, outcome, details and the previous
hash. Someone with a copy of the database but not the key cannot edit,
insert, remove or reorder entries and recompute a chain that verifies.
Removing entries from the end is detected against an anchor (a sequence
number and hash recorded elsewhere): every append is also written to the
``safepassage.audit`` logger, and ``safepassage audit head`` prints one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from safepassage.audit.models import AuditEntry, Outcome

logger = logging.getLogger("safepassage.audit")

GENESIS = "0" * 64
TABLE = AuditEntry._meta.db_table
_LOCK_ID = 0x5AFE_A0D1  # PostgreSQL advisory lock serialising appends

# Details are short tokens, never free text: no spaces, no markup.
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DETAIL_TOKEN = re.compile(r"^[A-Za-z0-9_.:@/+=-]{0,80}$")
_REFERENCE = re.compile(r"^[a-z][a-z0-9_.-]{0,40}(:[A-Za-z0-9_.-]{1,64})?$")

DetailValue = None | bool | int | str | list[Any]


class AuditError(Exception):
    """An audit entry could not be written; the action must not go ahead."""


def reference(obj: object | None) -> str:
    """A non-identifying reference to an actor or a target: ``user:12``."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        ref = obj
    elif isinstance(obj, models.Model):
        if getattr(obj, "pk", None) is None:
            return "anonymous" if obj._meta.model_name == "anonymoususer" else ""
        ref = f"{obj._meta.model_name}:{obj.pk}"
    elif getattr(obj, "is_anonymous", False):
        ref = "anonymous"
    else:
        raise AuditError(f"cannot reference a {obj.__class__.__name__} in the audit log")
    if not _REFERENCE.match(ref):
        raise AuditError("audit references are short tokens such as 'user:12'")
    return ref


def _check_details(details: dict[str, Any]) -> dict[str, DetailValue]:
    def check_value(value: Any) -> None:
        if value is None or isinstance(value, bool | int):
            return
        if isinstance(value, str):
            if not _DETAIL_TOKEN.match(value):
                raise AuditError("audit details hold tokens and numbers, never free text")
            return
        if isinstance(value, list | tuple) and len(value) <= 32:
            for item in value:
                if isinstance(item, list | tuple):
                    raise AuditError("audit detail lists cannot be nested")
                check_value(item)
            return
        raise AuditError(f"audit details cannot hold a {value.__class__.__name__}")

    clean: dict[str, DetailValue] = {}
    for key, value in details.items():
        if not _DETAIL_KEY.match(key):
            raise AuditError(f"bad audit detail name {key!r}")
        check_value(value)
        clean[key] = list(value) if isinstance(value, tuple) else value
    return clean


def canonical(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    outcome: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers. Stable across databases and versions."""
    document = {
        "v": 1,
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "outcome": outcome,
        "details": details,
        "prev": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _mac(message: bytes) -> str:
    key = settings.AUDIT_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def entry_mac(entry: AuditEntry) -> str:
    return _mac(
        canonical(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            outcome=entry.outcome,
            details=entry.details,
            prev_hash=entry.prev_hash,
        )
    )


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
    # SQLite: every transaction begins IMMEDIATE (settings), which already
    # holds the database's single write lock.


def record(
    actor: object | None,
    action: str,
    target: object | None = None,
    *,
    outcome: str = Outcome.OK,
    **details: Any,
) -> AuditEntry:
    """Append one entry. ``actor`` and ``target`` are model instances (or a
    reference string such as ``"cli"``); ``details`` are short tokens and
    numbers. Raises AuditError rather than writing anything sensitive."""
    if not _REFERENCE.match(action) or ":" in action:
        raise AuditError(f"bad audit action {action!r}")
    if outcome not in Outcome.values:
        raise AuditError(f"bad audit outcome {outcome!r}")
    actor_ref = reference(actor) or "system"
    target_ref = reference(target)
    clean = _check_details(details)
    # Round-trip through JSON so the MAC covers exactly what the database returns.
    clean = json.loads(json.dumps(clean))
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = timezone.now()
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor=actor_ref,
            action=action,
            target=target_ref,
            outcome=outcome,
            details=clean,
            prev_hash=prev_hash,
        )
        entry.entry_hash = entry_mac(entry)
        entry.save(force_insert=True)
        transaction.on_commit(
            lambda: logger.info("audit #%d %s %s", entry.seq, entry.action, entry.entry_hash)
        )
    return entry


# --- Verification ------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # altered, inserted, removed, reordered, unprotected, anchor
    seq: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    head_seq: int
    head_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _pairs(entries: Iterator[AuditEntry]) -> Iterator[tuple[AuditEntry, AuditEntry | None]]:
    current = next(entries, None)
    while current is not None:
        following = next(entries, None)
        yield current, following
        current = following


def _diagnose(
    entry: AuditEntry,
    following: AuditEntry | None,
    mac_ok: bool,
    expected_seq: int,
    expected_prev: str,
) -> Problem:
    seq = entry.seq
    if entry.prev_hash != expected_prev:
        later = (
            AuditEntry.objects.filter(entry_hash=entry.prev_hash, seq__gt=seq)
            .values_list("seq", flat=True)
            .first()
        )
        if later is not None:
            return Problem(
                "reordered",
                seq,
                f"entry #{seq} was reordered: it follows entry #{later}, which now comes after it",
            )
    if not mac_ok:
        if following is not None and following.prev_hash == expected_prev:
            return Problem(
                "inserted",
                seq,
                f"entry #{seq} was inserted: the entry after it links to the entry before it",
            )
        return Problem(
            "altered",
            seq,
            f"entry #{seq} was altered: its content no longer matches its hash",
        )
    if entry.prev_hash != expected_prev or seq != expected_seq:
        first_missing = expected_seq
        last_missing = seq - 1
        if last_missing > first_missing:
            where = f"entries #{first_missing} to #{last_missing} were removed"
        else:
            where = f"entry #{first_missing} was removed"
        return Problem("removed", first_missing, f"{where}: entry #{seq} links to a missing entry")
    raise AssertionError("diagnose called on an intact entry")


def protection_installed() -> bool:
    """True when the triggers refusing UPDATE and DELETE are in place."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            return bool(cursor.fetchone()[0] >= 2)
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [TABLE],
        )
        return bool(cursor.fetchone()[0] >= 3)


def _check_anchor(anchor_seq: int, anchor_hash: str, head_seq: int) -> Problem | None:
    if anchor_seq > head_seq:
        return Problem(
            "removed",
            head_seq + 1,
            f"entries #{head_seq + 1} to #{anchor_seq} were removed from the end "
            f"(an anchor names entry #{anchor_seq})",
        )
    stored = AuditEntry.objects.filter(seq=anchor_seq).values_list("entry_hash", flat=True).first()
    if stored is None or not hmac.compare_digest(stored, anchor_hash):
        return Problem("anchor", anchor_seq, f"entry #{anchor_seq} does not match its anchor")
    return None


def verify(anchors: Sequence[tuple[int, str]] = ()) -> Verification:
    """Walk the whole chain; report the first entry that breaks it. Anchors
    (SEQ, HASH) recorded earlier also reveal entries removed from the end."""
    expected_seq, expected_prev = 1, GENESIS
    checked = 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    for entry, following in _pairs(entries):
        mac_ok = hmac.compare_digest(entry_mac(entry), entry.entry_hash)
        if not (mac_ok and entry.prev_hash == expected_prev and entry.seq == expected_seq):
            problem = _diagnose(entry, following, mac_ok, expected_seq, expected_prev)
            return Verification(checked, expected_seq - 1, expected_prev, problem)
        checked += 1
        expected_seq, expected_prev = entry.seq + 1, entry.entry_hash
    head_seq, head_hash = expected_seq - 1, expected_prev
    for anchor_seq, anchor_hash in anchors:
        mismatch = _check_anchor(anchor_seq, anchor_hash, head_seq)
        if mismatch is not None:
            return Verification(checked, head_seq, head_hash, mismatch)
    if not protection_installed():
        return Verification(
            checked,
            head_seq,
            head_hash,
            Problem(
                "unprotected",
                None,
                "the database triggers that refuse changes to the audit log are missing",
            ),
        )
    return Verification(checked, head_seq, head_hash, None)


def parse_anchor(text: str) -> tuple[int, str]:
    """Parse ``SEQ:HASH`` as printed by ``safepassage audit head``."""
    match = re.fullmatch(r"(\d{1,18}):([0-9a-f]{64})", text.strip())
    if not match:
        raise ValueError("an anchor is SEQ:HASH, as printed by 'safepassage audit head'")
    return int(match.group(1)), match.group(2)
