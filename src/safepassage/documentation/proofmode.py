"""A ProofMode bundle, checked and kept: the zip a phone running ProofMode
(Guardian Project) shares holds each photo or video as it was taken, its
proof file (``<sha256>.proof.json`` and/or ``.proof.csv``: the file's
SHA-256, the device, the place and the time), OpenPGP detached signatures
(``<sha256>.asc`` over the media, ``<proof file>.asc`` over each proof
file) and the device's public key (``pubkey.asc``).

On upload the zip is kept untouched as the original; what is found here
goes into its (encrypted) capture record: for each media file its SHA-256
against the one its proof states, each signature as gpg judged it against
the bundle's own key (vault.openpgp), the key's fingerprint, and what the
proof says of the capture. The key comes with the bundle: it is the
device's own, so a good signature shows that nothing changed since the
device signed, not who held the device. Every failure is recorded by name
(``problems``: a code and the file), and the page says it in the reader's
language.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import re
import zipfile
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from safepassage.vault import openpgp

MAX_TEXT = 200
MAX_MEDIA = 100
KEY_FILE = "pubkey.asc"
_PROOF = re.compile(r"^(?P<hash>[0-9a-f]{64})\.proof\.(?P<form>json|csv)$")
_SIDE_FILES = (".asc", ".ots", ".gst", ".txt", ".csv", ".json")
# What a proof says of the capture, under the names ProofMode writes.
FIELDS = {
    "File Hash SHA256": "stated",
    "File Path": "path",
    "File Created": "created",
    "File Modified": "modified",
    "Proof Generated": "generated",
    "Manufacturer": "manufacturer",
    "Hardware": "hardware",
    "DeviceID": "device_id",
    "Location.Latitude": "latitude",
    "Location.Longitude": "longitude",
    "Location.Accuracy": "accuracy",
    "Location.Provider": "provider",
    "Location.Time": "location_time",
    "Locale": "locale",
    "Notes": "notes",
    "Note": "notes",
}
PROBLEMS = {
    "no_key": gettext_lazy("the bundle holds no public key (pubkey.asc) to check its signatures"),
    "not_checked": gettext_lazy("its signatures could not be checked: gpg is not available"),
    "damaged": gettext_lazy("%(file)s is damaged inside the zip (its CRC does not match)"),
    "media_missing": gettext_lazy("the media file of %(file)s is not in the bundle"),
    "hash_mismatch": gettext_lazy(
        "%(file)s: its SHA-256 is not the one its proof file states (the file was changed)"
    ),
    "proof_disagrees": gettext_lazy("%(file)s: the hash it states is not the one in its name"),
    "unreadable_proof": gettext_lazy("%(file)s cannot be read as a proof file"),
    "signature_missing": gettext_lazy("%(file)s has no signature in the bundle"),
    "signature_bad": gettext_lazy(
        "%(file)s: its signature does not verify (the file or the signature was changed)"
    ),
    "signature_other_key": gettext_lazy(
        "%(file)s: its signature was made by another key than the bundle's"
    ),
    "signature_not_a_signature": gettext_lazy("%(file)s: its signature file is not a signature"),
    "signature_expired_key": gettext_lazy(
        "%(file)s: its signature verifies, but the key had expired"
    ),
    "signature_revoked_key": gettext_lazy(
        "%(file)s: its signature verifies, but the key is revoked"
    ),
    "signature_unreadable": gettext_lazy("%(file)s: its signature could not be read"),
}


def is_bundle(names: set[str]) -> bool:
    """Whether a zip's names are a ProofMode bundle's."""
    return KEY_FILE in names or any(_PROOF.match(posixpath.basename(n)) for n in names)


def _read(archive: zipfile.ZipFile, name: str, problems: list[dict[str, str]]) -> bytes | None:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile):
        problems.append({"code": "damaged", "file": name[:MAX_TEXT]})
        return None


def _fields(data: bytes, form: str) -> dict[str, str] | None:
    """A proof file's fields (JSON object, or CSV header and first row)."""
    try:
        text = data.decode("utf-8-sig")
        if form == "json":
            parsed = json.loads(text)
            rows = [parsed] if isinstance(parsed, dict) else []
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error):
        return None
    if not rows:
        return None
    found: dict[str, str] = {}
    for name, key in FIELDS.items():
        value = rows[0].get(name)
        if value not in (None, ""):
            found.setdefault(key, str(value)[:MAX_TEXT])
    return found


def _signature(
    keyring: openpgp.DeviceKeyring | None,
    archive: zipfile.ZipFile,
    names: set[str],
    data: bytes,
    candidates: list[str],
    label: str,
    problems: list[dict[str, str]],
) -> dict[str, str]:
    """The check of the first signature file among ``candidates``."""
    signature_name = next((c for c in candidates if c in names), None)
    if signature_name is None:
        problems.append({"code": "signature_missing", "file": label})
        return {"status": "missing"}
    if keyring is None:
        return {"status": "not_checked", "file": signature_name}
    signature = _read(archive, signature_name, problems)
    if signature is None:
        return {"status": "damaged", "file": signature_name}
    verdict = keyring.check(data, signature)
    if not verdict.good:
        problems.append({"code": f"signature_{verdict.status}", "file": label})
    found = {"status": verdict.status, "file": signature_name}
    if verdict.fingerprint:
        found.update(fingerprint=verdict.fingerprint, signed_at=verdict.signed_at)
    return found


def _media_name(
    names: set[str], proof: dict[str, str], stated: str, archive: zipfile.ZipFile
) -> str | None:
    path = proof.get("path", "")
    base = posixpath.basename(path.replace("\\", "/")) if path else ""
    if base and base in names:
        return base
    for name in sorted(names):
        if name.endswith(_SIDE_FILES) or name == KEY_FILE:
            continue
        try:
            if hashlib.sha256(archive.read(name)).hexdigest() == stated:
                return name
        except (zipfile.BadZipFile, OSError, EOFError):
            continue
    return None


def _one(
    keyring: openpgp.DeviceKeyring | None,
    archive: zipfile.ZipFile,
    names: set[str],
    stated: str,
    forms: dict[str, str],
    problems: list[dict[str, str]],
) -> dict[str, Any]:
    """One media file of the bundle, its proof files and signatures."""
    entry: dict[str, Any] = {"stated": stated, "proof_files": []}
    proof: dict[str, str] = {}
    for form, name in sorted(forms.items()):
        data = _read(archive, name, problems)
        if data is None:
            continue
        fields = _fields(data, form)
        if fields is None:
            problems.append({"code": "unreadable_proof", "file": name})
        else:
            if fields.get("stated", stated).lower() != stated:
                problems.append({"code": "proof_disagrees", "file": name})
            for key, value in fields.items():
                proof.setdefault(key, value)
        checked = _signature(keyring, archive, names, data, [f"{name}.asc"], name, problems)
        entry["proof_files"].append({"name": name, "signature": checked})
    entry["proof"] = {k: v for k, v in proof.items() if k != "stated"}
    media = _media_name(names, proof, stated, archive)
    if media is None:
        problems.append({"code": "media_missing", "file": next(iter(forms.values()))})
        return entry
    entry["name"] = media[:MAX_TEXT]
    data = _read(archive, media, problems)
    if data is None:
        return entry
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["hash_matches"] = entry["sha256"] == stated
    if not entry["hash_matches"]:
        problems.append({"code": "hash_mismatch", "file": media})
    candidates = [f"{stated}.asc", f"{media}.asc"]
    entry["signature"] = _signature(keyring, archive, names, data, candidates, media, problems)
    return entry


def bundle_of(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The check of a ProofMode bundle (``is_bundle`` said it is one)."""
    names = {n for n in archive.namelist() if not n.endswith("/")}
    problems: list[dict[str, str]] = []
    groups: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        match = _PROOF.match(posixpath.basename(name))
        if match:
            groups.setdefault(match["hash"], {})[match["form"]] = name
    found: dict[str, Any] = {"format": "proofmode", "media": []}
    key = _read(archive, KEY_FILE, problems) if KEY_FILE in names else None
    if key is None and KEY_FILE not in names:
        problems.append({"code": "no_key", "file": KEY_FILE})
    try:
        with openpgp.device_keyring(key or b"") as keyring:
            found["key"] = {"fingerprints": keyring.fingerprints, "source": "bundle"}
            if key is not None and not keyring.fingerprints:
                problems.append({"code": "no_key", "file": KEY_FILE})
            for stated, forms in list(groups.items())[:MAX_MEDIA]:
                found["media"].append(_one(keyring, archive, names, stated, forms, problems))
    except openpgp.OpenPGPUnavailable:
        problems.append({"code": "not_checked", "file": KEY_FILE})
        found["media"] = [
            _one(None, archive, names, stated, forms, problems)
            for stated, forms in list(groups.items())[:MAX_MEDIA]
        ]
    found["problems"] = problems[:100]
    found["verified"] = not problems and bool(found["media"])
    return found


def findings(capture: dict[str, Any]) -> list[str]:
    """A bundle's problems as sentences in the reader's language."""
    sentences = []
    for problem in capture.get("problems", []):
        template = PROBLEMS.get(str(problem.get("code")))
        if template is None:
            sentences.append(
                gettext("an unknown problem: %(code)s") % {"code": problem.get("code")}
            )
            continue
        sentences.append(str(template) % {"file": problem.get("file", "")})
    return sentences
