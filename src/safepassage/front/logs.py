"""No client address in any log line.

The front never hands a client's address to the application, and neither
the front nor uvicorn logs one at the levels we run. This filter is the
second line: it replaces anything shaped like an IP address in a record's
message and arguments, wherever it came from (gunicorn, uvicorn, Django).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

# Dotted quads, and IPv6 literals: ``::`` forms, or five or more groups
# (a clock time has two colons at most).
ADDRESS = re.compile(
    r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
    r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?![\w:])"
)
REPLACEMENT = "[address]"


def scrub(text: str) -> str:
    return ADDRESS.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    found = match.group(0)
    if ":" in found and "::" not in found and found.count(":") < 4:
        return found  # a time of day, or a port after a name
    return REPLACEMENT


class NoAddresses(logging.Filter):
    """Rewrites the record so that no address survives formatting."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class ServerLogger(GunicornLogger):
    """gunicorn's logger, each of whose handlers filters addresses out
    (uvicorn's loggers share these handlers in the workers)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, NoAddresses) for f in handler.filters):
                    handler.addFilter(NoAddresses())
