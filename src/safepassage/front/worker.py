"""The gunicorn worker of `safepassage serve`: uvicorn's event loop, with
the front's protocol and limits from the settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from uvicorn_worker import UvicornWorker

from safepassage.front.protocol import DeadlineProtocol

# Seconds a replaced worker (after HUP, as when the vault is sealed) lets
# requests in progress finish before it cancels them and exits.
GRACEFUL_SECONDS = 5


def protocol_class() -> type[DeadlineProtocol]:
    """DeadlineProtocol with the configured limits."""
    return type(
        "ConfiguredDeadlineProtocol",
        (DeadlineProtocol,),
        {
            "header_timeout": float(settings.SERVE_HEADER_TIMEOUT),
            "write_timeout": float(settings.SERVE_BODY_TIMEOUT),
            "connection_limit": settings.SERVE_CONNECTIONS,
        },
    )


class FrontWorker(UvicornWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Read by UvicornWorker.__init__ when it builds uvicorn's Config.
        self.CONFIG_KWARGS = {
            "http": protocol_class(),
            "loop": "asyncio",
            "ws": "none",
            "lifespan": "off",
            # No access log, no client address from forwarded headers (the
            # front decides what to trust), no "server: uvicorn".
            "access_log": False,
            "proxy_headers": False,
            "server_header": False,
            # Past this many connections or requests in progress, 503.
            "limit_concurrency": settings.SERVE_CONNECTIONS,
            "timeout_keep_alive": 5,
            "timeout_graceful_shutdown": GRACEFUL_SECONDS,
        }
        super().__init__(*args, **kwargs)
