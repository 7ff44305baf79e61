"""The public half of the organisation's signing keys in the forms others
read: a fingerprint to compare by eye, PEM for OpenSSL. No Django and no
keys: a dossier is checked offline with these (``safepassage verify``)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from safepassage.vault import crypto

_FINGERPRINT = b"safepassage.signing-key\x00"
# DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
_BEGIN = "-----BEGIN PUBLIC KEY-----"
_END = "-----END PUBLIC KEY-----"


def fingerprint(verify_key: bytes) -> str:
    """128 bits of SHA-256 over the key, in groups of four hex digits."""
    digest = hashlib.sha256(_FINGERPRINT + verify_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_key_pem(verify_key: bytes) -> str:
    """The public key as PEM (RFC 8410), as ``openssl pkeyutl -verify`` reads it."""
    if len(verify_key) != crypto.KEY_BYTES:
        raise ValueError("an Ed25519 public key has 32 bytes")
    body = base64.encodebytes(_SPKI_PREFIX + verify_key).decode()
    return f"{_BEGIN}\n{body}{_END}\n"


def verify_key_from_pem(text: bytes) -> bytes:
    """The 32 key bytes of an Ed25519 public key in PEM; ValueError otherwise."""
    lines = text.decode("ascii", errors="replace").strip().splitlines()
    if len(lines) < 3 or lines[0].strip() != _BEGIN or lines[-1].strip() != _END:
        raise ValueError("not a PEM public key")
    try:
        der = base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except binascii.Error:
        raise ValueError("not a PEM public key") from None
    if len(der) != len(_SPKI_PREFIX) + crypto.KEY_BYTES or not der.startswith(_SPKI_PREFIX):
        raise ValueError("not an Ed25519 public key")
    return der[len(_SPKI_PREFIX) :]
