"""The ASGI application that `safepassage serve` runs in each worker.

It takes a request from uvicorn and:

1. refuses at once (413) a body whose declared length is over the limit;
2. reads the whole body into a sealed spool (vault.spool: memory, then an
   encrypted nameless file), within a deadline that starts at
   SERVE_BODY_TIMEOUT seconds and grows by one second for every
   SERVE_BODY_MIN_RATE bytes received, with no silence longer than
   SERVE_BODY_TIMEOUT (408 past either), and within the size limit (413)
   and the worker's spool budget (503);
3. runs the WSGI application (Django, with its upload handlers, which
   encrypt uploads as they read them) on one of SERVE_THREADS threads;
4. holds the whole response (in memory, or a streamed one in a sealed
   spool) and hands it to the client as fast as the client takes it.

So an application thread never waits for the network: a slow client holds
one connection of the event loop, and the deadlines end it. Refusals are
short translated pages, written nowhere; nothing of a refused request is
left anywhere. The application never sees a client address; forwarded
headers reach it only from a proxy on loopback or a unix socket.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from safepassage.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from safepassage.vault.spool import SealedSpool

logger = logging.getLogger("safepassage.front")

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]
WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Bytes of a body, or of a streamed response, held in memory; beyond this a
# sealed spool writes them, encrypted, to a file with no name.
MEMORY_BYTES = 256 * 1024
PIECE = 64 * 1024  # bytes handed to uvicorn at once
# Peers whose X-Forwarded-* headers count: a proxy on this machine (as
# gunicorn's forwarded_allow_ips had it), or a unix socket (no address).
TRUSTED_PROXIES = frozenset({"127.0.0.1"})
FORWARDED = ("x-forwarded-", "forwarded")
BODY_HEADERS = (b"content-length", b"transfer-encoding")


class Refused(Exception):
    """The front will not pass this request on; ``reason`` names the page."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ClientGone(Exception):
    """The client went away before its request was whole."""


@dataclass(frozen=True)
class Limits:
    max_body: int
    body_timeout: float
    body_min_rate: int  # bytes per second
    spool_budget: int
    threads: int
    spool_dir: Path

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_body=settings.SERVE_MAX_BODY_BYTES,
            body_timeout=float(settings.SERVE_BODY_TIMEOUT),
            body_min_rate=settings.SERVE_BODY_MIN_RATE,
            spool_budget=settings.SERVE_SPOOL_BYTES,
            threads=settings.SERVE_THREADS,
            spool_dir=Path(settings.FILES_DIR) / "spool",
        )


class Budget:
    """Bytes a worker's spools may hold on disk at once."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self.used + size > self.total:
                return False
            self.used += size
            return True

    def give(self, size: int) -> None:
        with self._lock:
            self.used -= size


@dataclass
class Answer:
    """A whole response: in memory, or a streamed one in a sealed spool."""

    status: int
    headers: list[tuple[bytes, bytes]]
    parts: list[bytes] = field(default_factory=list)
    spool: SealedSpool | None = None

    @property
    def size(self) -> int:
        return self.spool.size if self.spool is not None else sum(len(p) for p in self.parts)

    def pieces(self) -> Generator[bytes, None, None]:
        if self.spool is not None:
            yield from self.spool.chunks()
            return
        for part in self.parts:
            view = memoryview(part)
            for start in range(0, len(view), PIECE):
                yield bytes(view[start : start + PIECE])

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


class Front:
    def __init__(self, application: WSGIApplication, limits: Limits | None = None) -> None:
        self.application = application
        self._limits = limits
        self._pool: ThreadPoolExecutor | None = None
        self._budget: Budget | None = None

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_settings()
        return self._limits

    @property
    def budget(self) -> Budget:
        if self._budget is None:
            self._budget = Budget(self.limits.spool_budget)
        return self._budget

    @property
    def pool(self) -> ThreadPoolExecutor:
        # Made on first use, so in the worker process (after the fork).
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.limits.threads, thread_name_prefix="sp-request")
        return self._pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        spool = SealedSpool(self.limits.spool_dir, memory=MEMORY_BYTES)
        try:
            charged = await self._read_body(scope, receive, spool)
        except Refused as refusal:
            spool.close()
            await self._refuse(scope, send, refusal)
            return
        except ClientGone:
            spool.close()
            return
        except BaseException:  # the worker is stopping
            spool.close()
            raise
        gone = asyncio.ensure_future(receive())
        try:
            try:
                # The application thread closes the spool when it is done.
                answer = await self._answer(scope, spool)
            finally:
                self.budget.give(charged)
            try:
                await self._send(scope, send, answer, gone)
            finally:
                answer.close()
        finally:
            gone.cancel()

    # The body ---------------------------------------------------------------

    async def _read_body(self, scope: Scope, receive: Receive, spool: SealedSpool) -> int:
        """Read the whole body into ``spool``; return the spool budget taken."""
        limits = self.limits
        declared = declared_length(scope)
        if declared is not None and declared > limits.max_body:
            raise Refused(413, "too_large")
        loop = asyncio.get_running_loop()
        started = heard = loop.time()
        charged = 0
        try:
            while True:
                # On average at least the minimum rate, and never silent
                # for longer than the timeout (a burst earns no long pause).
                deadline = min(
                    started + limits.body_timeout + spool.size / limits.body_min_rate,
                    heard + limits.body_timeout,
                )
                try:
                    message = await asyncio.wait_for(receive(), deadline - loop.time())
                except TimeoutError:
                    raise Refused(408, "too_slow") from None
                heard = loop.time()
                if message["type"] == "http.disconnect":
                    raise ClientGone()
                chunk = message.get("body", b"")
                if spool.size + len(chunk) > limits.max_body:
                    raise Refused(413, "too_large")
                beyond_memory = max(0, spool.size + len(chunk) - MEMORY_BYTES) - charged
                if beyond_memory > 0:
                    if not self.budget.take(beyond_memory):
                        raise Refused(503, "busy")
                    charged += beyond_memory
                spool.write(chunk)
                if not message.get("more_body", False):
                    return charged
        except BaseException:
            if charged:
                self.budget.give(charged)
            raise

    # The application --------------------------------------------------------

    async def _answer(self, scope: Scope, spool: SealedSpool) -> Answer:
        try:
            environ = build_environ(scope, spool.size)
            work: Future[Answer] = self.pool.submit(self._call_application, environ, spool)
        except BaseException:
            spool.close()
            raise
        try:
            return await asyncio.wrap_future(work)
        except asyncio.CancelledError:
            # The worker is stopping: whatever the thread still makes is
            # closed when it is made.
            work.add_done_callback(_close_answer)
            raise

    def _call_application(self, environ: dict[str, Any], spool: SealedSpool) -> Answer:
        """On an application thread: the WSGI call, its response held whole."""
        environ["wsgi.input"] = body = spool.reader()
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            started[:] = [(status, headers)]
            return written.append

        written: list[bytes] = []
        try:
            result = self.application(environ, start_response)
            try:
                answer = self._hold(result, written)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if not started:
                answer.close()
                raise RuntimeError("the application did not start a response")
        except Exception as error:  # Django turns view errors into pages; this is the rest
            logger.error("front: the application failed (%s)", error.__class__.__name__)
            return refusal_answer(environ, 500, "failed")
        finally:
            body.close()
        status, headers = started[0]
        answer.status = int(status.split(" ", 1)[0])
        answer.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        bodiless = answer.status < 200 or answer.status in (204, 304)
        if not bodiless and not any(name == b"content-length" for name, _ in answer.headers):
            answer.headers.append((b"content-length", str(answer.size).encode()))
        return answer

    def _hold(self, result: Iterable[bytes], written: list[bytes]) -> Answer:
        # Django's HttpResponse has its content in memory already; a
        # streamed one (a file being decrypted) goes to a sealed spool.
        if getattr(result, "streaming", True) is False:
            return Answer(0, [], parts=[*written, *result])
        spool = SealedSpool(self.limits.spool_dir, memory=MEMORY_BYTES)
        try:
            for part in (*written, *result) if written else result:
                spool.write(part)
        except BaseException:
            spool.close()
            raise
        return Answer(0, [], spool=spool)

    # The response -------------------------------------------------------------

    async def _send(self, scope: Scope, send: Send, answer: Answer, gone: asyncio.Future) -> None:
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": answer.headers}
        )
        if scope["method"] != "HEAD":
            # Closed before the spool is, however the sending ends.
            with closing(answer.pieces()) as pieces:
                for piece in pieces:
                    if gone.done():
                        return  # the client left; uvicorn has closed the connection
                    await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _refuse(self, scope: Scope, send: Send, refusal: Refused) -> None:
        answer = refusal_answer(build_environ(scope, 0), refusal.status, refusal.reason)
        answer.headers.append((b"connection", b"close"))
        logger.info("front: refused a request (%s)", refusal.reason)
        await self._send(scope, send, answer, asyncio.get_running_loop().create_future())


def _close_answer(work: Future[Answer]) -> None:
    if not work.cancelled() and work.exception() is None:
        work.result().close()


def declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise Refused(400, "bad_request") from None
    return None


def build_environ(scope: Scope, length: int) -> dict[str, Any]:
    """The WSGI environ of a request whose body is whole (``length`` bytes):
    no transfer coding, an exact CONTENT_LENGTH, no client address."""
    client = scope.get("client")
    trusted = client is None or client[0] in TRUSTED_PROXIES
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(scope.get("raw_path") or b"/").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": "HTTP/" + scope["http_version"],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if length or any(name in BODY_HEADERS for name, _ in scope["headers"]):
        environ["CONTENT_LENGTH"] = str(length)
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name in ("content-length", "transfer-encoding"):
            continue
        if name.startswith(FORWARDED) and not trusted:
            continue
        if name == "x-forwarded-proto" and value.strip() in ("http", "https"):
            environ["wsgi.url_scheme"] = value.strip()
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        if key in environ:
            environ[key] += ("; " if key == "HTTP_COOKIE" else ",") + value
        else:
            environ[key] = value
    return environ


def refusal_answer(environ: dict[str, Any], status: int, reason: str) -> Answer:
    """A short page in the person's language saying why, and what to do."""
    language = refusal_language(environ)
    with translation.override(language):
        page = render_to_string(
            "errors/front.html",
            {
                "reason": reason,
                "lang": language,
                "limit_mb": settings.SERVE_MAX_BODY_BYTES // (1024 * 1024),
            },
        ).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(page)).encode()),
        (b"cache-control", b"no-store"),
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]
    if status == 503:
        headers.append((b"retry-after", b"60"))
    return Answer(status, headers, parts=[page])


def refusal_language(environ: dict[str, Any]) -> str:
    """?lang= (as the public pages take it), else the browser's."""
    languages = {code for code, _name in settings.LANGUAGES}
    chosen = parse_qs(environ.get("QUERY_STRING", "")).get("lang", [""])[0]
    if chosen in languages:
        return chosen
    request = HttpRequest()
    request.META = {"HTTP_ACCEPT_LANGUAGE": environ.get("HTTP_ACCEPT_LANGUAGE", "")}
    return translation.get_language_from_request(request, check_path=False)
