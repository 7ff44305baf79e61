"""`safepassage serve` holds slow clients: the real server on loopback,
with connections that send one byte a second, keeps answering the public
form and the staff pages, closes the slow connections at its deadlines,
takes a large upload, keeps nothing readable of what it holds, logs no
client address, and replaces every worker when the vault is sealed."""

from __future__ import annotations

import http.client
import io
import os
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.front.worker import GRACEFUL_SECONDS
from safepassage.intake.models import Attachment, Submission
from safepassage.vault.models import VaultState
from safepassage.vault.seal import SEAL_SIGNAL
from tests.base import Organisation, hold_ceremony, make_user, sign_in
from tests.intake.helpers import request_data
from tests.serving import RunningServer, served_database_url, serving

pytestmark = pytest.mark.usefixtures("transactional_audit")

# The slow clients and the malformed requests come from this address, so
# that any trace of it in the server's output is a client address.
SOURCE = "127.0.0.2"
DEADLINE = 10  # seconds, for headers and for bodies, in this server
SENTINEL = b"ZELIMKHAN-MAGOMEDOV-SAFE-HOUSE-7"


@pytest.fixture(scope="module")
def server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with django_db_blocker.unblock():
        database_url = served_database_url()
    # A data folder of its own: the browser tests' server may be running.
    with serving(
        database_url,
        {
            "SAFEPASSAGE_SERVE_HEADER_TIMEOUT_SECONDS": str(DEADLINE),
            "SAFEPASSAGE_SERVE_BODY_TIMEOUT_SECONDS": str(DEADLINE),
        },
        data_dir=tmp_path_factory.mktemp("served"),
    ) as running:
        yield running


# --- Clients -------------------------------------------------------------------


@dataclass
class SlowClient:
    sock: socket.socket
    rest: bytes  # still to send, a byte a second
    opened: float
    closed: float | None = None
    answer: bytes = b""


@dataclass
class Trickle:
    """Connections from SOURCE that each send one byte a second until the
    server closes them (or the test stops)."""

    server: RunningServer
    clients: list[SlowClient] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def open(self, sent_at_once: bytes, trickled: bytes) -> SlowClient:
        sock = socket.create_connection(
            (self.server.host, self.server.port), timeout=5, source_address=(SOURCE, 0)
        )
        sock.sendall(sent_at_once or trickled[:1])
        client = SlowClient(sock, trickled if sent_at_once else trickled[1:], time.monotonic())
        self.clients.append(client)
        return client

    def run(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        last = time.monotonic()
        while not self.stop.is_set():
            open_clients = [c for c in self.clients if c.closed is None]
            if not open_clients:
                return
            readable, _, _ = select.select([c.sock for c in open_clients], [], [], 0.2)
            for client in open_clients:
                if client.sock in readable:
                    self._read(client)
            if time.monotonic() - last >= 1:
                last = time.monotonic()
                for client in open_clients:
                    if client.closed is None and client.rest:
                        try:
                            client.sock.send(client.rest[:1])
                            client.rest = client.rest[1:]
                        except OSError:
                            client.closed = time.monotonic()

    def _read(self, client: SlowClient) -> None:
        try:
            data = client.sock.recv(65536)
        except OSError:
            data = b""
        if data:
            client.answer += data
        else:
            client.closed = time.monotonic()

    def close(self) -> None:
        self.stop.set()
        for client in self.clients:
            client.sock.close()


def timed_request(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 2.0,
) -> tuple[int, bytes, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return response.status, content, time.monotonic() - started


def form_post(data: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return urllib.parse.urlencode(data, doseq=True).encode(), {
        "Content-Type": "application/x-www-form-urlencoded"
    }


def multipart(fields: dict[str, Any], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----safepassage-test-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            disposition = f'Content-Disposition: form-data; name="{name}"'
            parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{item}\r\n".encode())
    for name, filename, content in files:
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def staff_cookie(user: str | User) -> str:
    client = Client()
    sign_in(client, make_user(user, Role.CASEWORKER) if isinstance(user, str) else user)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def files_on_disk(server: RunningServer) -> set[Path]:
    return {path for path in (server.data_dir / "files").rglob("*") if path.is_file()}


def open_spool_files(server: RunningServer) -> list[Path]:
    """The spool files the workers hold open (they have no name on disk)."""
    found = []
    for pid in server.worker_pids():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if "/spool/" in target:
                found.append(fd)
    return found


def wait_until(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


# --- Tests --------------------------------------------------------------------------


def test_it_answers_the_form_and_the_staff_pages_while_slow_clients_trickle(
    server: RunningServer, org: Organisation
) -> None:
    hold_ceremony(org)
    cookie = staff_cookie("amina")
    trickle = Trickle(server)
    head = b"GET /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n\r\n"
    body_head = (
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 10000000\r\n\r\n"
    )
    try:
        for _ in range(4):
            trickle.open(b"", head)  # headers, a byte a second
        for _ in range(4):
            trickle.open(body_head, b"happened=" + b"a" * 100)  # a large body, a byte a second
        trickle.run()

        status, page, took = timed_request(server, "GET", "/request/?lang=en")
        assert (status, took < 2) == (200, True)
        assert b"Send my request" in page
        body, headers = form_post(request_data())
        status, page, took = timed_request(server, "POST", "/request/", body, headers)
        assert (status, took < 2) == (200, True), page[:500]
        assert b'class="receipt"' in page
        status, page, took = timed_request(server, "GET", "/login/")
        assert (status, took < 2) == (200, True)
        status, page, took = timed_request(server, "GET", "/", headers={"Cookie": cookie})
        assert (status, took < 2) == (200, True)
        assert b"Welcome, amina" in page

        # The slow clients were all still connected while those answered...
        assert [c.closed for c in trickle.clients] == [None] * 8
        # ...and the deadlines end each of them.
        wait_until(
            lambda: all(c.closed is not None for c in trickle.clients),
            DEADLINE + 8,
            "the server did not close the slow connections",
        )
        for client in trickle.clients:
            assert client.closed is not None
            assert DEADLINE - 1 <= client.closed - client.opened <= DEADLINE + 4
            assert client.answer.startswith(b"HTTP/1.1 408 ")
    finally:
        trickle.close()
    assert Submission.objects.count() == 1
    assert SOURCE not in server.output()


def test_it_takes_a_large_upload(server: RunningServer, org: Organisation) -> None:
    hold_ceremony(org)
    before = files_on_disk(server)
    # A photo of noise, 20 MB as PNG: it is cleaned on arrival (encoded
    # again from its pixels), so what comes back has the same pixels.
    picture = Image.frombytes("RGB", (2600, 2700), os.urandom(2600 * 2700 * 3))
    sent = io.BytesIO()
    picture.save(sent, "PNG", compress_level=1)
    content = sent.getvalue()
    assert len(content) > 20 * 1024 * 1024
    body, content_type = multipart(request_data(), [("attachments", "evidence.png", content)])
    status, page, _took = timed_request(
        server, "POST", "/request/", body, {"Content-Type": content_type}, timeout=60
    )
    assert status == 200, page[:1000]
    attachment = Attachment.objects.get()
    assert attachment.file.size > 20 * 1024 * 1024
    # The stored ciphertext and nothing else: no spool or staging file left.
    stored = server.data_dir / "files" / attachment.file.digest[:2] / attachment.file.digest
    assert files_on_disk(server) - before == {stored}
    # And back to a member of intake: the decrypted file, held whole by the
    # front (sealed), then sent.
    status, download, _took = timed_request(
        server,
        "GET",
        f"/intake/{attachment.submission.code}/files/{attachment.pk}/",
        headers={"Cookie": staff_cookie(org.coordinator)},
        timeout=60,
    )
    assert status == 200
    assert len(download) == attachment.file.size
    with Image.open(io.BytesIO(download)) as received:
        assert received.tobytes() == picture.tobytes()
    assert files_on_disk(server) - before == {stored}


def test_it_keeps_nothing_readable_of_a_body_it_holds_and_nothing_after(
    server: RunningServer,
) -> None:
    before = files_on_disk(server)
    held = SENTINEL * (2_500_000 // len(SENTINEL))
    head = (
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b"Content-Length: 5000000\r\n\r\n"
    )
    with socket.create_connection((server.host, server.port), source_address=(SOURCE, 0)) as sock:
        sock.sendall(head + held)

        def spooled() -> bool:
            return any(fd.stat().st_size >= 2_000_000 for fd in open_spool_files(server))

        wait_until(spooled, 10, "the body was not spooled")
        for fd in open_spool_files(server):
            assert "(deleted)" in os.readlink(fd) or "#" in os.readlink(fd)  # no name on disk
            assert SENTINEL not in fd.read_bytes()
        spool_dir = server.data_dir / "files" / "spool"
        assert list(spool_dir.iterdir()) == []
        # The rest never comes: the deadline refuses it, and nothing of it
        # is left, open or on disk.
        sock.settimeout(DEADLINE + 5)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
    wait_until(lambda: not open_spool_files(server), 5, "a spool file stayed open")
    assert files_on_disk(server) == before


def test_it_refuses_a_body_over_the_limit_before_reading_it(server: RunningServer) -> None:
    status, page, took = timed_request(
        server,
        "POST",
        "/request/",
        headers={
            "Content-Length": str(settings.SERVE_MAX_BODY_BYTES + 1),
            "Expect": "100-continue",
            "Accept-Language": "ru",
        },
    )
    assert status == 413
    assert took < 2
    assert "Слишком много сразу".encode() in page


def test_it_logs_no_client_address_for_malformed_requests(server: RunningServer) -> None:
    malformed = [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Big: " + b"b" * 100_000 + b"\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(64)),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /request/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        b"GET /request/%ff%fe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nshort",
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
    ]
    for request in malformed:
        with socket.create_connection(
            (server.host, server.port), timeout=DEADLINE + 5, source_address=(SOURCE, 0)
        ) as sock:
            try:
                sock.sendall(request)
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(65536):
                    pass
            except OSError:
                pass
    status, _page, _took = timed_request(server, "GET", "/healthz")
    assert status == 200
    output = server.output()
    assert SOURCE not in output
    assert "pip install" not in output  # no misleading advice about upgrades
    # The only address in the output is the one the server was told to serve on.
    lines = [line for line in output.splitlines() if "127.0.0.1" in line]
    assert all(line.startswith("safepassage is serving on") for line in lines), lines


def test_it_replaces_every_worker_when_the_vault_is_sealed(
    server: RunningServer, org: Organisation
) -> None:
    sign_in(Client(), make_user("zarema", Role.CASEWORKER))
    workers = server.worker_pids()
    assert len(workers) == 2
    # Slow clients in the middle of a request do not keep an old worker
    # (and what it holds in memory) alive past its grace.
    trickle = Trickle(server)
    try:
        for _ in range(2):
            trickle.open(b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            trickle.open(
                b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n",
                b"x" * 1000,
            )
        trickle.run()
        os.kill(server.process.pid, SEAL_SIGNAL)
        wait_until(lambda: VaultState.get().sealed_at is not None, 15, "the vault was not sealed")
        wait_until(
            lambda: len(server.worker_pids() - workers) == 2 and not server.worker_pids() & workers,
            GRACEFUL_SECONDS + 3,  # sooner than the slow clients' deadlines
            "the workers were not replaced",
        )
    finally:
        trickle.close()
    status, _page, _took = timed_request(server, "GET", "/healthz", timeout=10)
    assert status == 200
