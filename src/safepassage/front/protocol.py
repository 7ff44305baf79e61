"""Deadlines on the connection, where uvicorn has none.

uvicorn bounds the idle time between requests, but its keep-alive timer
restarts with every byte received, so a client that sends its headers one
byte a second holds a connection forever (the "slowloris" attack); nor does
it bound the size of headers with the httptools parser. This protocol adds:

- a deadline for each request's line and headers, from the moment the
  connection opens (or the last response ends) to the end of the headers:
  past it the client gets 408 and the connection closes;
- a limit on the size of the request line and headers (400 past it);
- a deadline for a client that stops reading a response: if nothing it
  was sent drains for that long, the connection is dropped;
- a hard limit on open connections per worker: past it a new connection
  is closed at once, before it holds anything.

The body's deadline and size are the application's side (front.app),
which reads each body whole before the application sees it.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 0\r\n"
    b"connection: close\r\n\r\n"
)


class HeadTooLarge(Exception):
    """The request line and headers are over the limit (uvicorn answers 400)."""


class DeadlineProtocol(HttpToolsProtocol):
    # Set by the worker from the settings (see FrontWorker.protocol_class).
    header_timeout: ClassVar[float] = 20.0
    write_timeout: ClassVar[float] = 20.0
    head_limit: ClassVar[int] = 64 * 1024
    connection_limit: ClassVar[int] = 500

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0

    # The connection ------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.connection_limit:
            transport.abort()
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_write_timer()
        super().connection_lost(exc)

    # The request's line and headers ---------------------------------------

    def _await_head(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        self.transport.write(TIMED_OUT)
        self.transport.close()

    def on_message_begin(self) -> None:
        self._head_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_head(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.head_limit:
            # Raised inside the parser's callback: uvicorn answers 400 and
            # closes the connection.
            raise HeadTooLarge()

    def on_headers_complete(self) -> None:
        self._stop_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        waiting = bool(self.pipeline)  # a next request whose headers are in
        super().on_response_complete()
        if not waiting and not self.transport.is_closing():
            self._await_head()

    def _unsupported_upgrade_warning(self) -> None:
        """An Upgrade header (h2c, websocket) is ignored and the request
        served as HTTP/1.1; uvicorn would log advice to install a websocket
        library for each one."""

    # A client that does not read ---------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.write_timeout, self._not_reading)

    def resume_writing(self) -> None:
        self._stop_write_timer()
        super().resume_writing()

    def _stop_write_timer(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _not_reading(self) -> None:
        self._write_timer = None
        # abort, not close: close would wait for the client to take what
        # is buffered, which it does not.
        self.transport.abort()
