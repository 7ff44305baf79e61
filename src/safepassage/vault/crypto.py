"""Primitives from libsodium (PyNaCl), with names that say what they are for.

Nothing outside ``safepassage.vault`` imports PyNaCl. Keys are raw bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash
import nacl.utils
from nacl._sodium import ffi as _ffi  # PyNaCl's own binding of libsodium
from nacl._sodium import lib as _lib
from nacl.public import PrivateKey, PublicKey, SealedBox

from safepassage.vault.errors import Tampered

KEY_BYTES = 32
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
SEAL_OVERHEAD = sodium.crypto_box_SEALBYTES  # 48
PAD_BLOCK = 32  # plaintexts are padded to a multiple of this, hiding exact lengths
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES


def random_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def random_bytes(size: int) -> bytes:
    return nacl.utils.random(size)


# --- Symmetric: XChaCha20-Poly1305 with associated data -------------------------


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce || ciphertext+tag. The associated data binds the ciphertext to its place."""
    nonce = nacl.utils.random(NONCE_BYTES)
    padded = sodium.sodium_pad(plaintext, PAD_BLOCK)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, associated, nonce, key)


def decrypt(key: bytes, sealed: bytes, associated: bytes, offset: int = 0) -> bytes:
    """The inverse of encrypt, for ``sealed[offset:]``. This is the hot path of
    every list page, so it calls libsodium directly (through PyNaCl's own cffi
    binding) on the buffer in place: the same function, no copies, a third of
    the overhead of the checked wrapper."""
    size = len(sealed) - offset - NONCE_BYTES - TAG_BYTES
    if size < 0 or len(key) != KEY_BYTES:
        raise Tampered("ciphertext too short")
    buffer = _ffi.from_buffer(sealed)
    scratch = _scratch()
    out = scratch.out if size <= SCRATCH_BYTES else _ffi.new("unsigned char[]", size)
    out_len = scratch.length
    status = _lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
        out,
        out_len,
        _ffi.NULL,
        buffer + offset + NONCE_BYTES,
        size + TAG_BYTES,
        associated,
        len(associated),
        buffer + offset,
        key,
    )
    if status != 0:
        raise Tampered("ciphertext failed authentication")
    return _unpad(_ffi.buffer(out, out_len[0])[:])


SCRATCH_BYTES = 16 * 1024
_local = threading.local()


def _scratch() -> threading.local:
    """Per-thread output buffers, so the hot path allocates nothing."""
    if not hasattr(_local, "out"):
        _local.out = _ffi.new("unsigned char[]", SCRATCH_BYTES)
        _local.length = _ffi.new("unsigned long long *")
    return _local


def _unpad(padded: bytes) -> bytes:
    """ISO/IEC 7816-4 padding, as sodium_pad writes it: 0x80 then zeros."""
    stripped = padded.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80 or len(padded) - len(stripped) >= PAD_BLOCK:
        raise Tampered("ciphertext padding is wrong")
    return stripped[:-1]


# --- Asymmetric: X25519 key pairs and sealed boxes --------------------------------


@dataclass(frozen=True)
class KeyPair:
    public: bytes
    private: bytes


def new_key_pair() -> KeyPair:
    private = PrivateKey.generate()
    return KeyPair(bytes(private.public_key), bytes(private))


def public_from_private(private: bytes) -> bytes:
    return bytes(PrivateKey(private).public_key)


def seal_to(public: bytes, plaintext: bytes) -> bytes:
    """Encrypt to a public key; only the private key opens it (crypto_box_seal)."""
    return bytes(SealedBox(PublicKey(public)).encrypt(plaintext))


def open_sealed(private: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private)).decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise Tampered("sealed box failed to open") from None


def seal_with_context(public: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Public-key encryption bound to a place: a fresh content key, sealed to
    ``public``, encrypts the plaintext with associated data."""
    content_key = random_key()
    wrapped = seal_to(public, content_key)
    return wrapped + encrypt(content_key, plaintext, associated)


def open_with_context(private: bytes, sealed: bytes, associated: bytes) -> bytes:
    wrapped_size = KEY_BYTES + SEAL_OVERHEAD
    if len(sealed) < wrapped_size:
        raise Tampered("ciphertext too short")
    content_key = open_sealed(private, sealed[:wrapped_size])
    return decrypt(content_key, sealed[wrapped_size:], associated)


# --- Passwords: Argon2id --------------------------------------------------------


def key_from_password(password: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_BYTES, password.encode(), salt, opslimit=opslimit, memlimit=memlimit
        )
    )


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


# --- Keyed hashing: BLAKE2b -----------------------------------------------------


def keyed_digest(key: bytes, value: bytes, *, person: bytes, size: int = 16) -> bytes:
    """Keyed BLAKE2b, domain-separated by ``person`` (at most 16 bytes)."""
    return hashlib.blake2b(value, key=key, digest_size=size, person=person[:16]).digest()


def derive_key(key: bytes, label: str) -> bytes:
    """A sub-key for one purpose (BLAKE2b keyed with the parent key)."""
    return hashlib.blake2b(label.encode(), key=key, digest_size=KEY_BYTES).digest()


def same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


# --- Files: secretstream --------------------------------------------------------

STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
STREAM_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class StreamEncryptor:
    """Encrypts a stream chunk by chunk; the last chunk carries the FINAL tag,
    so truncation is detected."""

    def __init__(self, key: bytes, associated: bytes) -> None:
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self.header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        self._associated = associated

    def push(self, chunk: bytes, *, final: bool = False) -> bytes:
        tag = TAG_FINAL if final else TAG_MESSAGE
        return sodium.crypto_secretstream_xchacha20poly1305_push(
            self._state, chunk, self._associated, tag
        )


class StreamDecryptor:
    def __init__(self, key: bytes, header: bytes, associated: bytes) -> None:
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        try:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(self._state, header, key)
        except (nacl.exceptions.CryptoError, ValueError):
            raise Tampered("stream header is invalid") from None
        self._associated = associated
        self.finished = False

    def pull(self, chunk: bytes) -> bytes:
        if self.finished:
            raise Tampered("data after the end of the stream")
        try:
            plaintext, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                self._state, chunk, self._associated
            )
        except (nacl.exceptions.CryptoError, ValueError):
            raise Tampered("stream chunk failed authentication") from None
        if tag == TAG_FINAL:
            self.finished = True
        return bytes(plaintext)
