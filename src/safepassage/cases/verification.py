"""Verification against infiltration: a state security service poses as
people asking for help, so a case is trusted only after checks by more
than one person.

The checklist of a round: two interviews by different verifiers, a
reference from a trusted contact or a partner organisation, the accounts
compared for consistency, the documents checked. Each check is recorded
with who made it, when, what it found and a note (sealed to casework).
The round ends with an outcome and its reasons:

- "verified" (the checklist complete): the case moves to "verified";
- "not verified": a coordinator declines the case, or a new round starts;
- "suspected infiltration": the case is locked (no move, no change until
  a coordinator unlocks it with a reason), flagged for the team, and every
  contact handle of its people is flagged wherever it appears (requests,
  cases, household members: cases.contacts).

Only verifiers and coordinators record checks and outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import contacts, stages
from safepassage.cases.access import visible_cases
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import (
    Case,
    ChangeKind,
    Check,
    CheckKind,
    Finding,
    Flag,
    Outcome,
    Referee,
    Stage,
    StageChange,
    Verification,
    joined_codes,
)

REQUIRED_INTERVIEWS = 2
# Checks are recorded while the case is screened.
OPEN_STAGES = (Stage.RECEIVED, Stage.SCREENING)


@dataclass
class Checklist:
    """A round of checks and what it still lacks for the outcome "verified"."""

    verification: Verification | None
    checks: list[Check] = field(default_factory=list)

    def _of(self, kind: str) -> list[Check]:
        return [check for check in self.checks if check.kind == kind]

    @property
    def interviewers(self) -> int:
        return len({check.by_id for check in self._of(CheckKind.INTERVIEW)})

    @property
    def missing(self) -> list[str]:
        if self.verification is not None and self.verification.finished:
            return []
        missing = []
        interviewers = self.interviewers
        if interviewers == 0:
            missing.append(_("Two interviews, by two different verifiers."))
        elif interviewers < REQUIRED_INTERVIEWS:
            missing.append(_("A second interview, by another verifier."))
        if not self._of(CheckKind.REFERENCE):
            missing.append(_("A reference from a trusted contact or a partner organisation."))
        if not self._of(CheckKind.CONSISTENCY):
            missing.append(_("The accounts compared for consistency."))
        if not self._of(CheckKind.DOCUMENTS):
            missing.append(_("The documents checked (or noted that there are none)."))
        return missing

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def doubts(self) -> int:
        return sum(check.finding == Finding.DOUBTS for check in self.checks)


def latest(case: Case) -> Verification | None:
    """The case's latest round of checks, finished or not."""
    return Verification.objects.filter(case=case).order_by("-number").first()


def checklist(case: Case) -> Checklist:
    """The latest round and its checks (who made each, not opened)."""
    return checklist_of(latest(case))


def checklist_of(verification: Verification | None) -> Checklist:
    """The checklist of a round read already (``every_round``'s first)."""
    if verification is None:
        return Checklist(None)
    checks = list(verification.checks.select_related("by").order_by("number"))
    return Checklist(verification, checks)


def every_round(case: Case) -> list[Verification]:
    """Every round of checks, newest first, with who finished it: the
    case page's checklist (the first) and its history (the finished ones)
    from one read."""
    return list(
        Verification.objects.filter(case=case).select_related("finished_by").order_by("-number")
    )


def next_items(case: Case) -> list[str]:
    """What verification needs next (for stages.next_steps)."""
    current = latest(case)
    if current is not None and current.outcome == Outcome.NOT_VERIFIED:
        return [
            _(
                "The last verification ended “not verified”: a coordinator declines the case, "
                "or the next check recorded starts a new round."
            )
        ]
    if current is not None and current.finished:
        return []
    return checklist(case).missing


def _allowed(case: Case, by: User, version: int | None) -> Case:
    """The case, locked for update, if ``by`` may verify it now."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict()
    if not visible_cases(by).filter(pk=locked.pk).exists() or not by.can(Perm.VERIFY_CASES):
        raise Refused(_("Only a verifier or a coordinator may verify a case."))
    if locked.locked:
        raise Refused(
            _(
                "This case is locked after a suspicion of infiltration: "
                "a coordinator must unlock it first."
            )
        )
    if locked.stage not in OPEN_STAGES:
        raise Refused(
            _("Checks are recorded while a case is screened: it is “%(stage)s”.")
            % {"stage": locked.get_stage_display()}
        )
    return locked


def _open_round(case: Case, by: User) -> Verification:
    current = latest(case)
    if current is not None and not current.finished:
        return current
    number = (current.number if current is not None else 0) + 1
    verification = Verification(case=case, number=number, started_by=by)
    verification.save(force_insert=True)
    return verification


def _touch(locked: Case, case: Case) -> None:
    locked.changed_on = timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["changed_on", "version"])
    case.changed_on, case.version = locked.changed_on, locked.version


@transaction.atomic
def record_check(
    case: Case,
    *,
    kind: str,
    finding: str,
    by: User,
    note: str = "",
    referee: str = "",
    version: int | None = None,
) -> Check:
    """Record one check of the current round (a new round if the last one
    is finished). A case still "received" moves to "screening"."""
    locked = _allowed(case, by, version)
    problems = []
    if kind not in CheckKind.values:
        problems.append(_("Choose what was checked."))
    if finding not in Finding.values:
        problems.append(_("Choose what the check found."))
    if kind == CheckKind.REFERENCE and referee not in Referee.values:
        problems.append(_("Say who gave the reference."))
    if problems:
        raise Refused(*problems)
    if locked.stage == Stage.RECEIVED:
        stages.move_case(locked, to=Stage.SCREENING, by=by)
    verification = _open_round(locked, by)
    check = Check(
        verification=verification,
        number=verification.checks.count() + 1,
        kind=kind,
        finding=finding,
        referee=referee if kind == CheckKind.REFERENCE else "",
        by=by,
    )
    check.note = note.strip() or None
    check.save(force_insert=True)
    _touch(locked, case)
    case.stage, case.stage_since = locked.stage, locked.stage_since
    record(by, "case.check_recorded", locked, check=kind, finding=finding)
    return check


@transaction.atomic
def finish(
    case: Case, *, outcome: str, reasons: str, by: User, version: int | None = None
) -> Verification:
    """End the current round with its outcome and reasons (see the module's
    docstring for what each outcome does)."""
    locked = _allowed(case, by, version)
    if outcome not in Outcome.values:
        raise Refused(_("Choose an outcome."))
    if not reasons.strip():
        raise Refused(_("Give the reasons for this outcome."))
    verification = _open_round(locked, by)
    if outcome == Outcome.VERIFIED:
        missing = Checklist(verification, list(verification.checks.all())).missing
        if missing:
            raise Refused(*missing)
    today = timezone.localdate()
    verification.outcome = outcome
    verification.finished_on = today
    verification.finished_by = by
    verification.reasons = reasons.strip()
    verification.save(update_fields=["outcome", "finished_on", "finished_by", "reasons"])
    record(by, "case.verification_finished", locked, verdict=outcome)
    if outcome == Outcome.VERIFIED:
        if locked.stage == Stage.RECEIVED:
            stages.move_case(locked, to=Stage.SCREENING, by=by)
        stages.move_case(locked, to=Stage.VERIFIED, by=by)
    elif outcome == Outcome.SUSPECTED_INFILTRATION:
        _lock(locked, by, today)
    else:
        _touch(locked, locked)
    for name in ("stage", "stage_since", "changed_on", "version", "locked_on", "flags"):
        setattr(case, name, getattr(locked, name))
    return verification


def _lock(locked: Case, by: User, today: date) -> None:
    locked.locked_on = today
    locked.flags = joined_codes([*locked.flag_codes, Flag.SUSPECTED_INFILTRATION])
    locked.changed_on = today
    locked.version += 1
    locked.save(update_fields=["locked_on", "flags", "changed_on", "version"])
    flagged = contacts.flag_case(locked)
    StageChange(
        case=locked,
        number=StageChange.next_number(locked),
        since=locked.stage_since,
        by=by,
        kind=ChangeKind.LOCKED,
        from_stage=locked.stage,
        to_stage=locked.stage,
    ).save(force_insert=True)
    record(by, "case.locked", locked, contacts=flagged)


@transaction.atomic
def unlock(
    case: Case,
    *,
    reason: str,
    by: User,
    clear_suspicion: bool = False,
    version: int | None = None,
) -> StageChange:
    """A coordinator lifts the lock of a case, saying why. With
    ``clear_suspicion`` (the suspicion was wrong), its flag and the marks
    on its contacts go too; otherwise they stay."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict()
    if not visible_cases(by).filter(pk=locked.pk).exists() or not by.can(Perm.DECIDE_CASES):
        raise Refused(_("Only a coordinator may unlock a case."))
    if not locked.locked:
        raise Refused(_("This case is not locked."))
    if not reason.strip():
        raise Refused(_("Say why: unlocking a case needs a reason."))
    locked.locked_on = None
    if clear_suspicion:
        locked.flags = joined_codes(
            code for code in locked.flag_codes if code != Flag.SUSPECTED_INFILTRATION
        )
        contacts.flag_case(locked, flagged=False)
    locked.changed_on = timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["locked_on", "flags", "changed_on", "version"])
    change = StageChange(
        case=locked,
        number=StageChange.next_number(locked),
        since=locked.stage_since,
        by=by,
        kind=ChangeKind.UNLOCKED,
        from_stage=locked.stage,
        to_stage=locked.stage,
    )
    change.reason = reason.strip()
    change.save(force_insert=True)
    record(by, "case.unlocked", locked, cleared=clear_suspicion)
    for name in ("changed_on", "version", "locked_on", "flags"):
        setattr(case, name, getattr(locked, name))
    return change
