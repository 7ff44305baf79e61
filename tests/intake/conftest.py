from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.intake import live

# The real server's settings in these tests: a proof of work cheap enough to
# solve in a test, small caps so a flood is a few dozen requests, small files.
LIVE_SETTINGS = {
    "INTAKE_PROOF_BITS": "8",
    "INTAKE_MAX_PER_MINUTE": "6",
    "INTAKE_FLOOD_PER_MINUTE": "2",
    "INTAKE_RECEIPT_TRIES_PER_MINUTE": "3",
    "UPLOAD_MAX_MB": "1",
    "UPLOAD_MAX_TOTAL_MB": "2",
}


@pytest.fixture(scope="session")
def live_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        database = live.database_url()
    with live.serving(database, **LIVE_SETTINGS) as url:
        yield url
