"""The front's rules, driven through its ASGI interface as uvicorn drives
it: whole bodies with an exact length, limits and deadlines, no client
address for the application, forwarded headers only from loopback, and
refusals in the person's language. (tests/test_serve.py runs the same
front in the real server.)"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from safepassage.front.app import MEMORY_BYTES, Front, Limits
from safepassage.front.logs import NoAddresses
from safepassage.wsgi import application as django_application


class Probe:
    """A WSGI application that keeps what it was given."""

    def __init__(self, answer: Iterable[bytes] = (b"ok",)) -> None:
        self.environ: dict[str, Any] | None = None
        self.body = b""
        self.answer = answer

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.environ = environ
        self.body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return self.answer


def limits(tmp_path: Path, **changes: Any) -> Limits:
    base = Limits(
        max_body=10 * 1024 * 1024,
        body_timeout=5.0,
        body_min_rate=1024,
        spool_budget=64 * 1024 * 1024,
        threads=2,
        spool_dir=tmp_path / "spool",
    )
    return replace(base, **changes)


def scope(
    method: str = "POST",
    headers: list[tuple[bytes, bytes]] | None = None,
    client: tuple[str, int] | None = ("203.0.113.7", 40000),
    query: bytes = b"",
) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "http_version": "1.1",
        "scheme": "http",
        "path": "/request/",
        "raw_path": b"/request/",
        "query_string": query,
        "root_path": "",
        "headers": headers or [],
        "client": client,
        "server": ("127.0.0.1", 8000),
    }


def run(
    front: Front, request: dict[str, Any], pieces: list[bytes], *, stall: bool = False
) -> tuple[int, dict[bytes, bytes], bytes]:
    """Drive the front as uvicorn does; return status, headers and body."""
    sent: list[dict[str, Any]] = []

    async def drive() -> None:
        queue = list(pieces)
        forever = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if queue:
                piece = queue.pop(0)
                return {"type": "http.request", "body": piece, "more_body": bool(queue) or stall}
            await forever.wait()  # a client that sends nothing more, or after the body
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await asyncio.wait_for(front(request, receive, send), 10)

    # On a thread of its own: a test run may hold an event loop in this one
    # (Playwright's, for the browser tests).
    with ThreadPoolExecutor(1) as runner:
        runner.submit(asyncio.run, drive()).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body


def test_it_hands_over_a_chunked_body_whole_with_its_exact_length(tmp_path: Path) -> None:
    probe = Probe()
    front = Front(probe, limits(tmp_path))
    request = scope(headers=[(b"transfer-encoding", b"chunked"), (b"content-type", b"text/plain")])
    status, _headers, body = run(front, request, [b"one ", b"two ", b"three"])
    assert (status, body) == (200, b"ok")
    assert probe.body == b"one two three"
    assert probe.environ is not None
    assert probe.environ["CONTENT_LENGTH"] == "13"
    assert "HTTP_TRANSFER_ENCODING" not in probe.environ


def test_it_refuses_a_body_past_the_limit_and_never_calls_the_application(
    tmp_path: Path,
) -> None:
    probe = Probe()
    front = Front(probe, limits(tmp_path, max_body=1000))
    declared = scope(headers=[(b"content-length", b"5000")])
    status, headers, _body = run(front, declared, [b"x" * 5000])
    assert status == 413
    assert headers[b"connection"] == b"close"
    chunked = scope(headers=[(b"transfer-encoding", b"chunked")])
    status, _headers, _body = run(front, chunked, [b"x" * 600, b"x" * 600])
    assert status == 413
    assert probe.environ is None


def test_it_refuses_a_body_that_arrives_too_slowly(tmp_path: Path) -> None:
    probe = Probe()
    front = Front(probe, limits(tmp_path, body_timeout=0.3))
    started = time.monotonic()
    status, _headers, page = run(
        front, scope(headers=[(b"content-length", b"100")]), [b"a"], stall=True
    )
    took = time.monotonic() - started
    assert status == 408
    assert 0.25 < took < 3
    assert b"The connection was too slow" in page
    assert probe.environ is None


def test_a_steady_upload_earns_more_time(tmp_path: Path) -> None:
    # Each 1 KiB received adds a second: ten pieces arriving within the
    # first deadline's length each still pass.
    front = Front(Probe(), limits(tmp_path, body_timeout=0.5, body_min_rate=1024))
    status, _headers, _body = run(
        front, scope(headers=[(b"content-length", b"20480")]), [b"b" * 2048] * 10
    )
    assert status == 200


def test_a_burst_earns_no_long_silence(tmp_path: Path) -> None:
    front = Front(Probe(), limits(tmp_path, body_timeout=0.3, body_min_rate=1024))
    started = time.monotonic()
    status, _headers, _body = run(
        front, scope(headers=[(b"content-length", b"2000000")]), [b"d" * 1_000_000], stall=True
    )
    assert status == 408
    assert time.monotonic() - started < 3  # not the 977 s its bytes would earn


def test_it_answers_503_when_the_spool_budget_is_spent(tmp_path: Path) -> None:
    front = Front(Probe(), limits(tmp_path, spool_budget=32 * 1024))
    status, headers, _body = run(
        front, scope(headers=[(b"transfer-encoding", b"chunked")]), [b"c" * MEMORY_BYTES] * 2
    )
    assert status == 503
    assert headers[b"retry-after"] == b"60"
    assert front.budget.used == 0
    status, _headers, _body = run(front, scope(), [b"small"])
    assert status == 200


def test_the_application_sees_no_client_address_and_forwarded_headers_only_from_loopback(
    tmp_path: Path,
) -> None:
    forwarded = [
        (b"x-forwarded-proto", b"https"),
        (b"x-forwarded-for", b"198.51.100.9"),
        (b"forwarded", b"for=198.51.100.9"),
    ]
    for client, trusted in [
        (("203.0.113.7", 40000), False),
        (("127.0.0.1", 40000), True),
        (None, True),  # a unix socket
    ]:
        probe = Probe()
        run(Front(probe, limits(tmp_path)), scope("GET", forwarded, client), [b""])
        environ = probe.environ
        assert environ is not None
        assert "REMOTE_ADDR" not in environ
        assert not any("203.0.113.7" in str(value) for value in environ.values())
        assert ("HTTP_X_FORWARDED_PROTO" in environ) is trusted
        assert ("HTTP_X_FORWARDED_FOR" in environ) is trusted
        assert ("HTTP_FORWARDED" in environ) is trusted
        assert environ["wsgi.url_scheme"] == ("https" if trusted else "http")


def test_it_holds_a_streamed_response_whole_before_sending_it(tmp_path: Path) -> None:
    streamed = [bytes([n]) * 100_000 for n in range(10)]
    front = Front(Probe(answer=iter(streamed)), limits(tmp_path))
    status, headers, body = run(front, scope("GET"), [b""])
    assert status == 200
    assert body == b"".join(streamed)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert list((tmp_path / "spool").iterdir()) == []


@pytest.mark.parametrize(
    ("request_scope", "words"),
    [
        (scope(query=b"lang=fr"), "Trop d’un coup"),
        (scope(headers=[(b"accept-language", b"ru,en;q=0.5")]), "Слишком много сразу"),
        (scope(), "Too much at once"),
    ],
)
def test_refusals_speak_the_person_s_language(
    tmp_path: Path, request_scope: dict[str, Any], words: str
) -> None:
    request_scope["headers"] = [*request_scope["headers"], (b"content-length", b"99999999")]
    front = Front(Probe(), limits(tmp_path, max_body=10))
    status, headers, page = run(front, request_scope, [])
    assert status == 413
    assert words in page.decode()
    assert headers[b"cache-control"] == b"no-store"
    assert b"default-src 'none'" in headers[b"content-security-policy"]


@pytest.mark.django_db
def test_it_runs_the_real_application_on_whole_requests(tmp_path: Path) -> None:
    front = Front(django_application, limits(tmp_path, threads=1))
    try:
        status, headers, page = run(front, scope("GET", [(b"host", b"127.0.0.1")]), [b""])
    finally:
        # The application thread's own database connection.
        front.pool.submit(connections.close_all).result()
        front.pool.shutdown()
    assert status == 200
    assert b"<form" in page
    assert headers[b"content-length"] == str(len(page)).encode()


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Invalid request from ip=127.0.0.2: bad line", "Invalid request from ip=[address]: bad"),
        ("peer [::1]:8000 went away", "peer [[address]]:8000 went away"),
        ("from 2001:db8:0:0:0:0:2:1 again", "from [address] again"),
        ("at 06:14:41 the audit #12 ran (gunicorn 27.0.1)", "at 06:14:41 the audit #12 ran"),
    ],
)
def test_log_lines_lose_any_address(line: str, kept: str) -> None:
    record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, line, None, None)
    assert NoAddresses().filter(record)
    assert record.getMessage().startswith(kept)
    assert "127.0.0.2" not in record.getMessage()
