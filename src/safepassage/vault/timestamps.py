"""RFC 3161 timestamps: a token from a timestamp authority saying that a
message (the signed head of a custody log) existed at a time, so "when"
does not rest on our own clock alone.

Requests and replies are built and checked with ``rfc3161-client`` (the
library bellingcat's auto-archiver moved to); each reply is verified when
received (its signature up to the authority's root certificate, the
nonce, the message's hash) and kept whole, and verified again by
``safepassage custody verify``. Authorities are configured with
SAFEPASSAGE_TIMESTAMP_AUTHORITIES: a URL and the path of its root
certificate (PEM) per authority; none by default.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import rfc3161_client
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from safepassage.vault.errors import Tampered, VaultError

REPLY_MAX_BYTES = 256 * 1024
TIMEOUT_SECONDS = 20


class TimestampRefused(VaultError):
    """An authority gave no good token (unreachable, refused, or a reply
    that does not verify)."""


@dataclass(frozen=True)
class Authority:
    url: str
    root: Path

    @property
    def name(self) -> str:
        return self.url


@dataclass(frozen=True)
class Token:
    token: bytes  # the whole TimeStampResp, DER
    at: datetime


def parse_authorities(text: str) -> list[Authority]:
    """``URL ROOT.pem, URL ROOT.pem``; ValueError for anything else."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        pieces = part.split()
        if len(pieces) != 2 or not pieces[0].startswith(("http://", "https://")):
            raise ValueError("each authority is a URL and the path of its root certificate")
        found.append(Authority(pieces[0], Path(pieces[1])))
    return found


@cache
def _root(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _verifier(
    root: x509.Certificate, request: rfc3161_client.TimeStampRequest | None = None
) -> rfc3161_client.Verifier:
    builder = (
        rfc3161_client.VerifierBuilder.from_request(request)
        if request is not None
        else rfc3161_client.VerifierBuilder()
    )
    return builder.add_root_certificate(root).build()


def request_token(authority: Authority, message: bytes) -> Token:
    """Ask ``authority`` for a token over ``message``, and verify it."""
    request = (
        rfc3161_client.TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(rfc3161_client.HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .build()
    )
    outgoing = urllib.request.Request(  # noqa: S310 - http(s) only, checked in parse_authorities
        authority.url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310
            raw = reply.read(REPLY_MAX_BYTES + 1)
    except OSError as error:
        raise TimestampRefused(f"unreachable: {error.__class__.__name__}") from None
    if len(raw) > REPLY_MAX_BYTES:
        raise TimestampRefused("a reply too large")
    try:
        response = rfc3161_client.decode_timestamp_response(raw)
        _verifier(_root(authority.root), request).verify_message(response, message)
    except (ValueError, rfc3161_client.VerificationError) as error:
        raise TimestampRefused(f"a reply that does not verify: {error}") from None
    return Token(raw, response.tst_info.gen_time)


def check_token(authority: Authority, token: bytes, message: bytes) -> datetime:
    """The time ``token`` gives ``message``; Tampered if it is not a good
    token of ``authority`` over exactly that message."""
    return check_token_with_root(_root(authority.root), token, message)


def check_token_with_root(root: x509.Certificate, token: bytes, message: bytes) -> datetime:
    """The time ``token`` gives ``message``; Tampered unless it is a good
    token, signed up to ``root``, over exactly that message. Needs nothing
    else: a dossier is checked with it offline."""
    try:
        response = rfc3161_client.decode_timestamp_response(token)
        _verifier(root).verify_message(response, message)
    except (ValueError, rfc3161_client.VerificationError):
        raise Tampered("the timestamp token does not cover this message") from None
    return response.tst_info.gen_time


def root_certificate(pem: bytes) -> x509.Certificate:
    """A root certificate from PEM; ValueError if it is not one."""
    return x509.load_pem_x509_certificate(pem)


def certificates_in(token: bytes) -> bytes:
    """The certificates a token carries (the authority's own, and any
    between it and the root), as PEM: what ``openssl ts -verify
    -untrusted`` needs besides the root."""
    response = rfc3161_client.decode_timestamp_response(token)
    found = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    found.sort(key=lambda certificate: certificate.fingerprint(hashes.SHA256()))
    return b"".join(certificate.public_bytes(serialization.Encoding.PEM) for certificate in found)
