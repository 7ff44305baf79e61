"""The triggers are checked by what they do, not by their names.

An attacker who can change the schema replaces a trigger with a
look-alike that never fires, disables it, or changes the function it runs;
then they delete the newest entries. Verification compares each trigger's
whole definition (SQLite: its SQL in sqlite_master; PostgreSQL: its
definition, its enabled state and its function's body) with ours."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from safepassage.audit import protection
from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from safepassage.audit.verify import verify
from tests.audit.tamper import TABLE, sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record("cli", "test.entry", number=n) for n in range(1, 7)]


@pytest.fixture
def sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers")


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's triggers")


def _unprotected() -> list[tuple[str, str]]:
    result = verify(full=True, save_checkpoint=False)
    found = [p for p in result.problems if p.kind == "unprotected"]
    assert found, "the changed protection went unnoticed"
    return [(f.kind, f.name) for f in found[0].findings]


def test_the_installed_protection_passes(chain: list[AuditEntry]) -> None:
    assert protection.check(connection) == []
    assert verify(full=True).ok


def test_missing_triggers_are_reported(chain: list[AuditEntry]) -> None:
    protection.remove(connection)
    try:
        assert ("missing", "audit_no_delete") in _unprotected()
    finally:
        protection.install(connection)
    assert verify().ok


def test_the_message_names_the_trigger(chain: list[AuditEntry]) -> None:
    sql(
        "DROP TRIGGER IF EXISTS audit_no_delete"
        + (f" ON {TABLE}" if connection.vendor == "postgresql" else "")
    )
    result = verify(save_checkpoint=False)
    assert result.problem is not None
    assert result.problem.message == (
        "the protection of the audit log was changed: trigger audit_no_delete is missing"
    )


# --- SQLite --------------------------------------------------------------------------


@pytest.mark.usefixtures("sqlite")
def test_a_no_op_trigger_with_the_same_name_is_found_and_deleting_shows(
    chain: list[AuditEntry],
) -> None:
    sql("DROP TRIGGER audit_no_delete")
    sql(f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT 1; END")
    # The look-alike lets the newest entries go...
    sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert AuditEntry.objects.count() == 4
    # ...and verification says so, though the remaining chain is whole.
    assert _unprotected() == [("changed", "audit_no_delete")]


@pytest.mark.usefixtures("sqlite")
def test_a_trigger_that_never_fires_is_found(chain: list[AuditEntry]) -> None:
    sql("DROP TRIGGER audit_no_update")
    sql(
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    assert _unprotected() == [("changed", "audit_no_update")]


@pytest.mark.usefixtures("sqlite")
def test_a_trigger_on_the_wrong_event_is_found(chain: list[AuditEntry]) -> None:
    sql("DROP TRIGGER audit_no_delete")
    sql(
        f"CREATE TRIGGER audit_no_delete BEFORE INSERT ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    assert _unprotected() == [("changed", "audit_no_delete")]


@pytest.mark.usefixtures("sqlite")
def test_an_extra_trigger_that_drops_new_entries_is_found(chain: list[AuditEntry]) -> None:
    sql(f"CREATE TRIGGER keep_quiet BEFORE INSERT ON {TABLE} BEGIN SELECT RAISE(IGNORE); END")
    assert _unprotected() == [("unexpected", "keep_quiet")]


@pytest.mark.usefixtures("sqlite")
def test_checkpoints_are_protected_too(chain: list[AuditEntry]) -> None:
    sql("DROP TRIGGER audit_checkpoint_no_delete")
    assert _unprotected() == [("missing", "audit_checkpoint_no_delete")]


# --- PostgreSQL ----------------------------------------------------------------------


@pytest.mark.usefixtures("postgresql")
def test_a_trigger_replaced_by_a_no_op_is_found_and_deleting_shows(
    chain: list[AuditEntry],
) -> None:
    sql(
        "CREATE FUNCTION let_it_go() RETURNS trigger "
        "AS $$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql"
    )
    sql(f"DROP TRIGGER audit_no_delete ON {TABLE}")
    sql(
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION let_it_go()"
    )
    sql(f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER audit_no_delete")
    sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert AuditEntry.objects.count() == 4
    findings = _unprotected()
    assert ("changed", "audit_no_delete") in findings
    assert ("function", "let_it_go") in findings


@pytest.mark.usefixtures("postgresql")
def test_a_disabled_trigger_is_found(chain: list[AuditEntry]) -> None:
    sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_no_delete")
    sql(f"DELETE FROM {TABLE} WHERE seq = 6")  # noqa: S608
    assert _unprotected() == [("disabled", "audit_no_delete")]


@pytest.mark.usefixtures("postgresql")
def test_a_trigger_only_for_some_sessions_is_found(chain: list[AuditEntry]) -> None:
    # ENABLE (origin) triggers are skipped by sessions in replica mode.
    sql(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_no_update")
    assert _unprotected() == [("disabled", "audit_no_update")]


@pytest.mark.usefixtures("postgresql")
def test_a_replaced_function_body_is_found(chain: list[AuditEntry]) -> None:
    sql(
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql"
    )
    sql(f"DELETE FROM {TABLE} WHERE seq = 6")  # noqa: S608
    assert _unprotected() == [("function", "audit_refuse_change")]


@pytest.mark.usefixtures("postgresql")
def test_a_rule_that_swallows_new_entries_is_found(chain: list[AuditEntry]) -> None:
    sql(f"CREATE RULE keep_quiet AS ON INSERT TO {TABLE} DO INSTEAD NOTHING")
    assert _unprotected() == [("rule", "keep_quiet")]


@pytest.mark.usefixtures("postgresql")
def test_row_security_that_hides_entries_is_found(chain: list[AuditEntry]) -> None:
    sql(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    assert _unprotected() == [("row_security", TABLE)]


def test_installing_again_repairs_a_changed_trigger(chain: list[AuditEntry]) -> None:
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER audit_no_update")
        sql(f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT 1; END")
    else:
        sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_no_update")
    assert protection.check(connection) != []
    protection.install(connection)
    assert protection.check(connection) == []


def test_the_command_installs_the_protection_again_and_records_what_it_found(
    chain: list[AuditEntry],
) -> None:
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER audit_no_delete")
    else:
        sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_no_delete")
    out = io.StringIO()
    call_command("audit", "protect", stdout=out)
    assert "it had been changed" in out.getvalue()
    assert protection.check(connection) == []
    entry = AuditEntry.objects.get(action="audit.protection_installed")
    kind = "missing" if connection.vendor == "sqlite" else "disabled"
    assert entry.details["findings"] == [f"{kind}:audit_no_delete"]
    assert verify(full=True).ok
