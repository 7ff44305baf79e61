from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from safepassage.accounts.models import Team
from safepassage.accounts.roles import Role
from safepassage.audit import protection
from tests.base import Organisation, Vault, hold_ceremony, make_user


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
