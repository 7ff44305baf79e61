"""The contract: a copy of the database, the file store, temporary folders
and the logs, taken at any moment, holds no name, contact or narrative.

Every encrypted field (vault.fields.REGISTRY) is filled with a sentinel
through its model's factory (tests/vault/factories.py), a file is uploaded,
the data is committed, and then every byte at rest is searched."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import string
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from safepassage.vault.fields import REGISTRY
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, hold_ceremony
from tests.vault.factories import FACTORIES

MAX_SCANNED_FILE = 256 * 1024 * 1024


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        parts = [Path(f"{name}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    db = connection.settings_dict
    dump = shutil.which("pg_dump")
    assert dump is not None, "pg_dump is needed to check the PostgreSQL copy"
    env = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
    args = [dump, "--no-owner", "-d", db["NAME"], "-U", db["USER"]]
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    return subprocess.run(args, capture_output=True, check=True, env=env).stdout


def _files_changed_since(folder: Path, since: float) -> list[Path]:
    found = []
    # os.walk, not rglob: other programs' temporary folders come and go.
    every = (Path(root) / name for root, _dirs, names in os.walk(folder) for name in names)
    for path in every:
        try:
            if (
                path.is_file()
                and path.stat().st_mtime >= since
                and path.stat().st_size < MAX_SCANNED_FILE
            ):
                found.append(path)
        except OSError:
            continue
    return found


@pytest.mark.usefixtures("transactional_audit")
@pytest.mark.urls("tests.specimens.urls")
def test_no_plaintext_anywhere_at_rest(
    org: Organisation, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.time() - 1
    # Letters only: a sentinel must also pass where a value is read as a
    # name (victim lists refuse a name with digits in it).
    token = "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
    sentinels: list[str] = []

    def mark(what: str) -> str:
        value = f"Sentinel{what}{token}"
        sentinels.append(value)
        return value

    registered = {field.model for field in REGISTRY}
    missing = {model.__name__ for model in registered - set(FACTORIES)}
    assert not missing, f"add a factory to tests/vault/factories.py for {missing}"

    vault = hold_ceremony(org)
    with using_keyring(vault.keyring):
        for factory in dict.fromkeys(FACTORIES.values()):  # each once, in order
            factory(org, mark)
    document = SimpleUploadedFile(
        "passport.jpg", os.urandom(200_000) + mark("file").encode() + os.urandom(1000)
    )
    response = Client().post("/specimens/upload/", {"document": document, "keep": "yes"})
    assert response.status_code == 200

    haystacks: dict[str, bytes] = {"database": _database_bytes()}
    for path in Path(settings.FILES_DIR).rglob("*"):
        if path.is_file():
            haystacks[f"file store {path.name}"] = path.read_bytes()
    for folder in {Path(tempfile.gettempdir()), Path(settings.DATA_DIR)}:
        for path in _files_changed_since(folder, started):
            try:
                haystacks[str(path)] = path.read_bytes()
            except OSError:
                continue
    captured = capfd.readouterr()
    haystacks["logs"] = (caplog.text + captured.out + captured.err).encode()

    assert len(sentinels) >= len(registered) + 1
    assert len(haystacks["database"]) > 10_000  # the copy is real
    # Every sentinel ends in the token (lower case): a haystack without the
    # token in any case holds no sentinel, so each is lowered and searched
    # once, not once for each sentinel (the haystacks include whatever
    # else changed in the temporary folder meanwhile, such as another
    # test run's database server).
    leaks = []
    for where, data in haystacks.items():
        lowered = data.lower()
        if token.encode() not in lowered:
            continue
        leaks += [
            (sentinel, where) for sentinel in sentinels if sentinel.lower().encode() in lowered
        ]
    assert leaks == []
