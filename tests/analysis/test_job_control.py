"""Long runs say how long they have left, stop cleanly when cancelled
(keeping nothing), and start again with the same inputs in one click; each
of these is audited and reserved to analysts holding the keys. These tests
commit for real, so the job's thread sees the data."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis.estimates import start_estimate
from safepassage.analysis.estimating import Plan, estimate
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.runs import decisions_for, start_run
from safepassage.audit.models import AuditEntry
from safepassage.jobs import runner
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import remaining, status_of, time_left
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists, store_lists
from tests.base import Vault, make_user, sign_in


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _analyst(vault: Vault, name: str = "analyst") -> User:
    user = make_user(name, Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", user.pk, by="cli")
    return user


def _thread(job: Any) -> threading.Thread:
    return next(t for t in threading.enumerate() if t.name == f"job-{job.pk}")


def _done_run(vault: Vault, stored: StoredLists) -> LinkageRun:
    return start_run(vault.keyring, stored.lists, by="cli", background=False)


def test_it_cancels_a_running_estimate_at_its_next_step(
    transactional_audit: None, vault: Vault
) -> None:
    analyst = _analyst(vault)
    run = _done_run(vault, store_lists(people=120, lists=3, seed=5))
    sampling = threading.Event()

    def echo(stage: str, fraction: float) -> None:
        if stage == "sampling":
            sampling.set()

    # The latent-class sampler, long enough to be cancelled in the middle.
    plan = Plan(method="latent", burn_in=10_000_000, samples=1000, thinning=10, seed=3)
    entry = start_estimate(vault.keyring, run, plan, by=analyst, echo=echo)
    assert sampling.wait(timeout=120), "the sampler reports its progress"
    client = _client(analyst)
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    assert reverse("analysis:estimate_cancel", args=[entry.pk]) in page
    response = client.post(reverse("analysis:estimate_cancel", args=[entry.pk]), follow=True)
    assert "The estimate stops at its next step" in response.content.decode()
    _thread(entry).join(timeout=60)
    stopped = Estimate.objects.get(pk=entry.pk)
    assert stopped.status == JobStatus.CANCELLED
    assert stopped.result_sealed is None  # nothing half-saved
    assert status_of(stopped) == JobStatus.CANCELLED
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    assert "Cancelled" in page
    assert reverse("analysis:estimate_restart", args=[entry.pk]) in page
    assert 'http-equiv="refresh"' not in page
    cancelled = AuditEntry.objects.get(action="analysis.estimate_cancelled")
    assert cancelled.actor == f"user:{analyst.pk}"


def test_a_cancel_that_comes_after_the_work_stores_nothing(
    transactional_audit: None, vault: Vault
) -> None:
    stored = store_lists(people=60, lists=3, seed=4)
    reached, proceed = threading.Event(), threading.Event()

    def echo(stage: str, fraction: float) -> None:
        if stage == "storing":  # the results are ready to be stored
            reached.set()
            proceed.wait(timeout=30)

    run = start_run(vault.keyring, stored.lists, by="cli", echo=echo)
    assert reached.wait(timeout=120)
    assert runner.request_cancel(LinkageRun.objects.get(pk=run.pk))
    proceed.set()
    _thread(run).join(timeout=30)
    stopped = LinkageRun.objects.get(pk=run.pk)
    assert stopped.status == JobStatus.CANCELLED
    assert stopped.people == 0
    assert stopped.result_sealed is None


def test_a_stopped_job_restarts_with_the_same_inputs(
    transactional_audit: None, vault: Vault
) -> None:
    analyst = _analyst(vault)
    stored = store_lists(people=120, lists=3, seed=5)
    run = _done_run(vault, stored)
    plan = Plan(method="latent", burn_in=200, samples=120, thinning=3, seed=9, linkage_draws=2)
    entry = start_estimate(vault.keyring, run, plan, by=analyst, background=False)
    # As if the vault had been sealed while it ran: stopped, results gone.
    Estimate.objects.filter(pk=entry.pk).update(status=JobStatus.INTERRUPTED)
    client = _client(analyst)
    response = client.post(reverse("analysis:estimate_restart", args=[entry.pk]), follow=True)
    assert "The estimate started again with the same settings." in response.content.decode()
    _thread(entry).join(timeout=120)
    again = Estimate.objects.get(pk=entry.pk)
    assert again.status == JobStatus.DONE
    assert again.attempt == 2
    with using_keyring(vault.keyring):
        result = again.result
        pairs = LinkageRun.objects.get(pk=run.pk).result
    # The same method, sampler length and seed: the same figures.
    expected = estimate(
        pairs,
        decisions_for(stored.lists),
        Plan(
            method="latent",
            burn_in=200,
            samples=120,
            thinning=3,
            seed=9,
            linkage_draws=2,
            threshold=run.threshold,
        ),
    )
    assert result["total"] == expected.total
    assert result["combined"] == list(expected.combined or ())
    restarted = AuditEntry.objects.get(action="analysis.estimate_restarted")
    assert restarted.details["attempt"] == 2
    # A job that is done does not start again.
    response = client.post(reverse("analysis:estimate_restart", args=[entry.pk]), follow=True)
    assert "only an interrupted, cancelled or failed estimate starts again" in (
        response.content.decode()
    )


def test_a_run_restarts_in_one_click(transactional_audit: None, vault: Vault) -> None:
    analyst = _analyst(vault)
    stored = store_lists(people=80, lists=3, seed=6)
    run = LinkageRun.objects.create(
        status=JobStatus.CANCELLED, threshold=0.6, reference_year=2016, started_by=analyst
    )
    run.lists.set(stored.lists)
    client = _client(analyst)
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "Cancelled" in page
    client.post(reverse("analysis:run_restart", args=[run.pk]))
    _thread(run).join(timeout=180)
    again = LinkageRun.objects.get(pk=run.pk)
    assert again.status == JobStatus.DONE, again.error
    assert (again.threshold, again.reference_year, again.attempt) == (0.6, 2016, 1)
    assert again.records == len(stored.truth)
    assert AuditEntry.objects.filter(action="analysis.linkage_restarted").count() == 1


@pytest.mark.django_db
def test_only_analysts_with_the_keys_cancel_or_restart(
    vault: Vault, documenter: User, lists: StoredLists
) -> None:
    run = LinkageRun.objects.create(
        status=JobStatus.RUNNING, heartbeat=timezone.now(), started=timezone.now()
    )
    client = _client(documenter)  # reviews pairs, does not run linkage
    assert client.post(reverse("analysis:run_cancel", args=[run.pk])).status_code == 404
    assert client.post(reverse("analysis:run_restart", args=[run.pk])).status_code == 404
    keyless = make_user("keyless", Role.ANALYST)
    assert _client(keyless).post(reverse("analysis:run_cancel", args=[run.pk])).status_code == 404
    assert LinkageRun.objects.get(pk=run.pk).cancel_requested is False
    page = _client(documenter).get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert reverse("analysis:run_cancel", args=[run.pk]) not in page


@pytest.mark.django_db
def test_a_running_job_says_how_long_it_has_left(vault: Vault) -> None:
    analyst = _analyst(vault)
    now = timezone.now()
    run = LinkageRun.objects.create(
        status=JobStatus.RUNNING,
        progress=40,
        stage="clustering",
        started=now - timedelta(minutes=2),
        heartbeat=now,
    )
    client = _client(analyst)
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
        assert "running for 2 minutes" in page
        assert "about 3 minutes left" in page  # 2 minutes for 40%: 3 for the other 60%
        assert reverse("analysis:run_cancel", args=[run.pk]) in page
        client.cookies["django_language"] = "ru"
        page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
        assert "идёт 2 минуты" in page
        assert "осталось около 3 минут" in page
        client.cookies["django_language"] = "fr"
        page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
        assert "environ 3 minutes restantes" in page
    # Too early to tell: it says so rather than guess.
    LinkageRun.objects.filter(pk=run.pk).update(progress=1)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "working out how long this will take" in page


def test_time_left_in_words() -> None:
    assert remaining(timedelta(seconds=3), 0.5) is None  # too soon
    assert remaining(timedelta(minutes=10), 0.01) is None  # too little done
    assert remaining(timedelta(minutes=10), 0.5) == timedelta(minutes=10)
    assert time_left(timedelta(seconds=40)) == "less than a minute left"
    assert time_left(timedelta(minutes=1)) == "about 1 minute left"
    assert time_left(timedelta(hours=3)) == "about 3 hours left"
    with translation.override("ru"):
        assert time_left(timedelta(minutes=1)) == "осталось около 1 минуты"
        assert time_left(timedelta(minutes=5)) == "осталось около 5 минут"
        assert time_left(timedelta(minutes=22)) == "осталось около 22 минут"


@pytest.mark.django_db
def test_progress_counts_the_work_so_the_time_left_is_honest(
    vault: Vault, lists: StoredLists
) -> None:
    run = _done_run(vault, lists)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
    seen: list[tuple[str, float]] = []
    plan = Plan(method="latent", burn_in=100, samples=60, thinning=2, linkage_draws=12)
    estimate(result, {}, plan, lambda stage, done: seen.append((stage, done)))
    fractions = [done for _stage, done in seen]
    assert fractions == sorted(fractions)
    # One fit of the sampler, then twelve more for the drawn clusterings and
    # four at other thresholds: the first fit is a small share of the work,
    # not a tenth, and the drawn clusterings are most of it, not the
    # last half.
    after_first = next(done for stage, done in seen if stage == "drawing clusterings")
    assert after_first < 0.1
    before_thresholds = next(done for stage, done in seen if stage == "thresholds")
    assert before_thresholds > 0.7
