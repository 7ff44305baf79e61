"""Primitives from libsodium (PyNaCl), with names that say what they are for.

Nothing outside ``safepassage.vault`` imports PyNaCl. Keys are raw bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash
import nacl.signing
import nacl.utils
from nacl._sodium import ffi as _ffi  # PyNaCl's own binding: only where the public one lacks
from nacl._sodium import lib as _lib  # what is needed (see below)
from nacl.public import PrivateKey, PublicKey, SealedBox

from safepassage.vault.errors import Tampered

KEY_BYTES = 32
SEAL_OVERHEAD = sodium.crypto_box_SEALBYTES  # 48
PAD_BLOCK = 32  # plaintexts are padded to a multiple of this, hiding exact lengths
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES


def random_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def random_bytes(size: int) -> bytes:
    return nacl.utils.random(size)


# --- What PyNaCl's public interface lacks ---------------------------------------------
#
# Everything else here goes through PyNaCl's public interface. Three things
# need its own binding of libsodium (``nacl._sodium``, not public API), and
# only these, each missing from it or measured to matter (docs/decisions.md):
# - whether the CPU has AES instructions (no public function says);
# - the addresses of libsodium's functions, for the compiled loop of list
#   pages (vault/_bulk.c calls PyNaCl's libsodium rather than linking a
#   second copy), and only when that loop was built;
# - files (below): calls in place, into buffers the caller reuses, where the
#   public functions allocate and copy every 64 KiB message.


def libsodium_address(name: str) -> int:
    """Where PyNaCl's libsodium keeps the function ``name`` (for vault/_bulk.c)."""
    return int(_ffi.cast("uintptr_t", _ffi.addressof(_lib, name)))


# libsodium's test for AES-NI and carry-less multiplication (x86) or the ARM
# crypto extensions: what its AEGIS-256 uses. Without them AEGIS-256 runs on
# a software AES at a few dozen MB/s.
HARDWARE_AES = bool(_lib.crypto_aead_aes256gcm_is_available())


# --- Symmetric: AEAD with associated data ---------------------------------------
#
# Two of libsodium's AEADs, both with 256-bit keys and nonces long enough to
# be drawn at random: XChaCha20-Poly1305, everywhere, and AEGIS-256, which
# is several times faster where the CPU has AES instructions (and far slower
# without them). Which one sealed a value is part of what is stored beside it
# (vault.fields: the header's kind).


@dataclass(frozen=True)
class Cipher:
    name: str
    nonce_bytes: int
    tag_bytes: int
    _encrypt: Callable[[bytes, bytes, bytes, bytes], bytes]
    _decrypt: Callable[[bytes, bytes, bytes, bytes], bytes]
    decrypt_symbol: str  # libsodium's name of the decrypt function (vault/_bulk.c)

    def __repr__(self) -> str:
        return f"<Cipher {self.name}>"


XCHACHA20POLY1305 = Cipher(
    "xchacha20poly1305",
    sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,  # 24
    sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES,  # 16
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt,
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt,
    "crypto_aead_xchacha20poly1305_ietf_decrypt",
)
AEGIS256 = Cipher(
    "aegis256",
    sodium.crypto_aead_aegis256_NPUBBYTES,  # 32
    sodium.crypto_aead_aegis256_ABYTES,  # 32
    sodium.crypto_aead_aegis256_encrypt,
    sodium.crypto_aead_aegis256_decrypt,
    "crypto_aead_aegis256_decrypt",
)


# Padding, the one rule for every path (vault/_bulk.c calls the same
# libsodium function with the same block): ISO/IEC 7816-4, 0x80 then zeros,
# to a multiple of PAD_BLOCK.
PAD_SYMBOL = "sodium_unpad"


def pad(plaintext: bytes) -> bytes:
    return sodium.sodium_pad(plaintext, PAD_BLOCK)


def unpad(padded: bytes) -> bytes:
    """The inverse of pad; Tampered unless ``padded`` ends in 0x80 and fewer
    than PAD_BLOCK zeros and is at least PAD_BLOCK bytes long."""
    try:
        return sodium.sodium_unpad(padded, PAD_BLOCK)
    except nacl.exceptions.CryptoError:
        raise Tampered("ciphertext padding is wrong") from None


def encrypt(
    key: bytes, plaintext: bytes, associated: bytes, cipher: Cipher = XCHACHA20POLY1305
) -> bytes:
    """nonce || ciphertext+tag. The associated data binds the ciphertext to its place."""
    return _encrypt_padded(key, pad(plaintext), associated, cipher)


def _encrypt_padded(
    key: bytes, padded: bytes, associated: bytes, cipher: Cipher = XCHACHA20POLY1305
) -> bytes:
    nonce = nacl.utils.random(cipher.nonce_bytes)
    return nonce + cipher._encrypt(padded, associated, nonce, key)


def decrypt(
    key: bytes,
    sealed: bytes,
    associated: bytes,
    offset: int = 0,
    cipher: Cipher = XCHACHA20POLY1305,
) -> bytes:
    """The inverse of encrypt, for ``sealed[offset:]``: Tampered if it is
    too short, fails authentication or is padded wrongly."""
    if not isinstance(sealed, bytes):
        sealed = bytes(sealed)
    body = offset + cipher.nonce_bytes
    if len(sealed) - body < cipher.tag_bytes or len(key) != KEY_BYTES:
        raise Tampered("ciphertext too short")
    try:
        padded = cipher._decrypt(sealed[body:], associated, sealed[offset:body], key)
    except nacl.exceptions.CryptoError:
        raise Tampered("ciphertext failed authentication") from None
    return unpad(padded)


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


def can_seal_to(public: bytes) -> bool:
    """Whether ``public`` is an X25519 key something can be sealed to (not
    of the wrong size, not a low-order point that libsodium refuses)."""
    try:
        seal_to(public, b"\x00")
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True


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


# --- Signatures: Ed25519 -------------------------------------------------------------

SIGNATURE_BYTES = 64


def verify_key_of(seed: bytes) -> bytes:
    """The public half of the Ed25519 key whose 32-byte seed is ``seed``."""
    return bytes(nacl.signing.SigningKey(seed).verify_key)


def sign(seed: bytes, message: bytes) -> bytes:
    """A detached Ed25519 signature of ``message``."""
    return bytes(nacl.signing.SigningKey(seed).sign(message).signature)


def check_signature(verify_key: bytes, message: bytes, signature: bytes) -> None:
    """Tampered unless ``signature`` is ``verify_key``'s signature of ``message``."""
    try:
        nacl.signing.VerifyKey(verify_key).verify(message, signature)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise Tampered("the signature does not match") from None


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


# --- Files: secretstream and AEGIS-256 chunks --------------------------------------
#
# Files are the bulk path (hundreds of MB/s), so the encryptors and
# decryptors below call libsodium through PyNaCl's own cffi binding
# (``nacl._sodium``), reading from and writing into buffers the caller owns
# and reuses: the same functions as the checked wrappers, with the checks
# made here (in _Encryptor and _Decryptor, for both formats), and no
# allocation or copy per message. The calls release the GIL. The C views of
# the buffers are released on leaving (``with``), not when collected: CPython
# 3.11's collector crashes on a reference cycle that holds a memoryview with a
# live export (python/cpython#77894), which a Tampered traceback through
# pull_into would otherwise be.

STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
STREAM_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
STREAM_MESSAGE_MAX = sodium.crypto_secretstream_xchacha20poly1305_MESSAGEBYTES_MAX
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_STREAM_STATE_BYTES = sodium.crypto_secretstream_xchacha20poly1305_STATEBYTES
Buffer = bytes | bytearray | memoryview


class _StreamPart:
    """What every encryptor and decryptor of a stream holds: its secret (a
    libsodium state or a key, in C memory), wiped once the last message
    has passed, and the largest message it takes."""

    overhead: int  # bytes a message gains when encrypted
    _largest: int
    _secret: Any

    def __init__(self, associated: bytes) -> None:
        self._associated = bytes(associated)
        self.finished = False

    def _finish(self) -> None:
        self.finished = True
        _lib.sodium_memzero(self._secret, _ffi.sizeof(self._secret))


class _Encryptor(_StreamPart):
    def push_into(self, chunk: Buffer, out: Buffer, *, final: bool = False) -> int:
        """Encrypt ``chunk`` into the writable buffer ``out`` (at least
        ``len(chunk) + overhead`` bytes); returns the ciphertext length. The
        last message is pushed with ``final``; the encryptor refuses more."""
        if self.finished:
            raise ValueError("the stream was already finished")
        with (
            _ffi.from_buffer(chunk) as source,
            _ffi.from_buffer(out, require_writable=True) as target,
        ):
            size = len(source)
            if size > self._largest or len(target) < size + self.overhead:
                raise ValueError("stream message or output buffer of the wrong size")
            status = self._seal(target, source, size, final)
        if status != 0:
            raise RuntimeError("stream encryption failed")
        if final:
            self._finish()
        return size + self.overhead

    def _seal(self, target: Any, source: Any, size: int, final: bool) -> int:
        """One libsodium call; its status."""
        raise NotImplementedError


class _Decryptor(_StreamPart):
    def pull_into(self, chunk: Buffer, out: Buffer) -> int:
        """Decrypt one message into the writable buffer ``out`` (at least
        ``len(chunk) - overhead`` bytes); returns the plaintext length.
        Raises Tampered if the message fails authentication or follows the
        last one; ``out`` then holds nothing to be used."""
        if self.finished:
            raise Tampered("data after the end of the stream")
        with (
            _ffi.from_buffer(chunk) as source,
            _ffi.from_buffer(out, require_writable=True) as target,
        ):
            size = len(source) - self.overhead
            if size < 0 or size > self._largest:
                raise Tampered("stream chunk failed authentication")
            if len(target) < size:
                raise ValueError("output buffer too small for the stream message")
            last = self._open(target, source, size)
        if last is None:
            raise Tampered("stream chunk failed authentication")
        if last:
            self._finish()
        return size

    def _open(self, target: Any, source: Any, size: int) -> bool | None:
        """One libsodium call: whether the message was the last, or None
        if it failed to authenticate."""
        raise NotImplementedError


class StreamEncryptor(_Encryptor):
    """secretstream (format v1): the last message carries the FINAL tag, so
    truncation is detected."""

    overhead = STREAM_OVERHEAD
    _largest = STREAM_MESSAGE_MAX

    def __init__(self, key: bytes, associated: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a stream key is 32 bytes")
        super().__init__(associated)
        self._secret = _ffi.new("unsigned char[]", _STREAM_STATE_BYTES)
        header = _ffi.new("unsigned char[]", STREAM_HEADER_BYTES)
        if _lib.crypto_secretstream_xchacha20poly1305_init_push(self._secret, header, key) != 0:
            raise RuntimeError("secretstream could not start")
        self.header = bytes(_ffi.buffer(header))

    def _seal(self, target: Any, source: Any, size: int, final: bool) -> int:
        status: int = _lib.crypto_secretstream_xchacha20poly1305_push(
            self._secret,
            target,
            _ffi.NULL,
            source,
            size,
            self._associated,
            len(self._associated),
            TAG_FINAL if final else TAG_MESSAGE,
        )
        return status


class StreamDecryptor(_Decryptor):
    overhead = STREAM_OVERHEAD
    _largest = STREAM_MESSAGE_MAX

    def __init__(self, key: bytes, header: bytes, associated: bytes) -> None:
        if len(key) != KEY_BYTES or len(header) != STREAM_HEADER_BYTES:
            raise Tampered("stream header is invalid")
        super().__init__(associated)
        self._secret = _ffi.new("unsigned char[]", _STREAM_STATE_BYTES)
        if _lib.crypto_secretstream_xchacha20poly1305_init_pull(self._secret, header, key) != 0:
            raise Tampered("stream header is invalid")
        self._tag = _ffi.new("unsigned char *")

    def _open(self, target: Any, source: Any, size: int) -> bool | None:
        status = _lib.crypto_secretstream_xchacha20poly1305_pull(
            self._secret,
            target,
            _ffi.NULL,
            self._tag,
            source,
            len(source),
            self._associated,
            len(self._associated),
        )
        return None if status != 0 else self._tag[0] == TAG_FINAL


# The STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár (2015),
# as age and Tink use it, over AEGIS-256 (format v2), where the CPU has AES
# instructions: several times faster than secretstream. Each chunk is one
# libsodium AEAD call with its own nonce: a random prefix (in the file's
# header) || the chunk's number || whether it is the last. A chunk moved,
# dropped or repeated, a stream cut short and data after the last chunk all
# fail to authenticate; every chunk but the last holds exactly
# ``chunk_size`` bytes.

CHUNK_PREFIX_BYTES = AEGIS256.nonce_bytes - 9  # 23: then 8 bytes of number, 1 of "last"
CHUNK_OVERHEAD = AEGIS256.tag_bytes  # 32
_CHUNK_LIMIT = 2**64


def _chunk_nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= _CHUNK_LIMIT:
        raise ValueError("too many chunks in one stream")
    return prefix + number.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


class ChunkEncryptor(_Encryptor):
    overhead = CHUNK_OVERHEAD

    def __init__(self, key: bytes, associated: bytes, chunk_size: int) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a stream key is 32 bytes")
        super().__init__(associated)
        self._secret = _ffi.new("unsigned char[]", key)
        self.header = nacl.utils.random(CHUNK_PREFIX_BYTES)
        self._largest = chunk_size
        self._number = 0

    def _seal(self, target: Any, source: Any, size: int, final: bool) -> int:
        if size != self._largest and not final:
            raise ValueError("every chunk but the last is whole")
        status: int = _lib.crypto_aead_aegis256_encrypt(
            target,
            _ffi.NULL,
            source,
            size,
            self._associated,
            len(self._associated),
            _ffi.NULL,
            _chunk_nonce(self.header, self._number, final),
            self._secret,
        )
        if status == 0:
            self._number += 1
        return status


class ChunkDecryptor(_Decryptor):
    overhead = CHUNK_OVERHEAD

    def __init__(self, key: bytes, header: bytes, associated: bytes, chunk_size: int) -> None:
        if len(key) != KEY_BYTES or len(header) != CHUNK_PREFIX_BYTES:
            raise Tampered("stream header is invalid")
        super().__init__(associated)
        self._secret = _ffi.new("unsigned char[]", key)
        self._prefix = bytes(header)
        self._largest = chunk_size
        self._number = 0

    def _open(self, target: Any, source: Any, size: int) -> bool | None:
        # A short chunk can only be the last; a whole one is tried as the
        # next, then as the last (authenticated either way).
        for last in (False, True) if size == self._largest else (True,):
            status = _lib.crypto_aead_aegis256_decrypt(
                target,
                _ffi.NULL,
                _ffi.NULL,
                source,
                len(source),
                self._associated,
                len(self._associated),
                _chunk_nonce(self._prefix, self._number, last),
                self._secret,
            )
            if status == 0:
                self._number += 1
                return last
        return None
