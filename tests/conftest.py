from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import AppConfig
from django.db import connection
from django.db.models.signals import post_migrate
from django.utils import translation
from hypothesis import settings

from safepassage.accounts.models import Team
from safepassage.accounts.roles import Role
from safepassage.audit import protection
from safepassage.documentation import vocabularies
from safepassage.intake import regions
from safepassage.intake.models import Region
from tests.base import Organisation, Vault, hold_ceremony, make_user

# Property tests check what holds, not how fast: a machine under load must
# not fail them on Hypothesis's default deadline of 200 ms an example.
settings.register_profile("safepassage", deadline=None)
settings.load_profile("safepassage")


# The fixtures through which a test reaches the database.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that use a database run: the others
    (estimators, transliteration, settings, the vault's primitives) do not
    depend on the database and ran in the SQLite pass."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    kept = [item for item in items if uses_database(item)]
    left_out = [item for item in items if not uses_database(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A background job a test started (jobs.runner, a thread named
    "job-…") is waited for as the test ends, before its database is
    emptied, so that it never writes into another test's database or
    frees objects under it."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("job-") and thread is not threading.current_thread():
            thread.join(timeout=60)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English, whatever language an earlier test used."""
    with translation.override("en"):
        yield


@pytest.fixture
def org(db: None) -> Organisation:
    team = Team.objects.create(name="Evacuation")
    other_team = Team.objects.create(name="Documentation")
    return Organisation(
        team=team,
        other_team=other_team,
        coordinator=make_user("coord", Role.COORDINATOR, teams=(team,)),
        caseworker=make_user("case", Role.CASEWORKER, teams=(team,)),
        outsider=make_user("outsider", Role.CASEWORKER, teams=(other_team,)),
        admin=make_user("admin", Role.ADMINISTRATOR),
        auditor=make_user("auditor", Role.AUDITOR),
    )


@pytest.fixture
def _audit_triggers_back(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Set up before the database fixture, so torn down after its flush."""
    yield
    with django_db_blocker.unblock():
        protection.install(connection)


@pytest.fixture
def transactional_audit(_audit_triggers_back: None, transactional_db: None) -> Iterator[None]:
    """A database with real commits (for tests with threads or processes).
    Emptying it afterwards needs the append-only triggers lifted for a moment."""
    yield
    protection.remove(connection)


@pytest.fixture
def vault(org: Organisation) -> Vault:
    return hold_ceremony(org)


def _regions_back(sender: AppConfig, **kwargs: Any) -> None:
    """Tests with real commits empty every table afterwards (a flush, which
    post_migrate follows): put back the regions a fresh install has, as
    Django puts back its content types."""
    if sender.label == "intake":
        regions.seed(Region)


post_migrate.connect(_regions_back, dispatch_uid="tests.regions_back")


def _vocabularies_back(sender: AppConfig, **kwargs: Any) -> None:
    """The same for the vocabularies a fresh install ships (documentation)."""
    if sender.label == "documentation":
        vocabularies.load_shipped(
            sender.get_model("Vocabulary"),
            sender.get_model("VocabularyVersion"),
            sender.get_model("Term"),
            vocabularies.shipped(1),
        )


post_migrate.connect(_vocabularies_back, dispatch_uid="tests.vocabularies_back")
