"""What verification found, and how to say it in the reader's language.

A problem names one entry and one kind of tampering. Its facts are small
numbers and tokens, so the result of a check can itself be written into
the audit log (``audit.full_check_finished``) and described again later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from safepassage.audit.protection import Finding, safe_name

# The kinds of problem, in the words of the reports.
KINDS = (
    "malformed",  # a column cannot be read: a NULL, a wrong type, a bad time, details not JSON
    "altered",  # an entry's content no longer matches its hash
    "removed",  # entries missing from the middle (perhaps with later ones renumbered)
    "inserted",  # an entry safepassage never wrote, in the middle
    "appended",  # an entry safepassage never wrote, at the end
    "reordered",  # an entry moved to another position
    "truncated",  # entries missing from the end, against an anchor or checkpoint
    "anchor",  # an anchor names a hash the chain does not have
    "checkpoint",  # a checkpoint that does not match the key or the chain
    "unprotected",  # the triggers are missing or not the ones installed
    "unreadable",  # the table cannot be read at all
)


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int | None
    # Small numbers and tokens: to (position now), last, renumbered, column, found...
    facts: tuple[tuple[str, int | str], ...] = ()
    findings: tuple[Finding, ...] = ()

    def fact(self, name: str, default: Any = None) -> Any:
        return dict(self.facts).get(name, default)

    @property
    def message(self) -> str:
        return describe(self)

    def as_details(self) -> dict[str, Any]:
        """The problem as audit details (tokens and numbers only)."""
        details: dict[str, Any] = {"problem": self.kind, "entry": self.seq}
        for name, value in self.facts:
            details[f"fact_{name}"] = value
        if self.findings:
            details["findings"] = [f"{f.kind}:{safe_name(f.name)}" for f in self.findings][:32]
        return details

    @classmethod
    def from_details(cls, details: dict[str, Any]) -> Problem | None:
        kind = details.get("problem")
        if kind not in KINDS:
            return None
        seq = details.get("entry")
        facts = tuple(
            (name[5:], value)
            for name, value in sorted(details.items())
            if name.startswith("fact_") and isinstance(value, int | str)
        )
        findings = tuple(
            Finding(*token.split(":", 1))
            for token in details.get("findings") or []
            if isinstance(token, str) and ":" in token
        )
        return cls(kind, seq if isinstance(seq, int) else None, facts, findings)


def _column(name: str) -> str:
    return {
        "seq": _("position"),
        "at": _("time"),
        "actor": _("actor"),
        "action": _("action"),
        "target": _("target"),
        "outcome": _("outcome"),
        "details": _("details"),
        "prev_hash": _("link to the previous entry"),
        "entry_hash": _("hash"),
        "seal": _("seal"),
    }.get(name, name)


def _malformed(problem: Problem) -> str:
    column, found = problem.fact("column", ""), problem.fact("found", "")
    if column == "seq":
        after = problem.fact("after")
        if found == "null":
            return _("an entry has no position (NULL): it is outside the chain")
        if after is None:
            return _("an entry's position is not a whole number: it is outside the chain")
        return _("an entry after #%(after)s is malformed: its position is not a whole number") % {
            "after": after
        }
    values = {"seq": problem.seq, "column": _column(column)}
    if found == "null":
        return _("entry #%(seq)s is malformed: its %(column)s is missing (NULL)") % values
    if found == "not_json":
        return _("entry #%(seq)s is malformed: its details are not JSON") % values
    if column == "at" and found == "text":
        return _("entry #%(seq)s is malformed: its time is not a valid date and time") % values
    return _("entry #%(seq)s is malformed: its %(column)s holds a value of the wrong type") % values


def _finding(finding: Finding) -> str:
    values = {"name": safe_name(finding.name)}
    texts = {
        "missing": _("trigger %(name)s is missing"),
        "changed": _("trigger %(name)s was replaced by a different one"),
        "disabled": _("trigger %(name)s is disabled"),
        "unexpected": _("an unexpected trigger %(name)s is on the audit tables"),
        "function": _("the trigger function %(name)s was changed"),
        "rule": _("a rule %(name)s rewrites changes to the audit tables"),
        "row_security": _("row security can hide rows of %(name)s"),
    }
    return texts.get(finding.kind, _("trigger %(name)s was changed")) % values


def _removed(problem: Problem, values: dict[str, Any]) -> str:
    several = problem.fact("last", problem.seq) != problem.seq
    if problem.fact("renumbered"):
        if several:
            return (
                _(
                    "entries #%(seq)s to #%(last)s were removed, and the entries after them "
                    "renumbered to close the gap"
                )
                % values
            )
        return (
            _("entry #%(seq)s was removed, and the entries after it renumbered to close the gap")
            % values
        )
    if several:
        return _("entries #%(seq)s to #%(last)s were removed") % values
    return _("entry #%(seq)s was removed") % values


def _truncated(problem: Problem, values: dict[str, Any]) -> str:
    several = problem.fact("last", problem.seq) != problem.seq
    if problem.fact("source") == "checkpoint":
        if several:
            return (
                _(
                    "entries #%(seq)s to #%(last)s were removed from the end "
                    "(a checkpoint names entry #%(last)s)"
                )
                % values
            )
        return _("entry #%(seq)s was removed from the end (a checkpoint names it)") % values
    if several:
        return (
            _(
                "entries #%(seq)s to #%(last)s were removed from the end "
                "(an anchor names entry #%(last)s)"
            )
            % values
        )
    return _("entry #%(seq)s was removed from the end (an anchor names it)") % values


def describe(problem: Problem) -> str:
    """The problem in a sentence, in the active language."""
    seq, kind = problem.seq, problem.kind
    values: dict[str, Any] = {"seq": seq, **dict(problem.facts)}
    if kind == "malformed":
        return _malformed(problem)
    if kind == "altered":
        return _("entry #%(seq)s was altered: its content no longer matches its hash") % values
    if kind == "removed":
        return _removed(problem, values)
    if kind == "inserted":
        return (
            _(
                "entry #%(seq)s was inserted: safepassage did not write it, and the chain "
                "goes on past it from the entry before"
            )
            % values
        )
    if kind == "appended":
        return (
            _(
                "entry #%(seq)s was added at the end by someone without the audit key: "
                "safepassage did not write it"
            )
            % values
        )
    if kind == "reordered":
        return _("entry #%(seq)s was moved: it is now at position #%(to)s") % values
    if kind == "truncated":
        return _truncated(problem, values)
    if kind == "anchor":
        return _("entry #%(seq)s does not match its anchor") % values
    if kind == "checkpoint":
        if problem.fact("forged"):
            return (
                _(
                    "a checkpoint naming entry #%(seq)s was not written by safepassage "
                    "(it does not match the audit key)"
                )
                % values
            )
        return _("entry #%(seq)s does not match the checkpoint that names it") % values
    if kind == "unprotected":
        findings = "; ".join(_finding(f) for f in problem.findings)
        return _("the protection of the audit log was changed: %(findings)s") % {
            "findings": findings
        }
    if kind == "unreadable":
        return _("the audit table cannot be read as it was created: a column's type was changed")
    return _("the chain is broken at entry #%(seq)s") % values
