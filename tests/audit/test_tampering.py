"""Every kind of tampering with the audit log is detected and named.

Runs on SQLite and on PostgreSQL (make test runs the suite on both)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from safepassage.audit.chain import GENESIS, record, verify
from safepassage.audit.models import AuditEntry
from tests.audit.tamper import TABLE, move, sql, triggers_removed

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record("cli", "test.entry", number=n) for n in range(1, 7)]


def _problem() -> tuple[str, int | None]:
    result = verify()
    assert result.problem is not None, "tampering went unnoticed"
    return result.problem.kind, result.problem.seq


def test_an_intact_chain_verifies(chain: list[AuditEntry]) -> None:
    assert verify().ok


def test_the_database_refuses_updates_and_deletes(chain: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"UPDATE {TABLE} SET action = 'x.y' WHERE seq = 2")  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"DELETE FROM {TABLE} WHERE seq = 2")  # noqa: S608
    assert verify().ok


def test_it_detects_an_altered_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET outcome = 'denied' WHERE seq = 3")  # noqa: S608
    assert _problem() == ("altered", 3)


def test_it_detects_altered_details(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        AuditEntry.objects.filter(seq=4).update(details={"number": 40})
    assert _problem() == ("altered", 4)


def test_it_detects_a_rewritten_chain_without_the_key(chain: list[AuditEntry]) -> None:
    """Recomputing hashes is not enough: they are keyed."""
    with triggers_removed():
        prev = chain[1].entry_hash
        for entry in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):
            forged = hashlib.sha256(f"{prev}{entry.action}".encode()).hexdigest()
            AuditEntry.objects.filter(seq=entry.seq).update(prev_hash=prev, entry_hash=forged)
            prev = forged
    assert _problem() == ("altered", 3)


def test_it_detects_a_removed_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
    kind, seq = _problem()
    assert (kind, seq) == ("removed", 3)
    assert "entry #3 was removed" in verify().problem.message  # type: ignore[union-attr]


def test_it_detects_several_removed_entries(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq IN (2, 3, 4)")  # noqa: S608
    assert _problem() == ("removed", 2)
    assert "entries #2 to #4 were removed" in verify().problem.message  # type: ignore[union-attr]


def test_it_detects_removal_of_the_first_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 1")  # noqa: S608
    assert _problem() == ("removed", 1)


def test_it_detects_removal_and_renumbering(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
        for seq in (4, 5, 6):
            move(seq, seq - 1)
    kind, seq = _problem()
    assert seq == 3
    assert kind in {"removed", "altered"}


def test_it_detects_an_inserted_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        for seq in (6, 5, 4):
            move(seq, seq + 1)
        AuditEntry.objects.create(
            seq=4,
            at=chain[2].at,
            actor="cli",
            action="test.entry",
            target="",
            outcome="ok",
            details={"number": 99},
            prev_hash=chain[2].entry_hash,
            entry_hash=hashlib.sha256(b"forged").hexdigest(),
        )
    assert _problem() == ("inserted", 4)


def test_it_detects_an_entry_appended_without_the_key(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.create(
        seq=7,
        at=chain[-1].at,
        actor="cli",
        action="test.entry",
        target="",
        outcome="ok",
        details={},
        prev_hash=chain[-1].entry_hash,
        entry_hash="0" * 63 + "1",
    )
    assert _problem() == ("altered", 7)


def test_it_detects_reordered_entries(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        move(3, 100)
        move(4, 3)
        move(100, 4)
    assert _problem() == ("reordered", 3)


def test_it_detects_removal_from_the_end_against_an_anchor(chain: list[AuditEntry]) -> None:
    anchor = (6, chain[-1].entry_hash)
    assert verify([anchor]).ok
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    # Without an anchor the shorter chain looks whole...
    assert verify().ok
    # ...with one, the removal shows.
    result = verify([anchor])
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("removed", 5)


def test_an_anchor_that_does_not_match_is_reported(chain: list[AuditEntry]) -> None:
    result = verify([(2, GENESIS)])
    assert result.problem is not None
    assert result.problem.kind == "anchor"


def test_missing_triggers_are_reported(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        result = verify()
        assert result.problem is not None
        assert result.problem.kind == "unprotected"
    assert verify().ok


def test_the_command_exits_non_zero_and_names_the_entry(chain: list[AuditEntry]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("audit log intact: 6 entries")
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET actor = 'user:1' WHERE seq = 5")  # noqa: S608
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", stderr=err)
    assert exit_.value.code == 1
    assert "entry #5 was altered" in err.getvalue()


def test_the_command_checks_anchors(chain: list[AuditEntry]) -> None:
    head = io.StringIO()
    call_command("audit", "head", stdout=head)
    anchor = head.getvalue().strip()
    assert anchor == f"6:{chain[-1].entry_hash}"
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 6")  # noqa: S608
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--anchor", anchor, stderr=io.StringIO())
