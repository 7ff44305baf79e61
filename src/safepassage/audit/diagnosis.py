"""Naming the entry where the chain breaks, and what was done to it.

A walk along the chain stops at the first row that does not fit: wrong
position, wrong link, content that does not match its hash, or a seal that
does not match. Which entry to blame, and for what, is decided here from
two facts each genuine entry carries:

- its **hash**, an HMAC of its content, position and the previous hash:
  it says whether the content is as written, and links it to its
  predecessor;
- its **seal**, an HMAC of its position and its hash alone: it survives a
  change of content, so a row whose seal is good at position N was written
  by safepassage at N (altered perhaps, but genuine there), while a row
  with no good seal at any position was never written by safepassage.

So an altered entry (seal good here) is told from an inserted or appended
one (no good seal), and an entry moved elsewhere is found where it went
(its seal is good only at its first position).
"""

from __future__ import annotations

import hmac

from safepassage.audit import rows
from safepassage.audit.chain import canonical, mac, seal_of
from safepassage.audit.problems import Problem
from safepassage.audit.rows import Row

# How far from where it sits a moved entry's first position is searched for
# (two HMACs per step, a few milliseconds in all).
WINDOW = 4096


def mac_ok(row: Row, seq: int | None = None) -> bool:
    """Whether the row's content matches its hash, were it at ``seq``."""
    document = canonical(
        seq=row.seq if seq is None else seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        outcome=row.outcome,
        details=row.details,
        prev_hash=row.prev_hash,
    )
    return hmac.compare_digest(mac(document), row.entry_hash)


def seal_ok(row: Row, seq: int | None = None) -> bool:
    return bool(row.seal) and hmac.compare_digest(
        seal_of(row.seq if seq is None else seq, row.entry_hash), row.seal
    )


def first_position(row: Row) -> int | None:
    """The position at which safepassage wrote this row, or None if it did
    not write it (or it was moved further than WINDOW)."""
    if not row.seal:
        return None
    if seal_ok(row):
        return row.seq
    # Most moves are short; the predecessor's position is the likeliest.
    for predecessor in rows.rows_where("entry_hash", row.prev_hash)[:1]:
        if seal_ok(row, predecessor.seq + 1):
            return predecessor.seq + 1
    for step in range(1, WINDOW):
        for seq in (row.seq + step, row.seq - step):
            if seq >= 1 and seal_ok(row, seq):
                return seq
    return None


def _find_genuine(expected_seq: int, expected_prev: str, exclude: int) -> int | None:
    """Where the genuine entry for ``expected_seq`` is now, if anywhere."""
    for candidate in rows.rows_where("prev_hash", expected_prev):
        if (
            candidate.seq != exclude
            and not candidate.malformed
            and seal_ok(candidate, expected_seq)
        ):
            return candidate.seq
    return None


def _following(row: Row) -> Row | None:
    for later in rows.walk(after=row.seq, batch=1):
        return later
    return None


def diagnose(row: Row, expected_seq: int, expected_prev: str) -> Problem:
    """The problem at ``row``, the first row that does not continue the chain
    whose entry ``expected_seq - 1`` had the hash ``expected_prev``."""
    p = expected_seq
    if row.seq > p:
        return _gap(row, p, expected_prev)
    origin = first_position(row)
    if origin == p:
        # Written here by safepassage; its content (or its link) was changed.
        return Problem("altered", p)
    if origin is not None:
        return _displaced(row, origin, p, expected_prev)
    return _not_written_here(row, p, expected_prev)


def _gap(row: Row, p: int, expected_prev: str) -> Problem:
    """Nothing at positions p .. row.seq - 1."""
    moved_to = _find_genuine(p, expected_prev, exclude=-1)
    if moved_to is not None:
        return Problem("reordered", p, (("to", moved_to),))
    origin = first_position(row)
    if origin is not None and origin > p:
        facts: tuple[tuple[str, int | str], ...] = (("last", origin - 1),)
        if origin != row.seq:
            facts += (("renumbered", 1),)
        return Problem("removed", p, facts)
    return Problem("removed", p, (("last", row.seq - 1),))


def _displaced(row: Row, origin: int, p: int, expected_prev: str) -> Problem:
    """A genuine entry written at ``origin`` sits at position ``p``."""
    moved_to = _find_genuine(p, expected_prev, exclude=row.seq)
    if moved_to is not None:
        # Two entries out of place: name the one that travelled further
        # (one entry moved far, not the many shifted by one to make room).
        if abs(origin - p) > abs(moved_to - p):
            return Problem("reordered", origin, (("to", p),))
        return Problem("reordered", p, (("to", moved_to),))
    if origin > p:
        # Entry p is nowhere: removed, and the later entries renumbered.
        return Problem("removed", p, (("last", origin - 1), ("renumbered", 1)))
    return Problem("reordered", origin, (("to", p),))


def _not_written_here(row: Row, p: int, expected_prev: str) -> Problem:
    """No good seal: safepassage never wrote this row, unless someone also
    changed its hash or its seal."""
    moved_to = _find_genuine(p, expected_prev, exclude=row.seq)
    following = _following(row)
    if moved_to is not None or (following is not None and following.prev_hash == expected_prev):
        # The genuine entry p comes after it: this row was pushed in.
        return Problem("inserted", p)
    if following is not None and following.prev_hash == row.entry_hash:
        # The next entry vouches for this row's hash: it is genuine, and
        # its seal (or its hash and content together) was changed.
        return Problem("altered", p)
    if following is None and row.prev_hash == expected_prev:
        return Problem("appended", p)
    return Problem("altered", p)
