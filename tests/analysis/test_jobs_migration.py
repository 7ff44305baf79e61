"""Runs and estimates stored before background work had its own app: the
migration moves each one's job history (status, attempts, who started it,
how it ended) to a row of the jobs app with the same id, keeps their own
fields and sealed results where they were, and their pages read as before.
Back again, the history returns to their tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.jobs.models import Job, JobStatus
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, make_user, sign_in

BEFORE = [("analysis", "0004_sealed_list_names")]
# The pages are read with today's models, so "after" is the latest
# migration of the app (0005 moves the history; those after it add tables
# and columns the pages read).
AFTER = [("analysis", "0006_documentation_counts")]


@pytest.fixture
def before_jobs(transactional_audit: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_runs_and_estimates_keep_their_job_history(
    before_jobs: MigrationExecutor, org: Organisation, vault: Vault
) -> None:
    analyst = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    apps = before_jobs.loader.project_state(BEFORE).apps
    old_run = apps.get_model("analysis", "LinkageRun")
    old_estimate = apps.get_model("analysis", "Estimate")
    now = timezone.now()
    run = old_run(
        status="done",
        progress=100,
        attempt=2,
        started=now - timedelta(minutes=5),
        heartbeat=now - timedelta(minutes=1),
        finished=now - timedelta(minutes=1),
        started_by_id=analyst.pk,
        records=3,
        people=2,
    )
    run.result = {"ids": ["a", "b", "c"], "lists": ["A", "B", "B"], "pairs": [], "strata": {}}
    run.save()
    cancelled = old_estimate.objects.create(
        run=run,
        method="latent",
        status="cancelled",
        progress=41,
        stage="sampling",
        attempt=1,
        cancel_requested=True,
        started=now,
        finished=now,
    )
    failed = old_estimate.objects.create(
        run=run, method="loglinear", status="failed", error="Unestimable", attempt=1
    )

    MigrationExecutor(connection).migrate(AFTER)
    # The models below are today's: later migrations add to these tables.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    jobs = {job.pk: job for job in Job.objects.all()}
    assert set(jobs) == {run.pk, cancelled.pk, failed.pk}
    assert jobs[run.pk].kind == "analysis.linkage"
    assert {jobs[cancelled.pk].kind, jobs[failed.pk].kind} == {"analysis.estimate"}
    moved = LinkageRun.objects.get(pk=run.pk)
    assert (moved.status, moved.progress, moved.attempt) == (JobStatus.DONE, 100, 2)
    assert (moved.started_by, moved.records, moved.people) == (analyst, 3, 2)
    assert moved.created == run.created
    assert moved.finished == run.finished
    with using_keyring(vault.keyring):
        assert moved.result["lists"] == ["A", "B", "B"]  # still bound to its row
    stopped = Estimate.objects.get(pk=cancelled.pk)
    assert (stopped.status, stopped.stage, stopped.cancel_requested) == (
        JobStatus.CANCELLED,
        "sampling",
        True,
    )
    assert stopped.run == moved
    assert Estimate.objects.get(pk=failed.pk).error == "Unestimable"

    # The pages read with every later migration applied, as they are served.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    client = Client()
    sign_in(client, analyst)
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "Done" in page
    assert reverse("analysis:estimate", args=[cancelled.pk]) in page
    page = client.get(reverse("analysis:estimate", args=[cancelled.pk])).content.decode()
    assert "Cancelled" in page
    assert reverse("analysis:estimate_restart", args=[cancelled.pk]) in page
    page = client.get(reverse("analysis:estimate", args=[failed.pk])).content.decode()
    assert "These data give no estimate" in page

    # Back again: the history returns to the runs' and estimates' tables.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    back = old.get_model("analysis", "Estimate").objects.get(pk=cancelled.pk)
    assert (back.status, back.progress, back.cancel_requested) == ("cancelled", 41, True)
    assert old.get_model("analysis", "LinkageRun").objects.get(pk=run.pk).attempt == 2
    assert not Job.objects.exists()
