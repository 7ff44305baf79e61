"""Lists imported before names were sealed: the migration seals each name
to documentation (no keys needed), indexes it, and keeps two names that
differ only in case apart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safepassage.analysis.importing import list_named
from safepassage.analysis.models import VictimList
from safepassage.vault.keyring import using_keyring
from tests.base import Vault

BEFORE = [("analysis", "0003_job_cancel_and_restart")]
# The lists are read with today's model, so "after" is the latest migration
# of the app (0004 seals the names; those after it add columns it reads).
AFTER = [("analysis", "0006_documentation_counts")]


@pytest.fixture
def before_sealing(transactional_audit: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_list_names_are_sealed(before_sealing: MigrationExecutor, vault: Vault) -> None:
    old = before_sealing.loader.project_state(BEFORE).apps.get_model("analysis", "VictimList")
    old.objects.create(name="Testimonies of Kheda Umarova", mapping={"name": "ФИО"})
    old.objects.create(name="PRESS", mapping={})
    old.objects.create(name="press", mapping={})
    MigrationExecutor(connection).migrate(AFTER)
    # The model below is today's: later migrations add to this table.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = list(VictimList.objects.values_list("name", flat=True))
    assert len(stored) == 3
    assert all(b"Kheda" not in bytes(value) and b"PRESS" not in bytes(value) for value in stored)
    # Read through the current models, with every later migration applied.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    found = list_named("testimonies of kheda umarova")
    assert found is not None
    assert found.mapping == {"name": "ФИО"}
    with using_keyring(vault.keyring):
        names = sorted(item.name for item in VictimList.objects.all())
    assert names == ["PRESS", "Testimonies of Kheda Umarova", "press (2)"]
