"""Dossiers for the tests: made through the command as a documenter would
(with a timestamp authority the test starts), unzipped, and tampered with
as someone holding the dossier could: a file changed, SHA256SUMS
recomputed, heads signed again with a key of their own."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.documentation import dossier_check
from safepassage.vault import crypto, public_keys
from tests.base import PASSWORD


def export(monkeypatch: pytest.MonkeyPatch, username: str, output: Path, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("dossier", "export", *args, "--output", str(output), "--as", username, stdout=out)
    return out.getvalue()


def unzip(archive: Path, where: Path) -> Path:
    """Unzipped as a receiver would, with unzip where it is installed."""
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(archive), "-d", str(where)], check=True, timeout=120)
    else:
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(where)
    (folder,) = [p for p in where.iterdir() if p.is_dir()]
    return folder


def failure(path: Path, fingerprint: str = "") -> str:
    """What ``safepassage verify`` names first ("" when all is well)."""
    try:
        dossier_check.check(path, fingerprint=fingerprint)
    except dossier_check.Failure as failed:
        return str(failed)
    return ""


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def write_manifest(folder: Path, data: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))


def resum(folder: Path) -> None:
    """SHA256SUMS recomputed for the files as they are now, in its own
    order, files added at its end (not signed again)."""
    sums = folder / "SHA256SUMS"
    names = [line[66:] for line in sums.read_text().splitlines()]
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    names = [n for n in names if n in present]
    names += [n for n in present if n not in names and n not in {"SHA256SUMS", "SHA256SUMS.sig"}]
    sums.write_text(
        "".join(f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n" for n in names)
    )


def resign(folder: Path, seed: bytes) -> None:
    """Every head and SHA256SUMS signed with ``seed``'s key, put in place of ours."""
    data = manifest(folder)
    pem = public_keys.public_key_pem(crypto.verify_key_of(seed)).encode()
    for key in data["keys"]:
        (folder / key["file"]).write_bytes(pem)
    for item in data["items"]:
        head = (folder / item["custody"]["head"]).read_bytes()
        (folder / item["custody"]["signature"]).write_bytes(crypto.sign(seed, head))
    resum(folder)
    (folder / "SHA256SUMS.sig").write_bytes(crypto.sign(seed, (folder / "SHA256SUMS").read_bytes()))


def run_recipe(folder: Path) -> subprocess.CompletedProcess[str]:
    """check.sh, with sh, sha256sum and openssl only."""
    return subprocess.run(
        ["sh", "check.sh"], cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )
