"""Verifying the audit chain: incrementally from the last checkpoint, or whole.

An incremental check (every view of the auditor's page, ``safepassage audit
verify``) starts at the newest checkpoint that still matches the chain and
walks only the entries after it; a full check (``verify --full``, the button
on the page, the scheduled job) walks every entry and compares every
checkpoint. Either one also checks that the append-only triggers are exactly
the ones installed, and compares anchors given on the command line. A check
that finds nothing wrong writes a new checkpoint at the head.

Whatever is found is a Problem naming one entry and one kind of tampering
(problems.py, diagnosis.py); a malformed row is named, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection

from safepassage.audit import checkpoints, protection, rows
from safepassage.audit.chain import GENESIS
from safepassage.audit.diagnosis import diagnose, mac_ok, seal_ok
from safepassage.audit.problems import Problem
from safepassage.audit.rows import Row, Unreadable

# Checkpoints looked at, newest first, for one that still matches the chain.
CHECKPOINTS_TRIED = 20

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Verification:
    checked: int  # entries walked by this check
    head_seq: int
    head_hash: str
    problems: tuple[Problem, ...]
    full: bool = False
    # The check started after this entry (0: from the first).
    since: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


@dataclass
class _Walk:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problem: Problem | None = None


def _malformed(row: Row, after: int) -> Problem:
    facts: tuple[tuple[str, int | str], ...] = (("column", row.malformed), ("found", row.found))
    if row.malformed == "seq":
        return Problem("malformed", None, (*facts, ("after", after)))
    return Problem("malformed", row.seq, facts)


def _walk(
    after_seq: int, after_hash: str, progress: Progress | None, watch: dict[int, str]
) -> _Walk:
    """Walk from the entry after ``after_seq``; note in ``watch`` the hash of
    every watched position passed."""
    state = _Walk(head_seq=after_seq, head_hash=after_hash)
    for row in rows.walk(after_seq):
        if row.malformed:
            state.problem = _malformed(row, state.head_seq)
            return state
        expected = state.head_seq + 1
        if not (
            row.seq == expected
            and row.prev_hash == state.head_hash
            and mac_ok(row)
            and seal_ok(row)
        ):
            state.problem = diagnose(row, expected, state.head_hash)
            return state
        state.checked += 1
        state.head_seq, state.head_hash = row.seq, row.entry_hash
        if row.seq in watch:
            watch[row.seq] = row.entry_hash
        if progress is not None and state.checked % rows.BATCH == 0:
            progress(state.checked)
    return state


def _starting_point(problems: list[Problem]) -> tuple[int, str, checkpoints.Mark | None]:
    """The newest checkpoint whose entry is still as it was (where the walk
    starts), and the newest genuine checkpoint (an anchor for the end)."""
    newest_genuine = None
    for mark in checkpoints.newest(CHECKPOINTS_TRIED):
        if not mark.genuine:
            problems.append(Problem("checkpoint", mark.seq or None, (("forged", 1),)))
            continue
        if newest_genuine is None:
            newest_genuine = mark
        row = rows.row_at(mark.seq)
        if row is not None and not row.malformed and row.entry_hash == mark.entry_hash:
            return mark.seq, mark.entry_hash, newest_genuine
    return 0, GENESIS, newest_genuine


def _against_anchor(
    seq: int, entry_hash: str, source: str, walk: _Walk, watch: dict[int, str]
) -> Problem | None:
    if seq > walk.head_seq:
        return Problem("truncated", walk.head_seq + 1, (("last", seq), ("source", source)))
    stored = watch.get(seq) or ""
    if not stored:
        row = rows.row_at(seq)
        stored = row.entry_hash if row is not None else ""
    if stored != entry_hash:
        return Problem("checkpoint" if source == "checkpoint" else "anchor", seq)
    return None


def _anchors(
    anchors: Sequence[tuple[int, str]], full: bool, newest: checkpoints.Mark | None
) -> tuple[list[tuple[int, str, str]], list[Problem]]:
    """What the end of the chain is compared with: anchors given, and the
    checkpoints (all of them in a full check, else the newest)."""
    targets = [(seq, entry_hash, "anchor") for seq, entry_hash in anchors]
    problems = []
    if full:
        for mark in checkpoints.every():
            if mark.genuine:
                targets.append((mark.seq, mark.entry_hash, "checkpoint"))
            else:
                problems.append(Problem("checkpoint", mark.seq or None, (("forged", 1),)))
    elif newest is not None:
        targets.append((newest.seq, newest.entry_hash, "checkpoint"))
    return targets, problems


def verify(
    anchors: Sequence[tuple[int, str]] = (),
    *,
    full: bool = False,
    progress: Progress | None = None,
    save_checkpoint: bool = True,
) -> Verification:
    """Check the chain (from the newest good checkpoint, or whole with
    ``full``), the anchors (SEQ, HASH) recorded earlier, and the triggers.
    Never raises for what it finds in the table."""
    outside: list[Problem] = []  # rows without a position: the cause of a gap, if any
    found: list[Problem] = []  # the break in the chain
    later: list[Problem] = []  # checkpoints and anchors
    start_seq, start_hash, newest = 0, GENESIS, None
    walk = _Walk()
    try:
        position = rows.misplaced()
        if position:
            outside.append(Problem("malformed", None, (("column", "seq"), ("found", position))))
        if not full:
            start_seq, start_hash, newest = _starting_point(later)
        targets, forged = _anchors(anchors, full, newest)
        later += forged
        # In a full walk every position compared is passed: note its hash then.
        watch = {seq: "" for seq, _hash, _source in targets} if full else {}
        walk = _walk(start_seq, start_hash, progress, watch)
        if walk.problem is not None:
            found.append(walk.problem)
        else:
            # Furthest first: a truncation is named against the furthest anchor.
            for seq, entry_hash, source in sorted(targets, key=lambda t: -t[0]):
                mismatch = _against_anchor(seq, entry_hash, source, walk, watch)
                if mismatch is not None:
                    later.append(mismatch)
                    break
    except Unreadable:
        found = [Problem("unreadable", None)]
    problems = outside + found + later
    findings = protection.check(connection)
    if findings:
        problems.append(Problem("unprotected", None, findings=tuple(findings)))
    result = Verification(
        walk.checked, walk.head_seq, walk.head_hash, tuple(problems), full, start_seq
    )
    if result.ok and save_checkpoint and walk.head_seq and (full or walk.checked):
        checkpoints.save(walk.head_seq, walk.head_hash, full=full)
    return result


def parse_anchor(text: str) -> tuple[int, str]:
    """Parse ``SEQ:HASH`` as printed by ``safepassage audit head``."""
    match = re.fullmatch(r"(\d{1,18}):([0-9a-f]{64})", text.strip())
    if not match:
        raise ValueError("an anchor is SEQ:HASH, as printed by 'safepassage audit head'")
    return int(match.group(1)), match.group(2)
