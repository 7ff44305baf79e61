"""Every kind of tampering with the audit log is detected, and the report
names the right entry and the right kind.

Runs on SQLite and on PostgreSQL (make test runs the suite on both)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from safepassage.audit.chain import GENESIS, record
from safepassage.audit.models import AuditEntry
from safepassage.audit.verify import verify
from tests.audit.tamper import TABLE, forge, move, shift, sql, triggers_removed

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record("cli", "test.entry", number=n) for n in range(1, 7)]


@pytest.fixture
def long_chain() -> list[AuditEntry]:
    return [record("cli", "test.entry", number=n) for n in range(1, 13)]


def _found() -> tuple[str, int | None, dict[str, object], str]:
    """What a full check reports first: kind, entry, facts and message."""
    result = verify(full=True, save_checkpoint=False)
    assert result.problem is not None, "tampering went unnoticed"
    problem = result.problem
    return problem.kind, problem.seq, dict(problem.facts), problem.message


def _problem() -> tuple[str, int | None]:
    kind, seq, _facts, _message = _found()
    return kind, seq


def test_an_intact_chain_verifies(chain: list[AuditEntry]) -> None:
    assert verify(full=True).ok
    assert verify().ok


def test_the_database_refuses_updates_and_deletes(chain: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"UPDATE {TABLE} SET action = 'x.y' WHERE seq = 2")  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"DELETE FROM {TABLE} WHERE seq = 2")  # noqa: S608
    assert verify().ok


# --- Altered content ----------------------------------------------------------------


def test_it_detects_an_altered_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET outcome = 'denied' WHERE seq = 3")  # noqa: S608
    kind, seq, _facts, message = _found()
    assert (kind, seq) == ("altered", 3)
    assert message == "entry #3 was altered: its content no longer matches its hash"


def test_it_detects_altered_details(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        AuditEntry.objects.filter(seq=4).update(details={"number": 40})
    assert _problem() == ("altered", 4)


def test_an_altered_last_entry_is_altered_not_appended(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET actor = 'user:1' WHERE seq = 6")  # noqa: S608
    assert _problem() == ("altered", 6)


def test_an_altered_link_is_named_on_its_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE seq = 4", ["f" * 64])  # noqa: S608
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


def test_a_changed_seal_alone_is_found(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET seal = %s WHERE seq = 2", ["0" * 64])  # noqa: S608
    assert _problem() == ("altered", 2)


# --- Removed entries ------------------------------------------------------------------


def test_it_detects_a_removed_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
    kind, seq, _facts, message = _found()
    assert (kind, seq) == ("removed", 3)
    assert message == "entry #3 was removed"


def test_it_detects_several_removed_entries(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq IN (2, 3, 4)")  # noqa: S608
    kind, seq, facts, message = _found()
    assert (kind, seq, facts["last"]) == ("removed", 2, 4)
    assert message == "entries #2 to #4 were removed"


def test_it_detects_removal_of_the_first_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 1")  # noqa: S608
    assert _problem() == ("removed", 1)


def test_it_detects_removal_and_renumbering(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
        shift(4, 6, -1)
    kind, seq, facts, message = _found()
    assert (kind, seq, facts.get("renumbered")) == ("removed", 3, 1)
    assert message == ("entry #3 was removed, and the entries after it renumbered to close the gap")


def test_it_detects_several_removed_and_renumbered(long_chain: list[AuditEntry]) -> None:
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq IN (4, 5, 6)")  # noqa: S608
        shift(7, 12, -3)
    kind, seq, facts, _message = _found()
    assert (kind, seq, facts["last"], facts["renumbered"]) == ("removed", 4, 6, 1)


# --- Entries safepassage never wrote ----------------------------------------------------


def test_it_detects_an_inserted_entry(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        shift(4, 6, +1)
        forge(4, chain[2].entry_hash)
    kind, seq, _facts, message = _found()
    assert (kind, seq) == ("inserted", 4)
    assert message.startswith("entry #4 was inserted: safepassage did not write it")


def test_an_inserted_entry_with_a_bad_link_is_still_inserted(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        shift(4, 6, +1)
        forge(4, "e" * 64)
    assert _problem() == ("inserted", 4)


def test_it_detects_an_entry_appended_without_the_key(chain: list[AuditEntry]) -> None:
    # No trigger stands in the way of an INSERT: that is what appending is.
    forge(7, chain[-1].entry_hash, entry_hash="0" * 63 + "1")
    kind, seq, _facts, message = _found()
    assert (kind, seq) == ("appended", 7)
    assert "added at the end by someone without the audit key" in message


def test_an_appended_copy_of_a_genuine_entry_is_appended(chain: list[AuditEntry]) -> None:
    """A real entry's hash and seal, copied to the end, do not pass for genuine."""
    source = chain[2]
    forge(7, chain[-1].entry_hash, entry_hash=source.entry_hash[::-1], seal=source.seal)
    assert _problem() == ("appended", 7)


# --- Moved entries ----------------------------------------------------------------------


def test_it_detects_reordered_entries(chain: list[AuditEntry]) -> None:
    with triggers_removed():
        move(3, 100)
        move(4, 3)
        move(100, 4)
    kind, seq, facts, message = _found()
    assert (kind, seq, facts["to"]) == ("reordered", 3, 4)
    assert message == "entry #3 was moved: it is now at position #4"


def test_an_entry_moved_to_the_end_is_named_not_its_neighbour(
    long_chain: list[AuditEntry],
) -> None:
    """Entry #5 moved past the end leaves a gap: #5 moved, not #6 reordered."""
    with triggers_removed():
        move(5, 13)
    kind, seq, facts, _message = _found()
    assert (kind, seq, facts["to"]) == ("reordered", 5, 13)


def test_an_entry_moved_to_the_end_with_the_rest_closed_up(
    long_chain: list[AuditEntry],
) -> None:
    with triggers_removed():
        move(5, 100)
        shift(6, 12, -1)
        move(100, 12)
    kind, seq, facts, _message = _found()
    assert (kind, seq, facts["to"]) == ("reordered", 5, 12)


def test_an_entry_moved_earlier_is_named(long_chain: list[AuditEntry]) -> None:
    """#10 put at position #3, the entries between pushed down one place."""
    with triggers_removed():
        move(10, 100)
        shift(3, 9, +1)
        move(100, 3)
    kind, seq, facts, _message = _found()
    assert (kind, seq, facts["to"]) == ("reordered", 10, 3)


# --- The end of the chain --------------------------------------------------------------


def test_it_detects_removal_from_the_end_against_an_anchor(chain: list[AuditEntry]) -> None:
    anchor = (6, chain[-1].entry_hash)
    assert verify([anchor], save_checkpoint=False).ok
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    # Without an anchor or a checkpoint the shorter chain looks whole...
    assert verify(full=True, save_checkpoint=False).ok
    # ...with one, the removal shows.
    result = verify([anchor], save_checkpoint=False)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("truncated", 5)
    assert result.problem.message == (
        "entries #5 to #6 were removed from the end (an anchor names entry #6)"
    )


def test_a_checkpoint_is_an_anchor_too(chain: list[AuditEntry]) -> None:
    assert verify().ok  # leaves a checkpoint at #6
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 6")  # noqa: S608
    for result in (verify(), verify(full=True)):
        assert result.problem is not None
        assert (result.problem.kind, result.problem.seq) == ("truncated", 6)
        assert "a checkpoint names it" in result.problem.message


def test_an_anchor_that_does_not_match_is_reported(chain: list[AuditEntry]) -> None:
    result = verify([(2, GENESIS)])
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("anchor", 2)


# --- The command ---------------------------------------------------------------------


def test_the_command_exits_non_zero_and_names_the_entry(chain: list[AuditEntry]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("audit log intact: 6 entries, all checked")
    record("cli", "test.entry", number=7)
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET actor = 'user:1' WHERE seq = 7")  # noqa: S608
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", stderr=err)
    assert exit_.value.code == 1
    assert "entry #7 was altered" in err.getvalue()


def test_the_full_command_finds_what_the_quick_one_has_passed(chain: list[AuditEntry]) -> None:
    call_command("audit", "verify", stdout=io.StringIO())  # a checkpoint at #6
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET outcome = 'failed' WHERE seq = 2")  # noqa: S608
    record("cli", "test.entry", number=7)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "1 new since the checkpoint at entry #6 checked" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--full", stderr=err)
    assert "entry #2 was altered" in err.getvalue()
    # The full check's finding is itself in the chain.
    finished = AuditEntry.objects.filter(action="audit.full_check_finished").get()
    assert finished.outcome == "failed"
    assert (finished.details["problem"], finished.details["entry"]) == ("altered", 2)


def test_the_command_checks_anchors(chain: list[AuditEntry]) -> None:
    head = io.StringIO()
    call_command("audit", "head", stdout=head)
    anchor = head.getvalue().strip()
    assert anchor == f"6:{chain[-1].entry_hash}"
    with triggers_removed():
        sql(f"DELETE FROM {TABLE} WHERE seq = 6")  # noqa: S608
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--anchor", anchor, stderr=io.StringIO())
