"""Files with C2PA manifests for the Content Credentials tests, signed
here with c2pa-python by a throwaway certificate chain made here (a root
and a camera's certificate under it): no outside trust list, no network
but a timestamp authority of the tests' own on a loopback port."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

GENERATOR = ("FieldCam", "2.1")
SUBJECT = "Field Camera 7"
ISSUER = "Argun Monitoring Group"
CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


@dataclass(frozen=True)
class Credentials:
    chain: bytes  # the camera's certificate, then the root's (PEM)
    key: bytes  # the camera's private key (PEM)
    root: bytes  # the root certificate alone (PEM), to configure as a trust anchor


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER),
        ]
    )


def throwaway_credentials() -> Credentials:
    """A root certificate and a camera's signing certificate under it (C2PA
    refuses a self-signed signer), both valid for a day around now."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Throwaway root"))
        .issuer_name(_name("Throwaway root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    camera = (
        x509.CertificateBuilder()
        .subject_name(_name(SUBJECT))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return Credentials(
        chain=camera.public_bytes(pem) + root.public_bytes(pem),
        key=key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        root=root.public_bytes(pem),
    )


PARENT = "as-taken"


def _action(name: str) -> dict[str, object]:
    if name == "c2pa.created":
        return {"action": name, "digitalSourceType": CAPTURE}
    if name == "c2pa.opened":  # the file it was opened from: the ingredient
        return {"action": name, "parameters": {"ingredientIds": [PARENT]}}
    return {"action": name}


def signed(
    data: bytes,
    mime: str,
    credentials: Credentials,
    *,
    timestamp_url: str | None = None,
    actions: tuple[str, ...] = ("c2pa.created",),
    kept_at: str | None = None,
    parent: bytes | None = None,
) -> bytes:
    """``data`` with a C2PA manifest signed into it: the claim generator,
    a title and a c2pa.actions assertion (or, with ``kept_at``, only that
    address of a manifest kept outside the file); with ``parent``, the
    file it was edited from is its ingredient, its manifest carried along."""
    manifest = {
        "claim_generator_info": [{"name": GENERATOR[0], "version": GENERATOR[1]}],
        "title": "checkpoint",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [_action(name) for name in actions]},
            }
        ],
    }
    info = c2pa.C2paSignerInfo(
        c2pa.C2paSigningAlg.ES256,
        credentials.chain,
        credentials.key,
        timestamp_url,
    )
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
        if parent is not None:
            ingredient = {"title": "as taken", "relationship": "parentOf", "label": PARENT}
            builder.add_ingredient(ingredient, mime, io.BytesIO(parent))
        if kept_at is not None:
            builder.set_no_embed()
            builder.set_remote_url(kept_at)
        out = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


def picture(form: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(out, form)
    return out.getvalue()
