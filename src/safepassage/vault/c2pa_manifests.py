"""C2PA manifests (Content Credentials) from outside, checked with the
Content Authenticity Initiative's library (c2pa-python, on c2pa-rs),
never with code of our own.

The library checks the three things a manifest's worth rests on: the
file's bytes against the hashes the manifest states, the manifest's
signature against the certificate it carries, and that certificate
against the trust anchors given here (the organisation's choice; none by
default, so every signer comes back untrusted). It runs with the network
off: no remote manifest is fetched (a file whose manifest is kept at an
address comes back as REMOTE, with that address), no OCSP is asked. A
manifest that does not parse comes back as UNREADABLE; nothing raises.

A good signature by a certificate no anchor vouches for proves the file
unchanged since that certificate signed it, not who holds it: anyone can
make a certificate in any name.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 200
MAX_ASSERTIONS = 50
MAX_ACTIONS = 20
MAX_STATUS = 30

# What a check can say of a file's manifest.
CHECKED = "checked"
REMOTE = "remote"  # kept at an address outside the file: not fetched
UNREADABLE = "unreadable"
# The library's validation states, most to least assured.
TRUSTED = "Trusted"  # the signer chains to one of the anchors given
VALID = "Valid"  # hashes and signature good, the signer not vouched for
INVALID = "Invalid"

# How the library says a manifest is kept at an address outside the file.
_REMOTE = re.compile(r"^Remote: .*? from url (?P<url>\S+)")


@dataclass(frozen=True)
class Assertion:
    label: str
    actions: tuple[str, ...] | None = None  # a c2pa.actions assertion's actions


@dataclass(frozen=True)
class Status:
    code: str  # a C2PA validation status code, e.g. "assertion.dataHash.mismatch"
    explanation: str  # the library's words, in English


@dataclass(frozen=True)
class ManifestCheck:
    outcome: str
    state: str = INVALID
    manifests: int = 0  # the active one and those of earlier versions of the file
    claim_generator: str = ""
    title: str = ""
    signer_subject: str = ""  # the signing certificate's common name
    signer_issuer: str = ""  # the organisation that issued it
    algorithm: str = ""
    serial: str = ""
    signed_at: str = ""  # from a timestamp authority's countersignature, when there is one
    assertions: tuple[Assertion, ...] = ()
    ingredients: int = 0
    failures: tuple[Status, ...] = ()
    informational: tuple[Status, ...] = ()
    remote_url: str = ""

    @property
    def trusted(self) -> bool:
        return self.outcome == CHECKED and self.state == TRUSTED


def _context(c2pa: Any, trust_anchors: str | None) -> Any:
    """The library's settings: nothing fetched, trust only in ``trust_anchors``."""
    config: dict[str, Any] = {
        "verify": {
            "verify_after_reading": True,
            "verify_trust": True,
            "verify_timestamp_trust": True,
            "remote_manifest_fetch": False,
            "ocsp_fetch": False,
        }
    }
    if trust_anchors:
        config["trust"] = {"user_anchors": trust_anchors}
    return c2pa.Context.from_dict(config)


def _text(value: Any) -> str:
    return str(value or "")[:MAX_TEXT]


def _generator(manifest: dict[str, Any]) -> str:
    infos = manifest.get("claim_generator_info")
    if isinstance(infos, list) and infos and isinstance(infos[0], dict):
        first = infos[0]
        return _text(" ".join(str(first[k]) for k in ("name", "version") if first.get(k)))
    return _text(manifest.get("claim_generator"))


def _assertions(manifest: dict[str, Any]) -> tuple[Assertion, ...]:
    found: list[Assertion] = []
    for assertion in (manifest.get("assertions") or [])[:MAX_ASSERTIONS]:
        if not isinstance(assertion, dict):
            continue
        data = assertion.get("data")
        actions = data.get("actions") if isinstance(data, dict) else None
        named = (
            tuple(_text(a.get("action")) for a in actions[:MAX_ACTIONS] if isinstance(a, dict))
            if isinstance(actions, list)
            else None
        )
        found.append(Assertion(_text(assertion.get("label")), named))
    return tuple(found)


def _statuses(results: Any, kind: str) -> tuple[Status, ...]:
    active = (results or {}).get("activeManifest") or {} if isinstance(results, dict) else {}
    return tuple(
        Status(_text(s.get("code")), _text(s.get("explanation")))
        for s in (active.get(kind) or [])[:MAX_STATUS]
        if isinstance(s, dict)
    )


def check_c2pa_manifest(
    data: bytes | io.IOBase, mime: str, *, trust_anchors: str | None = None
) -> ManifestCheck | None:
    """The check of the C2PA manifest in ``data`` (a file of type ``mime``,
    in memory, or a seekable stream of it), or None when it has none.
    ``trust_anchors``: PEM root certificates the signer may chain to."""
    if isinstance(data, bytes) and b"c2pa" not in data:  # every embedded manifest says so
        return None
    import c2pa  # its native library is loaded only for a file that may hold one

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        reader = c2pa.Reader.try_create(mime, stream, context=_context(c2pa, trust_anchors))
        if reader is None:
            return None
        with reader:
            manifest = reader.get_active_manifest() or {}
            state = reader.get_validation_state()
            results = reader.get_validation_results()
            store = json.loads(reader.json())
    except c2pa.C2paError as error:
        remote = _REMOTE.search(str(error))
        if remote is not None:
            return ManifestCheck(REMOTE, remote_url=_text(remote["url"]))
        return ManifestCheck(UNREADABLE)
    except (ValueError, OSError):
        return ManifestCheck(UNREADABLE)
    signature = manifest.get("signature_info") or {}
    return ManifestCheck(
        CHECKED,
        state=_text(state) or INVALID,
        manifests=len(store.get("manifests") or {}),
        claim_generator=_generator(manifest),
        title=_text(manifest.get("title")),
        signer_subject=_text(signature.get("common_name")),
        signer_issuer=_text(signature.get("issuer")),
        algorithm=_text(signature.get("alg")),
        serial=_text(signature.get("cert_serial_number")),
        signed_at=_text(signature.get("time")),
        assertions=_assertions(manifest),
        ingredients=len(manifest.get("ingredients") or []),
        failures=_statuses(results, "failure"),
        informational=_statuses(results, "informational"),
    )
