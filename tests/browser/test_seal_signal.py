"""The running server seals the vault on a signal, and keeps serving."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.vault.models import VaultState
from safepassage.vault.seal import SEAL_SIGNAL
from tests.base import make_user, sign_in

pytestmark = pytest.mark.usefixtures("transactional_audit")


def test_a_signal_to_the_server_seals_the_vault(server_url: str) -> None:
    from safepassage.accounts.roles import Role

    sign_in(Client(), make_user("amina", Role.CASEWORKER))
    assert Session.objects.count() == 1
    pid = int((settings.DATA_DIR / "serve.pid").read_text())
    os.kill(pid, SEAL_SIGNAL)
    deadline = time.monotonic() + 15
    while Session.objects.exists() or VaultState.get().sealed_at is None:
        assert time.monotonic() < deadline, "the server did not seal the vault"
        time.sleep(0.1)
    entry = AuditEntry.objects.get(action="vault.sealed")
    assert entry.actor == "system"
    assert entry.details == {"reason": "signal", "sessions": 1}
    # Fresh workers keep serving. (A request that reaches a worker as it is
    # replaced, just after the seal, may be closed unanswered: try again.)
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(server_url + "/healthz", timeout=10) as response:  # noqa: S310
                assert response.status == 200
                return
        except (ConnectionError, urllib.error.URLError):
            assert time.monotonic() < deadline, "no fresh worker answered after the seal"
            time.sleep(0.2)
