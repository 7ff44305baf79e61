"""The organisation's signing keys: Ed25519 key pairs with which the
organisation vouches for what it holds (for now, ``custody``: the head of
each evidence item's custody log).

The same mechanism as the partner key (vault.exchange): the public half is
plain and pinned (an HMAC under the server's secret, checked before it is
used), so a key swapped in the database is refused; the seed is sealed to
the documentation compartment, so it is made with no keys at all (sealed
to the compartment's public key), used by whoever holds the compartment's
keys, covered by its recovery wrap and re-encrypted when it is rotated.
Verifying needs the public half only: anyone can check a signature, with
this code or with any Ed25519 tool (docs/evidence.md).

A new key becomes current; older ones stay, so what they signed still
verifies.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.vault import crypto, keys
from safepassage.vault.errors import Tampered
from safepassage.vault.models import SigningKey
from safepassage.vault.public_keys import fingerprint
from safepassage.vault.public_keys import public_key_pem as public_key_pem

CUSTODY = "custody"
PURPOSES = (CUSTODY,)


@dataclass(frozen=True)
class PublicKey:
    """A signing key's public half, and its id (what a signature names)."""

    key_id: str
    purpose: str
    verify_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.verify_key)


def _reference(stored: SigningKey) -> str:
    return f"{stored.purpose}:{stored.pk}"


def _public(stored: SigningKey) -> PublicKey:
    verify = bytes(stored.verify_key)
    keys.check_pin(stored.pin, "signing", _reference(stored), verify)
    return PublicKey(str(stored.pk), stored.purpose, verify)


def current_key(purpose: str) -> PublicKey | None:
    """The current key's public half (no keys needed), or None before one
    was made. Tampered if the stored key is not the one made."""
    stored = SigningKey.objects.filter(purpose=purpose, current=True).first()
    return None if stored is None else _public(stored)


def public_key(key_id: str) -> PublicKey:
    """A key by its id, current or not, its pin checked. Tampered if it is
    unknown or not the one made."""
    stored = SigningKey.objects.filter(pk=key_id).first() if _is_uuid(key_id) else None
    if stored is None:
        raise Tampered("the signing key is unknown")
    return _public(stored)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@transaction.atomic
def make_key(purpose: str, *, by: object) -> PublicKey:
    """A new signing key for ``purpose``, current from now on (older ones
    kept, so what they signed still verifies). Needs no keys."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown signing purpose {purpose!r}")
    seed = crypto.random_key()
    verify = crypto.verify_key_of(seed)
    SigningKey.objects.filter(purpose=purpose, current=True).update(current=False)
    stored = SigningKey(purpose=purpose, verify_key=verify, current=True)
    stored.pin = keys.pin("signing", _reference(stored), verify)
    stored.seed = base64.b64encode(seed).decode()
    stored.save(force_insert=True)
    public = _public(stored)
    record(by, "vault.signing_key_made", stored, key=public.fingerprint.replace(" ", ""))
    return public


def sign(purpose: str, message: bytes, *, by: object) -> tuple[PublicKey, bytes]:
    """The organisation's signature of ``message`` with the current key of
    ``purpose`` (made now if there is none yet). Needs the documentation
    compartment's keys (VaultSealed or NotInCompartment without them)."""
    stored = SigningKey.objects.filter(purpose=purpose, current=True).first()
    if stored is None:
        make_key(purpose, by=by)
        stored = SigningKey.objects.get(purpose=purpose, current=True)
    public = _public(stored)
    seed = base64.b64decode(stored.seed)
    if crypto.verify_key_of(seed) != public.verify_key:
        raise Tampered("a signing key does not match its public half")
    return public, crypto.sign(seed, message)


def check(key_id: str, message: bytes, signature: bytes) -> PublicKey:
    """Tampered unless ``signature`` is the signature of ``message`` by
    the organisation's key ``key_id``."""
    public = public_key(key_id)
    crypto.check_signature(public.verify_key, message, signature)
    return public
