"""Bundles: a case sealed to a partner organisation, and opened on its side.

An organisation that exchanges cases has a *partner key*: an X25519 key
pair that bundles are sealed to, and an Ed25519 key pair that signs the
bundles it sends (vault.exchange keeps ours). Its public half is given to
partners as text (``partner_key_text``), and checked with them out of
band by its fingerprint, read aloud or compared on a call.

A bundle is::

    header     "SPBUNDLE" || format (1 byte)
    body       seal_with_context(recipient's X25519 key, inner, associated=header)
    inner      sender's Ed25519 public key (32) || signature (64) || payload

The body is a fresh content key sealed to the recipient (a libsodium
sealed box) and the inner part encrypted with it (XChaCha20-Poly1305,
padded to 32 bytes), the header as associated data: one flipped byte
anywhere, or a bundle sealed to another key, fails to open. The
signature covers the header, the recipient's key, the sender's key and
the payload, so a bundle cannot be re-signed by someone else nor re-sent
to a third organisation as if it were theirs. The sender's key is inside
the encryption: a stolen bundle names neither who sent it nor to whom.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from safepassage.vault import crypto, keys
from safepassage.vault.errors import Tampered, VaultError

MAGIC = b"SPBUNDLE"
FORMAT = 1
HEADER = MAGIC + bytes([FORMAT])
KEY_PREFIX = "spk1:"
_SIGNED = b"safepassage.bundle.v1\x00"
_FINGERPRINT = b"safepassage.partner-key\x00"


class BadPartnerKey(VaultError):
    """Text that is not a partner key (nor an X25519 public key)."""


class BundleRefused(VaultError):
    """A bundle that does not open: altered, cut short, not a bundle, or
    sealed to another organisation's key."""


@dataclass(frozen=True)
class PartnerKey:
    """The public half of an organisation's partner key: ``box`` (X25519)
    receives bundles; ``verify`` (Ed25519) checks the bundles it signs, and
    is None for a partner that gave an X25519 key alone (bundles can be
    sent to them, not received from them)."""

    box: bytes
    verify: bytes | None = None

    @property
    def raw(self) -> bytes:
        return self.box + (self.verify or b"")


@dataclass(frozen=True)
class ExchangeSecret:
    """The private half: the X25519 private key and the Ed25519 seed."""

    box_private: bytes
    sign_seed: bytes

    def __repr__(self) -> str:  # never print keys
        return "<ExchangeSecret>"

    def to_bytes(self) -> bytes:
        return self.box_private + self.sign_seed

    @classmethod
    def from_bytes(cls, raw: bytes) -> ExchangeSecret:
        if len(raw) != 2 * crypto.KEY_BYTES:
            raise Tampered("a partner key's secret has the wrong size")
        return cls(raw[: crypto.KEY_BYTES], raw[crypto.KEY_BYTES :])

    @classmethod
    def generate(cls) -> ExchangeSecret:
        return cls(crypto.new_key_pair().private, crypto.random_key())

    @property
    def public(self) -> PartnerKey:
        return PartnerKey(
            crypto.public_from_private(self.box_private), crypto.verify_key_of(self.sign_seed)
        )


# --- Partner keys as text ----------------------------------------------------------


def partner_key_text(key: PartnerKey) -> str:
    """The text given to partners: ``spk1:`` and the base64 of both public
    keys (or, for an X25519 key alone, its plain base64)."""
    if key.verify is None:
        return base64.b64encode(key.box).decode()
    return KEY_PREFIX + base64.urlsafe_b64encode(key.raw).decode().rstrip("=")


def parse_partner_key(text: str) -> PartnerKey:
    """A partner key from its text, spaces and line breaks aside:
    ``spk1:…`` (both keys) or the base64 of a 32-byte X25519 public key.
    BadPartnerKey for anything else, or a key nothing can be sealed to."""
    compact = "".join(text.split())
    prefixed = compact.startswith(KEY_PREFIX)
    body = compact[len(KEY_PREFIX) :] if prefixed else compact
    try:
        raw = base64.urlsafe_b64decode(
            body.replace("+", "-").replace("/", "_") + "=" * (-len(body) % 4)
        )
    except (binascii.Error, ValueError):
        raise BadPartnerKey("not base64") from None
    wanted = 2 * crypto.KEY_BYTES if prefixed else crypto.KEY_BYTES
    if len(raw) != wanted:
        raise BadPartnerKey("a partner key of the wrong size")
    key = PartnerKey(raw[: crypto.KEY_BYTES], raw[crypto.KEY_BYTES :] or None)
    if not crypto.can_seal_to(key.box):
        raise BadPartnerKey("a key nothing can be sealed to")
    return key


def fingerprint(key: PartnerKey) -> str:
    """128 bits of SHA-256 over the key, as eight groups of four hex
    digits, to read aloud: both sides see the same for the same key."""
    digest = hashlib.sha256(_FINGERPRINT + key.raw).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def pin_partner_key(reference: str, key: PartnerKey) -> str:
    """An HMAC under the server's secret over a partner's key as recorded:
    a key swapped in the database (to have bundles sealed to someone
    else) no longer matches its pin."""
    return keys.pin("partner", reference, key.raw)


def check_partner_key(pin: str, reference: str, key: PartnerKey) -> None:
    """Tampered unless ``pin`` is the pin of this key for this partner."""
    keys.check_pin(pin, "partner", reference, key.raw)


# --- Sealing and opening -----------------------------------------------------------


def _signed_part(recipient: bytes, sender: bytes, payload: bytes) -> bytes:
    return _SIGNED + HEADER + recipient + sender + payload


def seal_bundle_for(public_key: PartnerKey, payload: bytes, signer: ExchangeSecret) -> bytes:
    """``payload`` sealed to a partner's key and signed with ours."""
    sender = signer.public.verify
    assert sender is not None  # noqa: S101 - an ExchangeSecret always has both halves
    signature = crypto.sign(signer.sign_seed, _signed_part(public_key.box, sender, payload))
    inner = sender + signature + payload
    return HEADER + crypto.seal_with_context(public_key.box, inner, HEADER)


@dataclass(frozen=True)
class OpenedBundle:
    payload: bytes
    # The Ed25519 public key that signed it: whose it is, the caller decides.
    sender: bytes


def open_bundle(private_key: ExchangeSecret, bundle: bytes) -> OpenedBundle:
    """The payload of a bundle sealed to ``private_key``, its signature
    checked. BundleRefused if it is not a bundle, was altered, or was
    sealed to another key."""
    if not bundle.startswith(MAGIC):
        raise BundleRefused("not a bundle")
    if not bundle.startswith(HEADER):
        raise BundleRefused("a bundle of another format")
    try:
        inner = crypto.open_with_context(private_key.box_private, bundle[len(HEADER) :], HEADER)
    except Tampered:
        raise BundleRefused("altered, or sealed to another key") from None
    head = crypto.KEY_BYTES + crypto.SIGNATURE_BYTES
    if len(inner) < head:
        raise BundleRefused("a bundle cut short")
    sender, signature, payload = (
        inner[: crypto.KEY_BYTES],
        inner[crypto.KEY_BYTES : head],
        inner[head:],
    )
    recipient = crypto.public_from_private(private_key.box_private)
    try:
        crypto.check_signature(sender, _signed_part(recipient, sender, payload), signature)
    except Tampered:
        raise BundleRefused("the signature does not match") from None
    return OpenedBundle(payload, sender)


def open_bundle_with_any(secrets: list[ExchangeSecret], bundle: bytes) -> OpenedBundle:
    """As open_bundle, with each of our keys (the current one first)."""
    for secret in secrets:
        try:
            return open_bundle(secret, bundle)
        except BundleRefused as refused:
            last = refused
    if not secrets:
        raise BundleRefused("no partner key to open it with")
    raise last
