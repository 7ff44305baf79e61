"""Debian's Chromium, driven by Playwright, against the real server:
`safepassage serve` started on a free loopback port and pointed at the
test database (tests/serving.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from tests.hashers import SERVER_READABLE
from tests.serving import served_database_url, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's synchronous API runs an event loop in this thread; the test's
# own database calls are still synchronous, which Django must be told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def server_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        database_url = served_database_url()
    # The request form's proof of work on, and a flood from the second
    # request of a minute, so the browser tests exercise both.
    with serving(
        database_url,
        {"SAFEPASSAGE_INTAKE_PROOF_BITS": "8", "SAFEPASSAGE_INTAKE_FLOOD_PER_MINUTE": "1"},
    ) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run scripts/system-deps.sh (make test does).")
    # Django keeps one connection per context, and Playwright's event loop
    # starts a new context: close connections on both sides of it, or the
    # test database cannot be dropped at the end.
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture(autouse=True)
def _committed_database(transactional_audit: None) -> None:
    """The server is another process: it sees only committed data."""


@pytest.fixture
def page(browser: Any, transactional_audit: None, server_url: str, settings: Any) -> Iterator[Any]:
    # The server hashes with Argon2id only, so passwords set here must too.
    settings.PASSWORD_HASHERS = SERVER_READABLE
    context = browser.new_context(base_url=server_url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
