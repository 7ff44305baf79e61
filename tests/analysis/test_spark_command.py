"""`safepassage analysis link --backend spark`: the same run, on Spark.

With real commits (no test transaction), as at a terminal: the run's
heartbeat writes from its own thread while Spark works."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from safepassage.accounts.models import User
from safepassage.analysis.models import LinkageRun
from safepassage.audit.models import AuditEntry
from safepassage.jobs.models import JobStatus
from tests.analysis.conftest import store_lists
from tests.base import PASSWORD

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings(
        # PySpark checks the pandas version on start and warns about pandas 3,
        # which our linkage does not hand to Spark.
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]


def test_a_run_on_spark_from_the_terminal(
    transactional_audit: None, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = store_lists(people=60, lists=3, seed=4)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = io.StringIO()
    names = ",".join(item.name for item in few.lists)
    call_command(
        "analysis", "link", "--lists", names, "--as", "analyst", "--backend", "spark", stdout=out
    )
    run = LinkageRun.objects.get()
    assert run.status == JobStatus.DONE
    assert f"Run {run.pk}: {len(few.truth)} records from 3 lists" in out.getvalue()
    assert run.people is not None
    assert 0 < run.people <= len(few.truth)
    started = AuditEntry.objects.get(action="analysis.linkage_started")
    assert started.details["backend"] == "spark"
