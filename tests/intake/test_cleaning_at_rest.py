"""Cleaning happens in memory: while photos and PDFs are decoded, cleaned
and stored, nothing of them reaches the disk in plaintext (database,
file store, staging, temporary folders, logs), the original kept with
consent included."""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safepassage.intake.models import Attachment
from tests.base import Organisation, hold_ceremony
from tests.intake import sample_files
from tests.intake.helpers import request_data
from tests.vault.test_plaintext_at_rest import _database_bytes, _files_changed_since


@pytest.mark.usefixtures("transactional_audit")
def test_it_writes_no_plaintext_while_cleaning(
    org: Organisation, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.time() - 1
    token = secrets.token_hex(6)
    camera = f"SentinelCamera{token}"
    script = f"app.alert('SentinelScript{token}')"
    hold_ceremony(org)
    response = Client().post(
        "/request/",
        {
            **request_data(),
            "keep_originals": "on",  # the originals, with their details, are kept too
            "attachments": [
                SimpleUploadedFile("photo.jpg", sample_files.phone_photo(camera)),
                SimpleUploadedFile("photo.webp", sample_files.webp_with_exif(camera)),
                SimpleUploadedFile("letter.pdf", sample_files.hostile_pdf(script, b"x")),
            ],
        },
    )
    assert response.status_code == 200
    assert Attachment.objects.exclude(original=None).count() == 3

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
    leaks = [
        where
        for where, data in haystacks.items()
        if token.encode() in data or token.encode() in data.lower()
    ]
    assert leaks == []
