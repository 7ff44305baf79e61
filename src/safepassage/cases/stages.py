"""The stages of a case and the one way to move between them.

One transition table (``TRANSITIONS``): the way forward, a few steps back
(a refused application needs new documents), the side exits any active case
can take (declined, withdrawn, lost contact, detained, deceased), and
reopening a case that left the way or was closed. ``move_case`` is the only
code that changes a case's stage: it checks the move is in the table, the
case is not locked, the person may make it, a reason is given where one is
needed, and the stage's preconditions, then saves the move, its history
line and its audit entry in one transaction. A move refused changes nothing
and says what is missing.

Preconditions live beside the feature they are about: this module's own
(a finished verification with the outcome "verified" before "verified" and
"accepted"; acceptance before anything after it), and the ``REQUIREMENTS``
of the feature modules (``safepassage.cases.stays``, ``.travel``,
``.consent``), each a mapping of a stage to a function that says what the
case lacks, or None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from django.db import transaction
from django.db.models import Case as DjangoCase
from django.db.models import DateField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.access import visible_cases
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import (
    Case,
    ChangeKind,
    Outcome,
    SentBundle,
    SentStatus,
    ShareKind,
    Stage,
    StageChange,
    Verification,
)

S = Stage

# The way to safety, in order, and the side exits.
FLOW: tuple[str, ...] = (
    S.RECEIVED,
    S.SCREENING,
    S.VERIFIED,
    S.ACCEPTED,
    S.IN_SAFE_HOUSE,
    S.DOCUMENTS,
    S.APPLIED,
    S.APPROVED,
    S.TRAVELLING,
    S.ARRIVED,
    S.ASYLUM_CLAIMED,
    S.PROTECTED,
    S.CLOSED,
)
SIDE_EXITS: tuple[str, ...] = (S.DECLINED, S.WITHDRAWN, S.LOST_CONTACT, S.DETAINED, S.DECEASED)
# Stages of a case still on its way.
ACTIVE: tuple[str, ...] = FLOW[:-1]
# A case in one of these has not been accepted (cases.access.may_read_identity).
BEFORE_ACCEPTANCE: tuple[str, ...] = (S.RECEIVED, S.SCREENING, S.VERIFIED)


class Kind(StrEnum):
    FORWARD = "forward"
    BACK = "back"
    EXIT = "exit"
    REOPEN = "reopen"
    # Closed before protection because a partner organisation accepted the
    # case's transfer (cases.referrals): offered only once one has.
    HANDOVER = "handover"


_FORWARD: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.SCREENING,),
    S.SCREENING: (S.VERIFIED,),
    S.VERIFIED: (S.ACCEPTED,),
    # Someone safe where they are may need no safe house.
    S.ACCEPTED: (S.IN_SAFE_HOUSE, S.DOCUMENTS),
    S.IN_SAFE_HOUSE: (S.DOCUMENTS,),
    S.DOCUMENTS: (S.APPLIED,),
    S.APPLIED: (S.APPROVED,),
    S.APPROVED: (S.TRAVELLING,),
    S.TRAVELLING: (S.ARRIVED,),
    # Some arrive with a protection already granted (a humanitarian visa).
    S.ARRIVED: (S.ASYLUM_CLAIMED, S.PROTECTED),
    S.ASYLUM_CLAIMED: (S.PROTECTED,),
    S.PROTECTED: (S.CLOSED,),
}
_BACK: dict[str, tuple[str, ...]] = {
    # Screened again (new doubts, a new round of checks).
    S.VERIFIED: (S.SCREENING,),
    # A safe house after all.
    S.DOCUMENTS: (S.IN_SAFE_HOUSE,),
    # A refused application: new documents or another pathway.
    S.APPLIED: (S.DOCUMENTS,),
    # A journey called off: another one is planned.
    S.TRAVELLING: (S.APPROVED,),
}
# Back from a side exit or from closed: to be screened again, or (a case
# accepted before) to where its work goes on; the preconditions decide
# which of these fit the case.
_REOPEN: dict[str, tuple[str, ...]] = {
    S.DECLINED: (S.SCREENING,),
    S.WITHDRAWN: (S.SCREENING, S.ACCEPTED, S.IN_SAFE_HOUSE, S.DOCUMENTS),
    S.LOST_CONTACT: (S.SCREENING, S.ACCEPTED, S.IN_SAFE_HOUSE, S.DOCUMENTS),
    S.DETAINED: (S.SCREENING, S.ACCEPTED, S.IN_SAFE_HOUSE, S.DOCUMENTS),
    # A death reported in error (rumours are common) is corrected this way.
    S.DECEASED: (S.SCREENING, S.ACCEPTED),
    S.CLOSED: (S.PROTECTED,),
}


def _table() -> dict[str, dict[str, Kind]]:
    table: dict[str, dict[str, Kind]] = {stage: {} for stage in Stage.values}
    for source, targets in _FORWARD.items():
        table[source].update(dict.fromkeys(targets, Kind.FORWARD))
    for source, targets in _BACK.items():
        table[source].update(dict.fromkeys(targets, Kind.BACK))
    # Any active case, and a case already in a side exit (detained, then
    # deceased), can take a side exit.
    for source in (*ACTIVE, *SIDE_EXITS):
        table[source].update({exit_: Kind.EXIT for exit_ in SIDE_EXITS if exit_ != source})
    for source, targets in _REOPEN.items():
        table[source].update(dict.fromkeys(targets, Kind.REOPEN))
    # A case a partner took over is closed wherever it stood on the way.
    for source in ACTIVE:
        table[source].setdefault(S.CLOSED, Kind.HANDOVER)
    return table


# The one transition table: TRANSITIONS[from][to] is the kind of move.
TRANSITIONS: dict[str, dict[str, Kind]] = _table()


def kind_of(source: str, target: str) -> Kind | None:
    return TRANSITIONS.get(source, {}).get(target)


def needs_reason(kind: Kind) -> bool:
    """Every move off the way forward says why."""
    return kind != Kind.FORWARD


def permission_for(target: str, kind: Kind) -> Perm:
    """What a move needs: verifiers verify; coordinators accept, decline
    and reopen; everything else is the work of the case's team."""
    if kind == Kind.REOPEN or target in (S.ACCEPTED, S.DECLINED):
        return Perm.DECIDE_CASES
    if target == S.VERIFIED:
        return Perm.VERIFY_CASES
    return Perm.WORK_CASES


def _permission_problem(perm: Perm) -> str:
    if perm == Perm.DECIDE_CASES:
        return _("Only a coordinator may accept or decline a case, or reopen it.")
    if perm == Perm.VERIFY_CASES:
        return _("Only a verifier or a coordinator may record that a case is verified.")
    return _("Your role does not let you work on cases.")


# --- Preconditions --------------------------------------------------------------------

Requirement = Callable[[Case], "str | None"]


def _verified(case: Case) -> str | None:
    latest = (
        Verification.objects.filter(case=case)
        .exclude(outcome="")
        .order_by("-number")
        .values_list("outcome", flat=True)
        .first()
    )
    if latest == Outcome.VERIFIED:
        return None
    return _("A verification must be finished with the outcome “verified”.")


def _accepted(case: Case) -> str | None:
    if case.accepted_on is not None:
        return None
    return _("The case must have been accepted first.")


def _protected_or_transferred(case: Case) -> str | None:
    """A case is closed once its people are protected, or earlier once a
    partner organisation accepted its transfer (cases.referrals): it is
    theirs now."""
    if case.stage in (S.PROTECTED, S.CLOSED):
        return None
    accepted = SentBundle.objects.filter(
        case=case, kind=ShareKind.TRANSFER, status=SentStatus.ACCEPTED
    )
    if accepted.exists():
        return None
    return _(
        "A case is closed once its people are protected, or once a partner "
        "organisation accepted its transfer."
    )


def _own_requirements() -> dict[str, list[Requirement]]:
    own: dict[str, list[Requirement]] = {S.VERIFIED: [_verified], S.ACCEPTED: [_verified]}
    for stage in FLOW[FLOW.index(S.ACCEPTED) + 1 : -1]:
        own[stage] = [_accepted]
    own[S.CLOSED] = [_protected_or_transferred]
    return own


# The modules whose REQUIREMENTS are collected (each only if it exists).
FEATURE_MODULES = (
    "safepassage.cases.stays",
    "safepassage.cases.travel",
    "safepassage.cases.consent",
)


def feature_module(name: str) -> object | None:
    """A feature module of cases, or None if this installation has none
    by that name (an import error inside it is raised, not hidden)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise


@cache
def requirements() -> dict[str, list[Requirement]]:
    """Every precondition, by the stage it guards."""
    found = _own_requirements()
    for name in FEATURE_MODULES:
        module = feature_module(name)
        for stage, check in getattr(module, "REQUIREMENTS", {}).items():
            found.setdefault(Stage(stage).value, []).append(check)
    return found


def missing_for(case: Case, target: str, known: dict[str, list[str]] | None = None) -> list[str]:
    """What ``case`` lacks to enter ``target`` (empty: nothing). With
    ``known``, each target is checked once (a page asks for its moves and
    for what comes next)."""
    if known is not None and target in known:
        return known[target]
    found = [problem for check in requirements().get(target, []) if (problem := check(case))]
    if known is not None:
        known[target] = found
    return found


# --- Moving ---------------------------------------------------------------------------


def problems_of(case: Case, target: str, by: User, reason: str) -> list[str]:
    """Everything that stands in the way of moving ``case`` to ``target``."""
    label = Stage(target).label if target in Stage.values else target
    kind = kind_of(case.stage, target)
    if kind is None:
        return [
            _("A case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": case.get_stage_display(), "to": label}
        ]
    problems = []
    if case.locked:
        problems.append(
            _(
                "This case is locked after a suspicion of infiltration: "
                "a coordinator must unlock it first."
            )
        )
    perm = permission_for(target, kind)
    if not by.can(perm):
        problems.append(_permission_problem(perm))
    if needs_reason(kind) and not reason.strip():
        problems.append(_("Say why: this move needs a reason."))
    problems += missing_for(case, target)
    return problems


@transaction.atomic
def move_case(
    case: Case, *, to: str, by: User, reason: str = "", version: int | None = None
) -> StageChange:
    """Move ``case`` to the stage ``to``, by ``by``, saying why. Refused
    (Refused, Conflict) with nothing changed if the move is not in the
    table, the case is locked, ``by`` may not make it, a needed reason is
    missing, a precondition is not met, or (``version`` given) the case
    changed since the form was shown."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict()
    if not visible_cases(by).filter(pk=locked.pk).exists():
        raise Refused(_("Your role does not let you work on cases."))
    problems = problems_of(locked, to, by, reason)
    if problems:
        raise Refused(*problems)
    today = timezone.localdate()
    source, since = locked.stage, locked.stage_since
    locked.stage = to
    locked.stage_since = today
    locked.changed_on = today
    locked.version += 1
    if to == S.ACCEPTED and locked.accepted_on is None:
        locked.accepted_on = today
    elif to in BEFORE_ACCEPTANCE:
        locked.accepted_on = None
    locked.save(update_fields=["stage", "stage_since", "changed_on", "version", "accepted_on"])
    change = StageChange(
        case=locked,
        number=StageChange.next_number(locked),
        on=today,
        since=since,
        by=by,
        kind=ChangeKind.MOVED,
        from_stage=source,
        to_stage=to,
    )
    change.reason = reason.strip() or None
    change.save(force_insert=True)
    record(by, "case.moved", locked, stage=to, from_stage=source)
    for name in ("stage", "stage_since", "changed_on", "version", "accepted_on"):
        setattr(case, name, getattr(locked, name))
    return change


@dataclass(frozen=True)
class Option:
    """A move the page offers: where to, of which kind, and what is missing."""

    to: str
    kind: Kind
    missing: list[str]

    @property
    def label(self) -> str:
        return str(Stage(self.to).label)

    @property
    def reason_required(self) -> bool:
        return needs_reason(self.kind)


def options(case: Case, user: User, known: dict[str, list[str]] | None = None) -> list[Option]:
    """The moves ``user`` may make from the case's stage (forward first),
    each with what the case still lacks for it; none while it is locked."""
    if case.locked:
        return []
    order = [Kind.FORWARD, Kind.BACK, Kind.REOPEN, Kind.EXIT, Kind.HANDOVER]
    moves = sorted(
        TRANSITIONS[case.stage].items(),
        key=lambda item: (order.index(item[1]), Stage.values.index(item[0])),
    )
    offered = [
        Option(target, kind, missing_for(case, target, known))
        for target, kind in moves
        if user.can(permission_for(target, kind))
    ]
    # Closing a case handed over is offered only once a partner took it.
    return [option for option in offered if option.kind != Kind.HANDOVER or not option.missing]


# --- What comes next --------------------------------------------------------------------

# How long a case may stay in a stage before the case list calls it
# overdue (tasks and their due dates come later).
STUCK_AFTER: dict[str, timedelta] = {
    S.RECEIVED: timedelta(days=3),
    S.SCREENING: timedelta(days=14),
    S.VERIFIED: timedelta(days=7),
    S.ACCEPTED: timedelta(days=14),
    S.IN_SAFE_HOUSE: timedelta(days=60),
    S.DOCUMENTS: timedelta(days=45),
    S.APPLIED: timedelta(days=60),
    S.APPROVED: timedelta(days=30),
    S.TRAVELLING: timedelta(days=7),
    S.ARRIVED: timedelta(days=30),
    S.ASYLUM_CLAIMED: timedelta(days=180),
    S.PROTECTED: timedelta(days=90),
}


def overdue(today: date | None = None) -> Q:
    """The filter for cases in a stage longer than its STUCK_AFTER: in one
    of those stages, since before the day its limit gives. One comparison
    with the day chosen by stage (CASE), not one branch per stage: with
    the branches, the database gathered every overdue case through the
    stage index before it could order a page of them."""
    today = today or timezone.localdate()
    limit = DjangoCase(
        *(When(stage=stage, then=Value(today - days)) for stage, days in STUCK_AFTER.items()),
        output_field=DateField(),
    )
    return Q(stage__in=list(STUCK_AFTER), stage_since__lt=limit)


def is_overdue(case: Case, today: date | None = None) -> bool:
    limit = STUCK_AFTER.get(case.stage)
    return limit is not None and case.stage_since < (today or timezone.localdate()) - limit


def _step(stage: str) -> str:
    steps: dict[str, str] = {
        S.RECEIVED: _("Start screening: a verifier contacts the person and interviews them."),
        S.SCREENING: _("Finish the verification checklist and record its outcome."),
        S.VERIFIED: _("A coordinator decides whether to accept the case."),
        S.ACCEPTED: _(
            "Find a place in a safe house, or start on travel documents if the person "
            "is safe where they are."
        ),
        S.IN_SAFE_HOUSE: _("Gather the travel documents the household needs."),
        S.DOCUMENTS: _("Apply to a host country or a partner's programme."),
        S.APPLIED: _("Follow the application until it is decided."),
        S.APPROVED: _("Plan the journey."),
        S.TRAVELLING: _("Record the arrival once the household is safe."),
        S.ARRIVED: _("Help them claim asylum, or record the protection they have."),
        S.ASYLUM_CLAIMED: _("Follow the claim until they are protected."),
        S.PROTECTED: _("Follow up with them, then close the case."),
        S.CLOSED: _("Nothing: the case is closed. A coordinator can reopen it."),
    }
    found = steps.get(stage)
    if found is not None:
        return str(found)
    return _(
        "Nothing while the case is “%(stage)s”. A coordinator can reopen it with a reason."
    ) % {"stage": Stage(stage).label}


def next_steps(case: Case, known: dict[str, list[str]] | None = None) -> list[str]:
    """What the case needs next, in words, for its page: what its stage
    asks for, then what it still lacks to move forward."""
    if case.locked:
        return [
            _(
                "This case is locked: its verification ended in a suspicion of infiltration. "
                "A coordinator reviews it and unlocks it with a reason, then declines it "
                "or has it screened again."
            )
        ]
    steps = [_step(case.stage)]
    if case.stage in (S.RECEIVED, S.SCREENING):
        from safepassage.cases import verification

        steps += verification.next_items(case)
        return steps
    for target, kind in TRANSITIONS[case.stage].items():
        if kind != Kind.FORWARD:
            continue
        for problem in missing_for(case, target, known):
            steps.append(
                _("Before “%(stage)s”: %(missing)s")
                % {"stage": Stage(target).label, "missing": problem}
            )
    return steps
