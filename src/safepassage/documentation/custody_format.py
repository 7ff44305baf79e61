"""The plain forms of the custody log, with no Django and no keys, so the
same code writes them (documentation.custody) and checks them offline
(documentation.dossier_check, ``safepassage verify``).

- An entry's canonical form: its fields as JSON with ``"v": 1``, keys
  sorted, no spaces, ASCII only; its hash is the SHA-256 of those bytes.
- The head's text, which the organisation signs and timestamp authorities
  stamp: four lines, each ending with a newline.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
HEAD_FIRST_LINE = "safepassage custody head v1"
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def format_at(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """Sorted-key JSON, no spaces, ASCII: the bytes an entry's hash covers."""
    return _CANONICAL.encode(document).encode()


def canonical(
    *,
    item: str,
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    details: dict[str, Any],
    prev: str,
) -> bytes:
    """An entry's canonical form."""
    return canonical_bytes(
        {
            "v": 1,
            "item": item,
            "seq": seq,
            "at": at if isinstance(at, str) else format_at(at),
            "actor": actor,
            "action": action,
            "details": details,
            "prev": prev,
        }
    )


def head_message(item_code: str, seq: int, head_hash: str) -> bytes:
    """What the organisation signs: plain text, so ``openssl pkeyutl
    -verify -rawin`` checks it as it is."""
    return f"{HEAD_FIRST_LINE}\nitem {item_code}\nentries {seq}\nhash {head_hash}\n".encode()
