"""Retention in the real server: `safepassage serve` applies the rules by
itself, once a day, in one of its workers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.jobs.models import Job, JobStatus
from tests.base import Organisation, Vault
from tests.cases.retention_helpers import declined_case
from tests.cases.safehouse_helpers import days
from tests.serving import served_database_url, serving

# Real commits: the server is another process.
pytestmark = pytest.mark.usefixtures("transactional_audit")


def test_the_real_server_applies_the_rules_by_itself_once(
    org: Organisation, vault: Vault, tmp_path: Path
) -> None:
    case = declined_case(org, declined_ago=200)
    settings = {"SAFEPASSAGE_RETENTION_IN_SERVE": "true"}
    with serving(served_database_url(), settings, workers=2, data_dir=tmp_path) as server:
        deadline = time.monotonic() + 60
        while not Job.objects.filter(kind="cases.retention", status=JobStatus.DONE).exists():
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.2)
    case.refresh_from_db()
    assert case.identity_purged_on == days(0)
    # Two workers looked; one claimed the day's run.
    assert Job.objects.filter(kind="cases.retention").count() == 1
    run = AuditEntry.objects.get(action="retention.run")
    assert (run.actor, run.outcome, run.details["cases"]) == ("system", "ok", 1)
