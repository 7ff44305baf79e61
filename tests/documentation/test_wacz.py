"""A WACZ web capture is checked twice on upload: each of its files
against the hash its package lists, and each WARC file it holds record
by record (every digest a record states computed again), so a capture
changed and its package's hashes rewritten to match is still caught; its
problems are said in the reader's language."""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safepassage.documentation import statements
from safepassage.documentation.models import Evidence, Statement
from safepassage.site.demo_evidence import demo_web_capture
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, term

WORDS = "There is nobody of that kind here."


def _capture() -> bytes:
    return demo_web_capture(
        "https://news.example.org/denial", "Spokesman", "2017-04-01T10:00:00Z", WORDS
    )


def _repacked(data: bytes, *, change: bytes, rehash: bool) -> bytes:
    """The WACZ with one word of its WARC changed (same length), its
    package's hashes recomputed or left as they were."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    warc = members["archive/data.warc"]
    assert change in warc
    members["archive/data.warc"] = warc.replace(change, change.upper())
    if rehash:
        package = json.loads(members["datapackage.json"])
        for resource in package["resources"]:
            fresh = hashlib.sha256(members[resource["path"]]).hexdigest()
            resource["hash"] = f"sha256:{fresh}"
        members["datapackage.json"] = json.dumps(package).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name, member in members.items():
            target.writestr(name, member)
    return out.getvalue()


def _upload(client: Client, statement: Statement, name: str, data: bytes) -> Evidence:
    response = client.post(
        f"/documentation/evidence/new/?to={statement.code}",
        {"file": SimpleUploadedFile(name, data), "to": statement.code},
    )
    assert response.status_code == 302
    return Evidence.objects.get(code=response["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def statement(desk: Desk) -> Statement:
    with using_keyring(desk.vault.keyring):
        return statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )


def _page(client: Client, item: Evidence, language: str = "en") -> str:
    client.cookies["django_language"] = language
    return html.unescape(client.get(f"/documentation/evidence/{item.code}/").content.decode())


@pytest.mark.django_db
def test_it_checks_each_warc_of_a_wacz_record_by_record(desk: Desk, statement: Statement) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    item = _upload(client, statement, "denial.wacz", _capture())
    with using_keyring(desk.vault.keyring):
        found = Evidence.objects.get(pk=item.pk).capture
    assert found["container"] == "wacz"
    assert [archive["path"] for archive in found["archives"]] == ["archive/data.warc"]
    assert found["archives"][0]["verified"] is True
    assert found["archives"][0]["check"]["records"] == 2
    page = _page(client, item)
    assert "The archive's 2 files match the hashes its package records." in page
    assert "its 2 records parse, and every digest they state matches." in page
    assert "1 April 2017, 10:00 UTC" in page  # the page's moment, in the reader's format


@pytest.mark.django_db
def test_a_changed_capture_is_caught_even_with_its_package_rehashed(
    desk: Desk, statement: Statement
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    forged = _repacked(_capture(), change=b"nobody", rehash=True)
    item = _upload(client, statement, "denial.wacz", forged)
    with using_keyring(desk.vault.keyring):
        found = Evidence.objects.get(pk=item.pk).capture
    assert found["package"]["problems"] == []  # the package alone cannot tell
    assert found["archives"][0]["verified"] is False
    codes = {problem["code"] for problem in found["archives"][0]["check"]["problems"]}
    assert codes == {"block_digest", "payload_digest"}
    page = _page(client, item)
    assert "its records' check failed:" in page
    assert "https://news.example.org/denial" in page


@pytest.mark.django_db
def test_a_wacz_packages_problems_are_said_in_the_readers_language(
    desk: Desk, statement: Statement
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    changed = _repacked(_capture(), change=b"nobody", rehash=False)
    item = _upload(client, statement, "denial.wacz", changed)
    english = _page(client, item)
    assert "archive/data.warc does not match its hash" in english
    russian = _page(client, item, "ru")
    assert "archive/data.warc не совпадает со своим хешем" in russian
    assert "changed:" not in russian
