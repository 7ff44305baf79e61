"""Database triggers that make the audit tables append-only, and the check
that they are the ones we installed.

The triggers stop the application, a bug or a careless operator from
changing the log or its checkpoints. Someone who can drop triggers can also
change rows, which is why the chain is verified too. Such a person could
also leave the triggers' names in place and change what they do (a trigger
that never fires, a disabled one, a trigger function that lets the change
through, a rule or a row-security policy that hides rows), so ``check``
compares each trigger's whole definition with the one installed here, never
only its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TABLE = "audit_auditentry"
CHECKPOINTS = "audit_checkpoint"
MESSAGE = "the audit log is append-only"
FUNCTION = "audit_refuse_change"
FUNCTION_BODY = f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END;"

# (trigger name, table, event): the same set on both databases, and on
# PostgreSQL TRUNCATE too (SQLite has no TRUNCATE).
_TRIGGERS = [
    ("audit_no_update", TABLE, "UPDATE"),
    ("audit_no_delete", TABLE, "DELETE"),
    ("audit_checkpoint_no_update", CHECKPOINTS, "UPDATE"),
    ("audit_checkpoint_no_delete", CHECKPOINTS, "DELETE"),
]
_PG_TRUNCATE = [
    ("audit_no_truncate", TABLE, "TRUNCATE"),
    ("audit_checkpoint_no_truncate", CHECKPOINTS, "TRUNCATE"),
]


def _sqlite_trigger(name: str, table: str, event: str) -> str:
    # As SQLite keeps it in sqlite_master (it drops IF NOT EXISTS).
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


SQLITE_DEFINITIONS = {name: _sqlite_trigger(name, table, event) for name, table, event in _TRIGGERS}


def _pg_triggers() -> list[tuple[str, str, str]]:
    return _TRIGGERS + _PG_TRUNCATE


def _pg_trigger(name: str, table: str, event: str, schema: str | None) -> str:
    """The trigger as pg_get_triggerdef prints it (with the table's schema)."""
    level = "STATEMENT" if event == "TRUNCATE" else "ROW"
    where = f"{schema}.{table}" if schema else table
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {where} "
        f"FOR EACH {level} EXECUTE FUNCTION {FUNCTION}()"
    )


def _install_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        statements: list[str] = []
        for name, definition in SQLITE_DEFINITIONS.items():
            # Replace whatever has the name: reinstalling repairs a changed trigger.
            statements += [f"DROP TRIGGER IF EXISTS {name}", definition]
        return statements
    if vendor == "postgresql":
        statements = [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
            {FUNCTION_BODY} $$ LANGUAGE plpgsql"""
        ]
        for name, table, event in _pg_triggers():
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                _pg_trigger(name, table, event, None),
                # ALWAYS: the trigger fires even in a session that sets
                # session_replication_role = replica, which skips ordinary ones.
                f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}",
            ]
        return statements
    raise RuntimeError(f"no audit protection for the {vendor} database engine")


def _remove_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_DEFINITIONS]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _ in _pg_triggers()]
    raise RuntimeError(f"no audit protection for the {vendor} database engine")


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _install_statements(connection.vendor):
            cursor.execute(statement)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _remove_statements(connection.vendor):
            cursor.execute(statement)


# --- Checking what is installed ---------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One way the protection differs from what was installed."""

    # missing, changed, disabled, unexpected, function, rule, row_security
    kind: str
    name: str


def _same(a: str | None, b: str) -> bool:
    """Equal but for runs of white space (how SQL text was laid out)."""
    return a is not None and " ".join(a.split()) == " ".join(b.split())


def check(connection: Any) -> list[Finding]:
    """Every difference between the protection in the database and ours;
    an empty list when it is exactly what ``install`` put there."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _check_sqlite(cursor)
        if connection.vendor == "postgresql":
            return _check_postgresql(cursor)
    raise RuntimeError(f"no audit protection for the {connection.vendor} database engine")


def _check_sqlite(cursor: Any) -> list[Finding]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
        [TABLE, CHECKPOINTS],
    )
    found = dict(cursor.fetchall())
    findings = []
    for name, definition in SQLITE_DEFINITIONS.items():
        if name not in found:
            findings.append(Finding("missing", name))
        elif not _same(found[name], definition):
            findings.append(Finding("changed", name))
    # Any other trigger on these tables (one that drops new entries with
    # RAISE(IGNORE), say) is as much a change as a replaced one.
    findings += [
        Finding("unexpected", name) for name in sorted(set(found) - set(SQLITE_DEFINITIONS))
    ]
    return findings


_PG_TRIGGERS_SQL = """
    SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, n.nspname,
           p.proname, p.prosrc, l.lanname, p.prorettype = 'trigger'::regtype,
           p.proconfig IS NULL AND NOT p.prosecdef
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_proc p ON p.oid = t.tgfoid
    JOIN pg_language l ON l.oid = p.prolang
    WHERE t.tgrelid IN (%s::regclass, %s::regclass) AND NOT t.tgisinternal
"""


def _check_postgresql(cursor: Any) -> list[Finding]:
    cursor.execute(_PG_TRIGGERS_SQL, [TABLE, CHECKPOINTS])
    found = {row[0]: row[1:] for row in cursor.fetchall()}
    expected = {name: (table, event) for name, table, event in _pg_triggers()}
    findings = []
    functions_changed: set[str] = set()
    for name, (table, event) in expected.items():
        if name not in found:
            findings.append(Finding("missing", name))
            continue
        definition, enabled, schema, proname, body, language, returns_trigger, plain = found[name]
        if not _same(definition, _pg_trigger(name, table, event, schema)):
            findings.append(Finding("changed", name))
        if enabled != "A":
            # D: disabled; O and R: skipped by some sessions.
            findings.append(Finding("disabled", name))
        if not (_same(body, FUNCTION_BODY) and language == "plpgsql" and returns_trigger and plain):
            functions_changed.add(proname)
    findings += [Finding("function", name) for name in sorted(functions_changed)]
    findings += [Finding("unexpected", name) for name in sorted(set(found) - set(expected))]
    # A rule can turn an INSERT or DELETE into something else; row security
    # can hide the newest entries from the reader that verifies.
    cursor.execute(
        "SELECT rulename FROM pg_rewrite WHERE ev_class IN (%s::regclass, %s::regclass)",
        [TABLE, CHECKPOINTS],
    )
    findings += [Finding("rule", name) for (name,) in cursor.fetchall()]
    cursor.execute(
        "SELECT relname FROM pg_class WHERE oid IN (%s::regclass, %s::regclass) "
        "AND (relrowsecurity OR relforcerowsecurity)",
        [TABLE, CHECKPOINTS],
    )
    findings += [Finding("row_security", name) for (name,) in cursor.fetchall()]
    return findings


_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def safe_name(name: str) -> str:
    """A trigger or rule name as found in the database, fit for a message
    (whoever made it chose it)."""
    return name if _NAME.match(name) else "?"
