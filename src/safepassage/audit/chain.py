"""Appending to the hash-chained audit log.

Each entry carries the previous entry's hash and its own, an HMAC-SHA256
(keyed with SAFEPASSAGE_AUDIT_KEY) over a canonical JSON encoding of its
position, time, actor, action, target, outcome, details and the previous
hash, and a seal: an HMAC of its position and its hash alone. Someone with
a copy of the database but not the key cannot edit, insert, remove or
reorder entries and recompute a chain that verifies (verify.py). Removing
entries from the end is detected against an anchor (a sequence number and
hash recorded elsewhere, or a checkpoint): every append is also written to
the ``safepassage.audit`` logger, and ``safepassage audit head`` prints one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
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


def format_at(at: datetime) -> str:
    """An entry's time as its hash covers it."""
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")


# json.dumps with these options; one encoder made once (a full check encodes
# a million documents).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical(
    *,
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    target: str,
    outcome: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers. Stable across databases and versions.
    ``at`` is a datetime, or already formatted by ``format_at``."""
    document = {
        "v": 1,
        "seq": seq,
        "at": at if isinstance(at, str) else format_at(at),
        "actor": actor,
        "action": action,
        "target": target,
        "outcome": outcome,
        "details": details,
        "prev": prev_hash,
    }
    return _CANONICAL.encode(document).encode()


def _key() -> bytes:
    return settings.AUDIT_KEY.encode()


def mac(message: bytes) -> str:
    return hmac.digest(_key(), message, hashlib.sha256).hex()


# Domain separation: canonical documents start with "{", these never do.
_SEAL = b"safepassage.audit.seal\x00"


def seal_of(seq: int, entry_hash: str) -> str:
    """The seal of the entry at ``seq`` whose hash is ``entry_hash``."""
    return mac(_SEAL + f"{seq}:{entry_hash}".encode())


def entry_mac(entry: AuditEntry) -> str:
    return mac(
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
        entry.seal = seal_of(seq, entry.entry_hash)
        entry.save(force_insert=True)
        transaction.on_commit(
            lambda: logger.info("audit #%d %s %s", entry.seq, entry.action, entry.entry_hash)
        )
    return entry
