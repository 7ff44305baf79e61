"""A file's C2PA manifest (Content Credentials), where it has one, read
and checked without changing the file.

C2PA (the Coalition for Content Provenance and Authenticity) lets a
camera, a phone or an editing program sign a manifest into a photo, a
video or a recording: who made the claim (the claim generator), what was
done (assertions such as ``c2pa.actions``: created, edited, cropped...),
hashes binding the manifest to the file's bytes, and a signature by an
X.509 certificate, with the signing time when a timestamp authority
countersigned it. The Content Authenticity Initiative's library
(c2pa-python, on c2pa-rs) reads and checks it: the hashes against the
file, the signature against the certificate, and the certificate against
the trust anchors this server holds (SAFEPASSAGE_C2PA_TRUST_ANCHORS; none
by default, so every signer is reported untrusted, never as trusted).

Nothing is fetched from the network while reading: no remote manifest
(a file whose manifest is kept at an address is recorded with that
address, not fetched), no OCSP. Only files in memory (at most capture.INSPECT_MAX_BYTES) are
read, and only when their bytes hold the label ``c2pa`` at all. What is
found becomes part of the item's encrypted capture record.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

MAX_TEXT = 200
MAX_ASSERTIONS = 50
MAX_ACTIONS = 20
MAX_STATUS = 30
# The containers capture.detect names, as the library's MIME types.
CONTAINERS = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "heic": "image/heic",
    "heif": "image/heif",
    "avif": "image/avif",
    "mp4": "video/mp4",
    "quicktime": "video/quicktime",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "avi": "video/avi",
    "pdf": "application/pdf",
}
# How the library says a manifest is kept at an address outside the file.
_REMOTE = re.compile(r"^Remote: .*? from url (?P<url>\S+)")
# Validation status codes (C2PA specification, section 15) said in the
# reader's language; any other is shown with the library's explanation.
STATUS = {
    "signingCredential.untrusted": gettext_lazy(
        "the signer's certificate is not trusted: no trust anchor on this server vouches for it"
    ),
    "signingCredential.invalid": gettext_lazy("the signer's certificate is not valid"),
    "signingCredential.revoked": gettext_lazy("the signer's certificate was revoked"),
    "signingCredential.expired": gettext_lazy(
        "the signer's certificate had expired when it signed"
    ),
    "claimSignature.mismatch": gettext_lazy(
        "the signature does not verify: the manifest was changed after it was signed"
    ),
    "claimSignature.missing": gettext_lazy("the manifest is not signed"),
    "claimSignature.outsideValidity": gettext_lazy(
        "the signature was made outside the certificate's period of validity"
    ),
    "assertion.dataHash.mismatch": gettext_lazy(
        "the file's bytes do not match the hash in its manifest: the file was changed after "
        "it was signed"
    ),
    "assertion.bmffHash.mismatch": gettext_lazy(
        "the file's bytes do not match the hash in its manifest: the file was changed after "
        "it was signed"
    ),
    "assertion.boxesHash.mismatch": gettext_lazy(
        "the file's bytes do not match the hash in its manifest: the file was changed after "
        "it was signed"
    ),
    "assertion.hashedURI.mismatch": gettext_lazy(
        "an assertion was changed after the manifest was signed"
    ),
    "assertion.missing": gettext_lazy("an assertion the manifest lists is missing"),
    "timeStamp.mismatch": gettext_lazy("the timestamp is not over this signature"),
    "timeStamp.untrusted": gettext_lazy(
        "the timestamp authority is not trusted: no trust anchor on this server vouches for it"
    ),
    "timeStamp.outsideValidity": gettext_lazy(
        "the timestamp was made outside its authority's certificate's validity"
    ),
    "manifest.inaccessible": gettext_lazy("the manifest could not be read"),
}


def _context(c2pa: Any) -> Any:
    """The library's settings: nothing fetched, trust only in our anchors."""
    config: dict[str, Any] = {
        "verify": {
            "verify_after_reading": True,
            "verify_trust": True,
            "verify_timestamp_trust": True,
            "remote_manifest_fetch": False,
            "ocsp_fetch": False,
        }
    }
    anchors = getattr(settings, "C2PA_TRUST_ANCHORS", None)
    if anchors:
        config["trust"] = {"user_anchors": Path(anchors).read_text(encoding="ascii")}
    return c2pa.Context.from_dict(config)


def _text(value: Any) -> str:
    return str(value or "")[:MAX_TEXT]


def _generator(manifest: dict[str, Any]) -> str:
    infos = manifest.get("claim_generator_info")
    if isinstance(infos, list) and infos and isinstance(infos[0], dict):
        first = infos[0]
        return _text(" ".join(str(first[k]) for k in ("name", "version") if first.get(k)))
    return _text(manifest.get("claim_generator"))


def _assertions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict) or len(found) >= MAX_ASSERTIONS:
            continue
        entry: dict[str, Any] = {"label": _text(assertion.get("label"))}
        data = assertion.get("data")
        actions = data.get("actions") if isinstance(data, dict) else None
        if isinstance(actions, list):
            entry["actions"] = [
                _text(a.get("action")) for a in actions[:MAX_ACTIONS] if isinstance(a, dict)
            ]
        found.append(entry)
    return found


def _statuses(results: dict[str, Any] | None, kind: str) -> list[dict[str, str]]:
    active = (results or {}).get("activeManifest") or {}
    return [
        {"code": _text(s.get("code")), "explanation": _text(s.get("explanation"))}
        for s in (active.get(kind) or [])[:MAX_STATUS]
        if isinstance(s, dict)
    ]


def credentials_of(data: bytes, container: str) -> dict[str, Any] | None:
    """The C2PA manifest of a file held in memory, checked; None when the
    file has none (or is of a kind that cannot carry one)."""
    mime = CONTAINERS.get(container)
    if mime is None or b"c2pa" not in data:
        return None
    import c2pa  # its native library is loaded only for a file that names C2PA

    try:
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), context=_context(c2pa))
        if reader is None:
            return None
        with reader:
            manifest = reader.get_active_manifest() or {}
            state = reader.get_validation_state()
            results = reader.get_validation_results()
            store = json.loads(reader.json())
    except c2pa.C2paError as error:
        remote = _REMOTE.search(str(error))
        if remote is not None:  # the manifest is kept elsewhere: never fetched
            return {"remote": True, "url": _text(remote["url"])}
        return {"unreadable": True}
    except (ValueError, OSError):
        return {"unreadable": True}
    signature = manifest.get("signature_info") or {}
    found: dict[str, Any] = {
        "state": _text(state) or "Invalid",
        "manifests": len(store.get("manifests") or {}),
        "claim_generator": _generator(manifest),
        "title": _text(manifest.get("title")),
        "signer": {
            "subject": _text(signature.get("common_name")),
            "issuer": _text(signature.get("issuer")),
            "alg": _text(signature.get("alg")),
            "serial": _text(signature.get("cert_serial_number")),
        },
        "assertions": _assertions(manifest),
        "ingredients": len(manifest.get("ingredients") or []),
        "failures": _statuses(results, "failure"),
        "informational": _statuses(results, "informational"),
    }
    if signature.get("time"):
        found["signed_at"] = _text(signature["time"])
    found["trusted"] = found["state"] == "Trusted"
    return found


def findings(capture: dict[str, Any]) -> list[str]:
    """A manifest's failed checks as sentences in the reader's language."""
    found = capture.get("c2pa") or {}
    sentences: list[str] = []
    for status in found.get("failures", []):
        template = STATUS.get(str(status.get("code")))
        if template is not None:
            sentence = str(template)
        else:
            sentence = gettext("%(code)s (%(explanation)s)") % {
                "code": status.get("code"),
                "explanation": status.get("explanation"),
            }
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences
