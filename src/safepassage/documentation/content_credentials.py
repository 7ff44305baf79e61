"""A file's C2PA manifest (Content Credentials), where it has one, read
and checked without changing the file, kept in its capture record and
said in the reader's language.

C2PA (the Coalition for Content Provenance and Authenticity) lets a
camera, a phone or an editing program sign a manifest into a photo, a
video or a recording: who made the claim (the claim generator), what was
done (assertions such as ``c2pa.actions``: created, edited, cropped...),
hashes binding the manifest to the file's bytes, and a signature by an
X.509 certificate, with the signing time when a timestamp authority
countersigned it. vault.c2pa_manifests checks it with the Content
Authenticity Initiative's library, offline, against the trust anchors
this server holds (SAFEPASSAGE_C2PA_TRUST_ANCHORS; none by default, so
every signer is reported untrusted, never as trusted).

A file of at most capture.INSPECT_MAX_BYTES is read in memory, and only
when its bytes hold the label ``c2pa`` at all; a larger one (up to
capture.C2PA_MAX_BYTES) is read as it is decrypted, a piece at a time
(documentation.rewinding), so memory stays flat whatever its size. What
is found becomes part of the item's encrypted capture record.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from safepassage.vault import c2pa_manifests

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
UNTRUSTED = "signingCredential.untrusted"
# What makes a countersigned signing time no better than the signer's word.
DOUBTED_TIME = frozenset({"timeStamp.untrusted", "timeStamp.mismatch", "timeStamp.outsideValidity"})
# Validation status codes (C2PA specification, section 15) said in the
# reader's language; any other is shown with the library's explanation.
STATUS = {
    UNTRUSTED: gettext_lazy(
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


def anchors() -> str:
    """The trust anchors this server holds now (PEM), or "" for none."""
    path = getattr(settings, "C2PA_TRUST_ANCHORS", None)
    return Path(path).read_text(encoding="ascii") if path else ""


def anchors_seal(text: str | None = None) -> str:
    """A short name for a set of trust anchors (the SHA-256 of their PEM
    text; "" for none), kept with each check: a check made against other
    anchors than the server's present ones is out of date."""
    text = anchors() if text is None else text
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16] if text else ""


def out_of_date(found: dict[str, Any] | None) -> bool:
    """Whether a kept check was made against other trust anchors than
    those the server holds now (so its "trusted" or "not trusted" may no
    longer hold)."""
    if not found or found.get("remote") or found.get("unreadable"):
        return False
    return bool(found.get("anchors", "") != anchors_seal())


def credentials_of(data: bytes | io.IOBase, container: str) -> dict[str, Any] | None:
    """The checked C2PA manifest of a file held in memory (or read as a
    seekable stream: rewinding.Rewinding), as its capture record keeps it;
    None when the file has none (or is of a kind that cannot carry one)."""
    mime = CONTAINERS.get(container)
    if mime is None:
        return None
    held = anchors()
    check = c2pa_manifests.check_c2pa_manifest(data, mime, trust_anchors=held or None)
    if check is None:
        return None
    if check.outcome == c2pa_manifests.REMOTE:
        return {"remote": True, "url": check.remote_url}
    if check.outcome != c2pa_manifests.CHECKED:
        return {"unreadable": True}
    found: dict[str, Any] = {
        # When, and against which anchors: changing them makes it out of date.
        "checked_at": timezone.now().isoformat(timespec="seconds"),
        "anchors": anchors_seal(held),
        "state": check.state,
        "trusted": check.trusted,
        "manifests": check.manifests,
        "claim_generator": check.claim_generator,
        "title": check.title,
        "signer": {
            "subject": check.signer_subject,
            "issuer": check.signer_issuer,
            "alg": check.algorithm,
            "serial": check.serial,
        },
        "assertions": [
            {"label": a.label}
            if a.actions is None
            else {"label": a.label, "actions": list(a.actions)}
            for a in check.assertions
        ],
        "ingredients": check.ingredients,
        "failures": [{"code": f.code, "explanation": f.explanation} for f in check.failures],
        "informational": [
            {"code": i.code, "explanation": i.explanation} for i in check.informational
        ],
    }
    if check.signed_at:
        found["signed_at"] = check.signed_at
        said = {status.code for status in (*check.failures, *check.informational)}
        found["time_trusted"] = not (said & DOUBTED_TIME)
    return found


def findings(capture: dict[str, Any]) -> list[str]:
    """A manifest's failed checks as sentences in the reader's language."""
    found = capture.get("c2pa") or {}
    sentences: list[str] = []
    for status in found.get("failures", []):
        if status.get("code") == UNTRUSTED and found.get("state") == c2pa_manifests.VALID:
            continue  # the page's verdict says it already
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
