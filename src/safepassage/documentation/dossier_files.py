"""A dossier's files, laid out so that anyone can check them, with
``safepassage verify`` or with ``sha256sum`` and ``openssl`` alone:

    dossier-DATE-ID/
      index.html          what is in it and how to check it, in the reader's language
      README.txt          the same recipe, as plain text
      check.sh            the recipe's commands for every item (sh, sha256sum, openssl)
      manifest.json       every item: code, kind, SHA-256, its files, custody and timestamps
      keys/KEY.pem        the organisation's custody key(s), public half (PEM)
      authorities/N-root.pem, N-certs.pem   each timestamp authority's root
                          certificate, and the certificates its tokens carry
      items/CODE/CODE.ext the original or working copy (when it goes)
      items/CODE/custody/000001.json ...   each custody entry in canonical form
      items/CODE/head.txt, head.sig        the signed head and its signature
      items/CODE/timestamps/SEQ-head.txt, SEQ-N.tsr   RFC 3161 tokens over heads
      SHA256SUMS          every file above, as ``sha256sum -c`` reads it
      SHA256SUMS.sig      the organisation's signature of SHA256SUMS

Everything but the evidence files is made in memory first (it is small);
the evidence files are decrypted and written a piece at a time into a
zip that is itself written a piece at a time (``stream``), so memory stays
flat whatever their size, and no plaintext is written on the server.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from safepassage.documentation import custody, dossier_recipe
from safepassage.documentation.custody_format import head_message
from safepassage.documentation.dossiers import WITHHELD, Dossier, Part
from safepassage.documentation.models import CustodyAction, CustodyEntry, TimestampToken
from safepassage.vault import files, signing, timestamps
from safepassage.vault.bulk import open_rows
from safepassage.vault.errors import Tampered
from safepassage.vault.keyring import Keyring

FORMAT = "safepassage.dossier"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024
_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


@dataclass
class Member:
    """One file of the dossier: bytes made here, or an evidence file."""

    path: str
    data: bytes = b""
    chunks: Iterator[bytes] | None = None
    sha256: str = ""
    size: int = 0

    def __post_init__(self) -> None:
        if self.chunks is None:
            self.sha256 = hashlib.sha256(self.data).hexdigest()
            self.size = len(self.data)


@dataclass
class Layout:
    root: str
    members: list[Member] = field(default_factory=list)
    manifest: dict[str, object] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> str:
        self.members.append(Member(path, data))
        return path


def _extension(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return suffix if _EXTENSION.match(suffix) else "bin"


def key_file(verify_key: bytes) -> str:
    return "keys/custody-" + signing.fingerprint(verify_key).replace(" ", "")[:16] + ".pem"


class _Authorities:
    """The configured authorities the dossier's tokens come from, numbered."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.known = {a.name: a for a in settings.TIMESTAMP_AUTHORITIES}
        self.numbers: dict[str, int] = {}
        self.certificates: dict[str, set[bytes]] = {}

    def number(self, url: str) -> int | None:
        if url not in self.known:
            return None
        if url not in self.numbers:
            self.numbers[url] = len(self.numbers) + 1
            self.certificates[url] = set()
        return self.numbers[url]

    def collect(self, url: str, token: bytes) -> None:
        self.certificates[url].add(timestamps.certificates_in(token))

    def write(self) -> list[dict[str, object]]:
        listed = []
        for url, number in self.numbers.items():
            root = self.layout.add(
                f"authorities/{number}-root.pem", self.known[url].root.read_bytes()
            )
            certs = self.layout.add(
                f"authorities/{number}-certs.pem", b"".join(sorted(self.certificates[url]))
            )
            listed.append({"number": number, "url": url, "root": root, "certificates": certs})
        return listed


def _item(
    layout: Layout, part: Part, keyring: Keyring, authorities: _Authorities, keys: dict[str, bytes]
) -> dict[str, object]:
    item = part.item
    folder = f"items/{item.code}"
    entries = list(CustodyEntry.objects.filter(evidence=item).order_by("seq").opened())
    entry_files, rows = [], []
    for entry in entries:
        data = custody.canonical(
            item=item.code,
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            details=entry.details,
            prev=entry.prev_hash,
        )
        entry_files.append(layout.add(f"{folder}/custody/{entry.seq:06d}.json", data))
        rows.append(
            {
                "seq": entry.seq,
                "at": custody.format_at(entry.at),
                "actor": entry.actor,
                "action": entry.action,
                "label": str(CustodyAction(entry.action).label),
                "why": entry.details.get("why", ""),
                "other": entry.details.get("other", ""),
            }
        )
    public = signing.public_key(item.signing_key)
    keys[key_file(public.verify_key)] = public.verify_key
    head = layout.add(f"{folder}/head.txt", head_message(item.code, item.head_seq, item.head_hash))
    signature = layout.add(f"{folder}/head.sig", bytes(item.head_signature or b""))
    stamps = []
    for token in TimestampToken.objects.filter(evidence=item).order_by("head_seq", "authority"):
        number = authorities.number(token.authority)
        if number is None:  # an authority no longer configured: nobody could check it
            continue
        raw = bytes(token.token)
        authorities.collect(token.authority, raw)
        message = head_message(item.code, token.head_seq, token.head_hash)
        stamps.append(
            {
                "entry": token.head_seq,
                "authority": number,
                "at": token.at.isoformat(),
                "head": layout.add(f"{folder}/timestamps/{token.head_seq}-head.txt", message),
                "token": layout.add(f"{folder}/timestamps/{token.head_seq}-{number}.tsr", raw),
            }
        )
    path = None
    if part.ships:
        path = f"{folder}/{item.code}.{_extension(item.name)}"
        _meta, chunks = files.open_file(keyring, item.file)
        layout.members.append(Member(path, chunks=chunks, sha256=item.sha256, size=item.size))
    return {
        "code": item.code,
        "kind": item.kind,
        "kind_label": str(item.get_kind_display()),
        "operation": item.operation,
        "operation_label": str(item.get_operation_display()),
        "original": part.copy_of or (item.root.code if not item.is_original else ""),
        "sha256": item.sha256,
        "size": item.size,
        "file": path,
        "withheld": part.withheld,
        "withheld_label": str(WITHHELD.get(part.withheld, "")),
        "custody": {
            "entries": entry_files,
            "head": head,
            "signature": signature,
            "key": key_file(public.verify_key),
            "log": rows,
        },
        "timestamps": stamps,
    }


def lay_out(dossier: Dossier, keyring: Keyring, *, by: object) -> Layout:
    """Every file of ``dossier`` (the evidence files as streams), its
    manifest, index, recipe, SHA256SUMS and its signature; words in the
    reader's language."""
    with translation.override(dossier.language):
        return _lay_out(dossier, keyring, by=by)


def _lay_out(dossier: Dossier, keyring: Keyring, *, by: object) -> Layout:
    layout = Layout(root=dossier.name)
    items = [part.item for part in dossier.parts]
    open_rows(items, ["sha256", "name"])
    authorities = _Authorities(layout)
    keys: dict[str, bytes] = {}
    listed = [_item(layout, part, keyring, authorities, keys) for part in dossier.parts]
    current = signing.current_key(signing.CUSTODY)
    if current is None:  # every item's head is signed: there is one
        raise Tampered("there is no custody key to sign the dossier with")
    keys[key_file(current.verify_key)] = current.verify_key
    for path, verify_key in sorted(keys.items()):
        layout.add(path, signing.public_key_pem(verify_key).encode())
    manifest: dict[str, object] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "dossier": dossier.id,
        "made_at": dossier.made_at,
        "made_by": dossier.made_by,
        "why": dossier.why,
        "mode": dossier.mode,
        "language": dossier.language,
        "keys": [
            {"file": path, "fingerprint": signing.fingerprint(verify_key)}
            for path, verify_key in sorted(keys.items())
        ],
        "signed_with": key_file(current.verify_key),
        "authorities": authorities.write(),
        "items": listed,
    }
    layout.manifest = manifest
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    layout.add("manifest.json", text.encode())
    context = {"dossier": dossier, "manifest": manifest}
    with translation.override(dossier.language):
        layout.add(
            "index.html", render_to_string("documentation/dossier_index.html", context).encode()
        )
        layout.add(
            "README.txt", render_to_string("documentation/dossier_readme.txt", context).encode()
        )
    layout.add("check.sh", dossier_recipe.script(manifest).encode())
    sums = "".join(f"{m.sha256}  {m.path}\n" for m in layout.members).encode()
    public, signature = signing.sign(signing.CUSTODY, sums, by=by)
    layout.add("SHA256SUMS", sums)
    layout.add("SHA256SUMS.sig", signature)
    if key_file(public.verify_key) != manifest["signed_with"]:
        raise Tampered("the custody key changed while the dossier was made")
    return layout


class _Sink:
    """Where zipfile writes: the bytes are taken out after each piece."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def stream(layout: Layout, made_at: datetime) -> Iterator[bytes]:
    """The dossier as a zip, a piece at a time. An evidence file that does
    not give the SHA-256 recorded for it ends the stream with Tampered."""
    sink = _Sink()
    stamp = made_at.timetuple()[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in layout.members:
            info = zipfile.ZipInfo(f"{layout.root}/{member.path}", date_time=stamp)
            info.external_attr = (0o755 if member.path == "check.sh" else 0o644) << 16
            info.file_size = member.size
            if member.chunks is None:
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as out:
                    out.write(member.data)
            else:
                info.compress_type = zipfile.ZIP_STORED
                digest = hashlib.sha256()
                with archive.open(info, "w") as out:
                    for piece in member.chunks:
                        digest.update(piece)
                        out.write(piece)
                        yield sink.take()
                if digest.hexdigest() != member.sha256:
                    raise Tampered("an evidence file is not the one its custody log records")
            yield sink.take()
    yield sink.take()
