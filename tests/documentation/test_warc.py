"""A WARC web capture (.warc, .warc.gz) is checked on upload (every record
parses, every digest it states matches its bytes) and its captured pages
listed; a changed record is named; a damaged archive is kept as it came,
its damage said; and the archive is read as a stream, memory flat."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from safepassage.documentation import capture, evidence, statements, warc
from safepassage.documentation.models import Evidence
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, term

DENIAL = b"<html><body>Spokesman: there are no such people here.</body></html>"
DENIAL_URL = "https://example.org/news/denial"
PHOTO_URL = "https://example.org/news/podium.png"


def web_capture(*, gzip: bool = False) -> bytes:
    """A WARC written with warcio: its warcinfo, the statement's page (an
    HTTP 200 of HTML) and a picture from it (a 404), each with digests."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("denial.warc", {"software": "tests"}))
    for url, status, kind, body, when in (
        (DENIAL_URL, "200 OK", "text/html; charset=utf-8", DENIAL, "2017-04-01T10:00:00Z"),
        (PHOTO_URL, "404 Not Found", "text/plain", b"gone", "2017-04-01T10:00:02Z"),
    ):
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": when},
        )
        writer.write_record(record)
    return out.getvalue()


def _record_id(data: bytes, url: str) -> str:
    block = data[: data.index(f"WARC-Target-URI: {url}".encode())]
    line = block[block.rindex(b"WARC-Record-ID: ") :].split(b"\r\n")[0]
    return line.removeprefix(b"WARC-Record-ID: ").decode()


def _inspect(data: bytes) -> dict:  # type: ignore[type-arg]
    return capture.inspect(data[: files.HEAD_BYTES], len(data), lambda: data)


@pytest.mark.django_db
def test_it_checks_a_warc_capture_and_lists_its_pages(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        statement = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )
    client = Client()
    sign_in(client, desk.documenter)
    plain, packed = web_capture(), web_capture(gzip=True)
    for name, data in (("denial.warc", plain), ("denial.warc.gz", packed)):
        response = client.post(
            f"/documentation/evidence/new/?to={statement.code}",
            {"file": SimpleUploadedFile(name, data), "to": statement.code},
        )
        assert response.status_code == 302
    first, second = Evidence.objects.order_by("created_at")
    with using_keyring(desk.vault.keyring):
        for item, data, container in ((first, plain, "warc"), (second, packed, "warc.gz")):
            assert item.kind == "web_archive"
            assert item.capture["container"] == container
            assert item.capture["verified"] is True
            assert item.capture["check"] == {
                "records": 3,
                "digests": 3,
                "complete": True,
                "problems": [],
            }
            assert item.capture["pages"] == [
                {
                    "url": DENIAL_URL,
                    "ts": "2017-04-01T10:00:00Z",
                    "record_type": "response",
                    "status": 200,
                    "type": "text/html; charset=utf-8",
                },
                {
                    "url": PHOTO_URL,
                    "ts": "2017-04-01T10:00:02Z",
                    "record_type": "response",
                    "status": 404,
                    "type": "text/plain",
                },
            ]
            _meta, chunks = files.open_file(desk.vault.keyring, item.file)
            assert b"".join(chunks) == data  # never altered
            assert item.sha256 == hashlib.sha256(data).hexdigest()
    page = client.get(f"/documentation/evidence/{first.code}/").content.decode()
    assert "Its 3 records parse, and every digest they state matches." in page
    assert f"<code>{DENIAL_URL}</code>" in page
    assert 'data-label="HTTP status">404</td>' in page
    assert 'data-label="Captured at">1 April 2017, 10:00 UTC</td>' in page
    client.cookies["django_language"] = "fr"
    french = client.get(f"/documentation/evidence/{first.code}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Statut HTTP" in french.content.decode()


@pytest.mark.django_db
def test_it_names_the_record_of_a_warc_that_was_changed(desk: Desk) -> None:
    data = web_capture()
    tampered = data.replace(b"no such people", b"NO such people")
    assert len(tampered) == len(data)
    found = _inspect(tampered)
    record = _record_id(tampered, DENIAL_URL)
    offset = tampered.index(b"WARC/1.0", tampered.index(b"WARC/1.0") + 1)
    assert found["verified"] is False
    assert found["check"]["complete"] is True
    assert found["check"]["problems"] == [
        {"code": "block_digest", "record": record, "url": DENIAL_URL, "offset": offset},
        {"code": "payload_digest", "record": record, "url": DENIAL_URL, "offset": offset},
    ]
    with using_keyring(desk.vault.keyring):
        staged = files.stage_bytes(tampered, name="denial.warc", content_type="application/warc")
        item = evidence.add_evidence(desk.documenter, staged)
    client = Client()
    sign_in(client, desk.documenter)
    page = html.unescape(client.get(f"/documentation/evidence/{item.code}/").content.decode())
    assert "The archive's check failed:" in page
    assert (
        f"record {record} ({DENIAL_URL}, at byte {offset}): its content does not match its "
        "WARC-Block-Digest (it was changed)"
    ) in page
    assert "every digest they state matches" not in page


@pytest.mark.django_db
def test_it_says_where_a_warc_is_cut_short_or_damaged(desk: Desk, keys: None) -> None:
    data = web_capture()
    cut = data[: data.index(b"no such people")]
    found = _inspect(cut)
    assert found["verified"] is False
    assert found["check"]["complete"] is False
    assert [p["code"] for p in found["check"]["problems"]] == ["truncated"]
    assert found["check"]["problems"][0]["url"] == DENIAL_URL
    assert found["pages"][0]["url"] == DENIAL_URL

    second = data.index(b"WARC/1.0", data.index(b"WARC/1.0") + 1)
    spoiled = data[:second] + b"this is not a record\r\n\r\n" + data[second:]
    found = _inspect(spoiled)
    assert found["check"]["problems"] == [{"code": "unreadable", "offset": second}]
    assert found["verified"] is False

    noise = b"WARC/1.0\r\n" + bytes(range(256)) * 4
    staged = files.stage_bytes(noise, name="noise.warc", content_type="application/warc")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.kind == "web_archive"
    assert item.capture["verified"] is False
    assert item.capture["check"]["problems"][0] == {
        "code": "malformed",
        "record": "",
        "url": "",
        "offset": 0,
    }
    _meta, chunks = files.open_file(desk.vault.keyring, item.file)
    assert b"".join(chunks) == noise


def test_it_recognises_a_compressed_warc_by_its_first_bytes() -> None:
    assert capture.detect(web_capture(gzip=True)[:4096]) == ("web_archive", "warc.gz")
    assert capture.detect(web_capture()[:4096]) == ("web_archive", "warc")
    assert capture.detect(gzip.compress(b"plain words")) == ("other", "gzip")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=2000))
def test_it_never_fails_on_a_damaged_warc(garbage: bytes, cut: int) -> None:
    data = web_capture()
    for sample in (b"WARC/1.0\r\n" + garbage, data[:cut] + garbage, data[cut:]):
        found = warc.warc_of(lambda sample=sample: iter([sample]))
        assert found["format"] == "warc"
        assert found.get("unreadable") or "check" in found


def _big_record(megabytes: int) -> tuple[Iterator[bytes], int]:
    """One response record of ``megabytes`` MB, its digests right, given a
    piece at a time (never whole in memory)."""
    piece = b"x" * (1024 * 1024)
    http = b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\n"
    payload = hashlib.sha1()  # noqa: S324 - the digest WARC files carry
    block = hashlib.sha1(http)  # noqa: S324
    for _ in range(megabytes):
        payload.update(piece)
        block.update(piece)
    length = len(http) + megabytes * len(piece)
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\n"
        f"WARC-Target-URI: https://example.org/video\r\nWARC-Date: 2017-04-01T10:00:00Z\r\n"
        f"WARC-Payload-Digest: sha1:{base64.b32encode(payload.digest()).decode()}\r\n"
        f"WARC-Block-Digest: sha1:{base64.b32encode(block.digest()).decode()}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    ).encode()

    def pieces() -> Iterator[bytes]:
        yield header + http
        for _ in range(megabytes):
            yield piece
        yield b"\r\n\r\n"

    return pieces(), length


def test_it_reads_a_warc_as_a_stream_with_memory_flat() -> None:
    chunks, _length = _big_record(48)
    head = b"WARC/1.0\r\n"

    def whole() -> bytes:
        raise AssertionError("a WARC is read as a stream, never whole")

    tracemalloc.start()
    try:
        found = capture.inspect(head, 48 * 1024 * 1024, whole, stream=lambda: chunks)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found["verified"] is True
    assert found["check"]["digests"] == 1
    assert found["pages"][0]["type"] == "video/mp4"
    assert peak < 12 * 1024 * 1024


@pytest.mark.django_db
def test_it_checks_a_warc_too_large_to_hold_in_memory_on_the_upload_path(
    desk: Desk, keys: None, tmp_path: Path
) -> None:
    megabytes = capture.INSPECT_MAX_BYTES // (1024 * 1024) + 16  # past the in-memory limit
    chunks, _length = _big_record(megabytes)
    path = tmp_path / "video-page.warc"
    with path.open("wb") as handle:
        for piece in chunks:
            handle.write(piece)
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            staged = files.stage_stream(
                handle, name=path.name, content_type="application/warc", limit=2**31
            )
        item = evidence.add_evidence(desk.documenter, staged)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert item.size > capture.INSPECT_MAX_BYTES
    assert item.capture["verified"] is True
    assert item.capture["check"]["digests"] == 1
    assert peak < 32 * 1024 * 1024, f"peaked at {peak / 2**20:.0f} MiB"


@pytest.mark.django_db
def test_it_does_not_call_a_warc_without_digests_checked(desk: Desk, keys: None) -> None:
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + DENIAL
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:plain>\r\n"
        b"WARC-Date: 2017-04-01T10:00:00Z\r\nWARC-Target-URI: " + DENIAL_URL.encode() + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body + b"\r\n\r\n"
    )
    staged = files.stage_bytes(record, name="plain.warc", content_type="application/warc")
    item = evidence.add_evidence(desk.documenter, staged)
    assert item.capture["check"] == {"records": 1, "digests": 0, "complete": True, "problems": []}
    assert item.capture["verified"] is False
    assert item.capture["pages"][0]["status"] == 200
    client = Client()
    sign_in(client, desk.documenter)
    page = html.unescape(client.get(f"/documentation/evidence/{item.code}/").content.decode())
    assert "No record states a digest." in page
    assert "every digest" not in page


def test_it_keeps_the_first_problems_of_an_archive_full_of_them() -> None:
    data = web_capture()
    first = data.index(b"WARC/1.0", data.index(b"WARC/1.0") + 1)
    second = data.index(b"WARC/1.0", first + 1)
    tampered = data[first:second].replace(b"no such people", b"NO such people")
    found = warc.warc_of(lambda: iter([tampered] * 200))  # each record changed: two problems
    assert found["check"]["records"] == 200
    assert len(found["check"]["problems"]) == warc.MAX_PROBLEMS
    assert found["check"]["more_problems"] == 400 - warc.MAX_PROBLEMS
    assert found["verified"] is False
    shown = render_to_string(
        "documentation/warc_check.html", {"capture": found, "warc_findings": warc.findings(found)}
    )
    assert "and 350 more problems, not listed" in shown


def test_it_stops_reading_a_compressed_warc_that_holds_more_than_it_may_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(warc, "MAX_CONTENT_BYTES", 8 * 1024 * 1024)
    chunks, _length = _big_record(32)  # 32 MB of content, a few kB compressed
    packed = gzip.compress(b"".join(chunks))
    assert len(packed) < 1024 * 1024
    found = capture.inspect(packed[:4096], len(packed), lambda: packed)
    assert found["container"] == "warc.gz"
    assert found["check"]["complete"] is False
    assert found["check"]["problems"] == [{"code": "too_much_content", "count": 8 * 1024 * 1024}]
    assert warc.findings(found) == [
        "only the first 8 MB of the archive's records were checked: it holds more"
    ]
    assert found["verified"] is False
