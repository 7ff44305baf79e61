"""``safepassage verify DOSSIER``: a dossier checked offline, with no
database, no configuration and no keys but the public ones it carries
(and none of Django: this module and what it imports read files only).

It checks, in this order, and stops at the first failure, which it names:
every file against SHA256SUMS (none changed, removed or added); the key,
against a fingerprint given with --fingerprint; each item's custody log
(each entry in canonical form, numbered 1, 2, 3..., each following the one
before it), its signed head (where the log ends) and the head's signature
by the included key; the item's file against the SHA-256 its first entry
recorded; each timestamp token against its authority's root certificate
and the head it stamped; and last the organisation's signature of
SHA256SUMS itself (so files changed with SHA256SUMS recomputed are named
by what they broke before the list is found re-written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from safepassage.documentation.custody_format import GENESIS, canonical_bytes, head_message
from safepassage.vault import crypto, public_keys, timestamps
from safepassage.vault.errors import Tampered

SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
MANIFEST = "manifest.json"
SMALL_MAX_BYTES = 64 * 1024 * 1024  # the manifest, entries, heads, tokens, keys
CHUNK = 1024 * 1024
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


class Failure(Exception):
    """What is wrong, in words."""


class _Source:
    """The dossier's files, from its zip or its unzipped folder."""

    def __init__(self, path: Path) -> None:
        self.zip: zipfile.ZipFile | None = None
        self.folder: Path | None = None
        if path.is_dir():
            folder = path
            if not (folder / SUMS).exists():
                inner = [p for p in folder.iterdir() if p.is_dir() and (p / SUMS).exists()]
                if len(inner) == 1:
                    folder = inner[0]
            self.folder = folder
            self.names = sorted(
                p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
            )
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            members = [i.filename for i in self.zip.infolist() if not i.is_dir()]
            tops = {name.split("/", 1)[0] for name in members}
            nested = len(tops) == 1 and all("/" in name for name in members)
            self.prefix = f"{tops.pop()}/" if nested else ""
            self.names = sorted(name[len(self.prefix) :] for name in members)
        else:
            raise Failure(f"{path} is neither a dossier's zip nor its folder")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def open(self, name: str) -> IO[bytes]:
        if self.zip is not None:
            return self.zip.open(self.prefix + name)
        assert self.folder is not None  # noqa: S101 - one of the two is set
        return (self.folder / name).open("rb")

    def read(self, name: str) -> bytes:
        with self.open(name) as handle:
            data = handle.read(SMALL_MAX_BYTES + 1)
        if len(data) > SMALL_MAX_BYTES:
            raise Failure(f"{name} is far larger than such a file can be")
        return data

    def hash(self, name: str) -> str:
        digest = hashlib.sha256()
        with self.open(name) as handle:
            while piece := handle.read(CHUNK):
                digest.update(piece)
        return digest.hexdigest()


class Check:
    def __init__(self, source: _Source, fingerprint: str = "") -> None:
        self.source = source
        self.fingerprint = fingerprint
        self.listed: dict[str, str] = {}
        self.keys: dict[str, bytes] = {}
        self.roots: dict[int, Any] = {}
        self.urls: dict[int, str] = {}
        self.files = 0

    def _file(self, name: object) -> bytes:
        """A file the manifest names: it must be one SHA256SUMS lists."""
        if not isinstance(name, str) or name not in self.listed:
            raise Failure(f"the manifest names {name}, which SHA256SUMS does not list")
        return self.source.read(name)

    def inventory(self) -> dict[str, Any]:
        present = set(self.source.names)
        if SUMS not in present:
            raise Failure("SHA256SUMS is missing: this is not a dossier, or it was cut short")
        for number, line in enumerate(
            self.source.read(SUMS).decode("utf-8", "replace").splitlines(), 1
        ):
            found = _SUM_LINE.match(line)
            if found is None:
                raise Failure(f"SHA256SUMS line {number} is not a SHA-256 and a file name")
            self.listed[found.group(2)] = found.group(1)
        for name in self.listed:
            if name not in present:
                raise Failure(f"{name}: listed in SHA256SUMS but missing (a file was removed)")
        for name in sorted(present - set(self.listed) - {SUMS, SIGNATURE}):
            raise Failure(f"{name}: not listed in SHA256SUMS (a file was added)")
        for name, expected in self.listed.items():
            if self.source.hash(name) != expected:
                raise Failure(f"{name}: changed (its SHA-256 is not the one SHA256SUMS lists)")
            self.files += 1
        try:
            manifest = json.loads(self._file(MANIFEST))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Failure("manifest.json is not JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != "safepassage.dossier":
            raise Failure("manifest.json is not the manifest of a safepassage dossier")
        return manifest

    def read_keys(self, manifest: dict[str, Any]) -> None:
        for key in manifest.get("keys", []):
            name = key.get("file")
            try:
                self.keys[name] = public_keys.verify_key_from_pem(self._file(name))
            except ValueError:
                raise Failure(f"{name} is not an Ed25519 public key") from None
        if manifest.get("signed_with") not in self.keys:
            raise Failure("the manifest does not name the key the dossier is signed with")
        if self.fingerprint:
            wanted = self.fingerprint.replace(" ", "").upper()
            for name, verify_key in self.keys.items():
                found = public_keys.fingerprint(verify_key)
                if found.replace(" ", "") != wanted:
                    raise Failure(
                        f"{name} is not the organisation's key you gave: its fingerprint is "
                        f"{found} (a key swapped in)"
                    )
        for authority in manifest.get("authorities", []):
            number = authority.get("number")
            try:
                root = timestamps.root_certificate(self._file(authority.get("root")))
            except ValueError:
                raise Failure(f"{authority.get('root')} is not a certificate") from None
            self.roots[number] = root
            self.urls[number] = str(authority.get("url"))

    def item(self, item: dict[str, Any]) -> None:
        code = str(item.get("code"))
        try:
            self._item(code, item)
        except Failure as failure:
            raise Failure(f"{code}: {failure}") from None

    def _entries(self, code: str, names: list[Any]) -> list[tuple[dict[str, Any], str]]:
        entries: list[tuple[dict[str, Any], str]] = []
        for name in names:
            raw = self._file(name)
            try:
                document = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise Failure(f"{name} is not a custody entry") from None
            if not isinstance(document, dict) or canonical_bytes(document) != raw:
                raise Failure(f"{name} is not a custody entry in canonical form")
            if document.get("item") != code:
                raise Failure(f"{name} is an entry of another item's log")
            entries.append((document, hashlib.sha256(raw).hexdigest()))
        if not entries:
            raise Failure("its custody log is empty")
        numbers = [document.get("seq") for document, _hash in entries]
        expected = list(range(1, len(entries) + 1))
        if numbers != expected:
            if sorted(n for n in numbers if isinstance(n, int)) == expected:
                position = next(p for p, n in enumerate(numbers, 1) if n != p)
                raise Failure(
                    f"entries were reordered: entry {numbers[position - 1]} stands where "
                    f"entry {position} should"
                )
            position = next(p for p, n in enumerate(numbers, 1) if n != p)
            raise Failure(
                f"entry {position} is missing (the log jumps to entry {numbers[position - 1]})"
            )
        prev, previous = GENESIS, None
        for document, entry_hash in entries:
            if document.get("prev") != prev:
                if previous is None:
                    raise Failure("entry 1 does not begin the log")
                raise Failure(
                    f"entry {previous['seq']} ({previous.get('action')}) was changed after it "
                    f"was written (entry {document['seq']} no longer follows it)"
                )
            prev, previous = entry_hash, document
        return entries

    def _item(self, code: str, item: dict[str, Any]) -> None:
        custody = item.get("custody") or {}
        entries = self._entries(code, list(custody.get("entries") or []))
        last, last_hash = entries[-1]
        head = self._file(custody.get("head"))
        found = re.fullmatch(
            rb"safepassage custody head v1\nitem (\S+)\nentries (\d+)\nhash ([0-9a-f]{64})\n", head
        )
        if found is None or found.group(1).decode() != code:
            raise Failure("head.txt is not the head of this item's log")
        if int(found.group(2)) != last["seq"]:
            raise Failure(
                f"the log ends at entry {last['seq']} but its signed head says entry "
                f"{int(found.group(2))}: entries were added or removed at its end"
            )
        if found.group(3).decode() != last_hash:
            raise Failure(
                f"entry {last['seq']} ({last.get('action')}) was changed after it was written "
                "(the signed head no longer matches it)"
            )
        key_name = custody.get("key")
        if key_name not in self.keys:
            raise Failure(f"its head is signed with {key_name}, a key the manifest does not list")
        try:
            crypto.check_signature(self.keys[key_name], head, self._file(custody.get("signature")))
        except Tampered:
            raise Failure(
                f"the signature of its head does not verify with the organisation's key "
                f"({key_name}): a wrong signature"
            ) from None
        first = entries[0][0]
        if (first.get("details") or {}).get("after") != item.get("sha256"):
            raise Failure("its first entry does not record the SHA-256 the manifest gives")
        if item.get("file"):
            name = item["file"]
            if self.listed.get(name) is None:
                raise Failure(f"the manifest names {name}, which SHA256SUMS does not list")
            if self.listed[name] != item.get("sha256"):
                raise Failure(
                    f"{name}: its SHA-256 is not the one its custody log recorded at collection"
                )
        hashes = {document["seq"]: entry_hash for document, entry_hash in entries}
        for stamp in item.get("timestamps") or []:
            self._stamp(code, stamp, hashes)

    def _stamp(self, code: str, stamp: dict[str, Any], hashes: dict[int, str]) -> None:
        entry = stamp.get("entry")
        number: Any = stamp.get("authority")
        url = self.urls.get(number, "an authority the manifest does not list")
        head = self._file(stamp.get("head"))
        if not isinstance(entry, int) or entry not in hashes:
            raise Failure(f"a timestamp is of entry {entry}, which its log does not have")
        if head != head_message(code, entry, hashes[entry]):
            raise Failure(f"the timestamped head of entry {entry} is not a head of its log")
        if number not in self.roots:
            raise Failure(f"the timestamp of entry {entry} is from {url}, whose root is missing")
        try:
            timestamps.check_token_with_root(
                self.roots[number], self._file(stamp.get("token")), head
            )
        except Tampered:
            raise Failure(
                f"the timestamp of entry {entry} from {url} does not cover its signed head "
                "(a token over other data)"
            ) from None

    def signature(self, manifest: dict[str, Any]) -> None:
        if SIGNATURE not in self.source.names:
            raise Failure("SHA256SUMS.sig is missing: the list of files is not signed")
        try:
            crypto.check_signature(
                self.keys[manifest["signed_with"]],
                self.source.read(SUMS),
                self.source.read(SIGNATURE),
            )
        except Tampered:
            raise Failure(
                "SHA256SUMS: the organisation's signature does not verify: the list of files "
                "was changed after it was signed"
            ) from None


def check(path: Path, *, fingerprint: str = "") -> tuple[int, int, str]:
    """Check the dossier at ``path``: (items, files, the key's fingerprint),
    or Failure naming the first thing wrong."""
    source = _Source(path)
    try:
        checking = Check(source, fingerprint)
        manifest = checking.inventory()
        checking.read_keys(manifest)
        items = manifest.get("items") or []
        for item in items:
            checking.item(item)
        checking.signature(manifest)
        signer = public_keys.fingerprint(checking.keys[manifest["signed_with"]])
    finally:
        source.close()
    return len(items), checking.files, signer


def lines(path: Path, fingerprint: str = "") -> Iterator[str]:
    items, count, signer = check(path, fingerprint=fingerprint)
    yield (
        f"dossier: {items} items and {count} files checked: every file, custody log, "
        "signature and timestamp is intact"
    )
    yield f"dossier: signed with the key {signer}"
    if not fingerprint:
        yield "dossier: compare that fingerprint with the one the organisation publishes"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="safepassage verify",
        description="Check a dossier offline: files, custody logs, signatures, timestamps.",
    )
    parser.add_argument("dossier", type=Path, help="the dossier's zip, or its unzipped folder")
    parser.add_argument(
        "--fingerprint",
        default="",
        help="the organisation's key fingerprint, as it publishes it: any other key fails",
    )
    options = parser.parse_args(argv)
    if not options.dossier.exists():
        print(f"dossier: no such file or folder: {options.dossier}", file=sys.stderr)
        return 2
    try:
        for line in lines(options.dossier, options.fingerprint):
            print(line)
    except (Failure, zipfile.BadZipFile, OSError) as failure:
        print(f"dossier: first failure: {failure}", file=sys.stderr)
        return 1
    return 0
