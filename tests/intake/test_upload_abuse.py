"""Uploads that try to fill the disk or break the server, sent to the real
server: too many files, too much in total, a broken base64 part, a request
cut off mid-upload. Each gets a plain answer (a 400 page that keeps what
was typed, never a 500) and leaves nothing in staging."""

from __future__ import annotations

import http.client
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from tests.base import Organisation, hold_ceremony
from tests.intake import live
from tests.intake.helpers import JPEG, request_data

pytestmark = pytest.mark.usefixtures("transactional_audit")

STORY = "They searched the flat and took my passport."


@pytest.fixture(autouse=True)
def _empty_staging() -> None:
    """Each test starts from an empty staging folder, whatever an earlier one left."""
    for path in live.staged_files():
        path.unlink()


def _part(name: str, value: bytes, *, filename: str | None = None, extra: str = "") -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
        extra = "Content-Type: image/jpeg\r\n" + extra
    return f"Content-Disposition: {disposition}\r\n{extra}\r\n".encode() + value


def multipart(parts: list[bytes], boundary: str, *, closed: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if closed else b"")


def _fields() -> list[bytes]:
    parts = []
    for name, value in request_data(happened=STORY).items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(_part(name, str(item).encode()))
    return parts


def _post(url: str, body: bytes, boundary: str) -> tuple[int, str]:
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/request/",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_it_refuses_101_files_with_a_page_that_keeps_the_text(
    live_url: str, org: Organisation
) -> None:
    hold_ceremony(org)
    boundary = uuid.uuid4().hex
    photos = [_part("attachments", JPEG + b"x" * 2000, filename=f"{n}.jpg") for n in range(101)]
    status, page = _post(live_url, multipart([*_fields(), *photos], boundary), boundary)
    assert status == 400, page[:500]
    assert "Send at most 5 files at a time." in page
    assert STORY in page  # what was typed is still there
    assert "please choose them again" in page
    assert live.staged_files() == []


def test_it_refuses_too_much_in_one_request(live_url: str, org: Organisation) -> None:
    hold_ceremony(org)
    boundary = uuid.uuid4().hex
    # Each file under the 1 MB a file may have, together over the 2 MB of a request.
    photos = [_part("attachments", JPEG + b"x" * 900_000, filename=f"{n}.jpg") for n in range(4)]
    status, page = _post(live_url, multipart([*_fields(), *photos], boundary), boundary)
    assert status == 400, page[:500]
    assert "The files together are larger than" in page
    assert STORY in page
    assert live.staged_files() == []


@pytest.mark.parametrize("complete_first", [False, True])
def test_it_answers_a_broken_base64_part_plainly(
    live_url: str, org: Organisation, complete_first: bool
) -> None:
    hold_ceremony(org)
    boundary = uuid.uuid4().hex
    parts = _fields()
    if complete_first:  # a whole file staged before the broken one
        parts.append(_part("attachments", JPEG + b"x" * 200_000, filename="whole.jpg"))
    # 200 KB of good base64 (written to staging as it comes), then garbage.
    broken = b"QUJD" * 50_000 + b"%%%Q"
    header = "Content-Transfer-Encoding: base64\r\n"
    parts.append(_part("attachments", broken, filename="broken.jpg", extra=header))
    status, page = _post(live_url, multipart(parts, boundary), boundary)
    assert status == 400, page[:500]
    assert live.staged_files() == []
    assert "could not be read" in page


def test_it_cleans_up_a_request_cut_off_mid_upload(live_url: str, org: Organisation) -> None:
    hold_ceremony(org)
    boundary = uuid.uuid4().hex
    head = multipart(
        [*_fields(), _part("attachments", JPEG, filename="a.jpg")], boundary, closed=False
    )
    where = urlsplit(live_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sender:
        sender.sendall(
            b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=" + boundary.encode() + b"\r\n"
            b"Content-Length: 900000\r\n\r\n" + head + b"x" * 300_000
        )
        # The server's front holds the body (encrypted) until it is whole:
        # nothing reaches the application, so nothing is staged; then the
        # sender goes away.
        assert not live.wait_for(lambda: live.staged_files() != [], seconds=1.0)
        sender.shutdown(socket.SHUT_RDWR)
    assert not live.wait_for(lambda: live.staged_files() != [], seconds=1.0)
    # And the server goes on answering whole requests (a receipt, or the
    # form back if the flood tests used up this minute's small budget).
    boundary = uuid.uuid4().hex
    status, page = _post(live_url, multipart(_fields(), boundary), boundary)
    assert status in (200, 429), page[:500]
