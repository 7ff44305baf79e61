"""The demo's casework: an invented programme of nine months, built
through the same actions staff use, so every case holds what the pages,
the list and the dashboard read (stage history, verification rounds,
stays, documents, applications, journeys, claims, consents, a referral
and a transfer, tasks and notes where this installation has them).

``load`` writes about 170 requests and about a hundred cases spread over
every stage and side exit (site.demo_programme says which and when).
Actions stamp today's date; each step of a case is then moved back to
the day the programme gives it (``backdate``), so stage durations,
overdue cases and reminders look as they would after nine months.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models.signals import post_save
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases import actions as case_actions
from safepassage.cases import household, referrals, verification
from safepassage.cases.models import (
    Case,
    Check,
    Consent,
    ConsentOverride,
    SentBundle,
    StageChange,
    Stay,
    Verification,
)
from safepassage.intake import signals
from safepassage.intake.models import Submission
from safepassage.site import demo_programme, demo_requests
from safepassage.site.demo_people import Invented, People
from safepassage.site.demo_programme import between
from safepassage.site.demo_reference import Reference, Staff
from safepassage.site.demo_tasks import demo_notes, demo_tasks
from safepassage.site.demo_travel import TravelSteps
from safepassage.vault.keyring import current_keyring

SEED = 2017
CHECKS = ("interview", "interview", "reference", "consistency", "documents")
NOTES = {
    "supports": "(demo) Consistent with the request and with what we know.",
    "doubts": "(demo) Does not fit what they told us before.",
}


# The date fields actions set to today, by model.
DATED: dict[type[models.Model], tuple[str, ...]] = {
    Case: ("opened_on", "stage_since", "changed_on", "accepted_on", "locked_on"),
    StageChange: ("on", "since"),
    Verification: ("started_on", "finished_on"),
    Check: ("on",),
    Stay: ("placed_on",),
    Consent: ("recorded_on",),
    ConsentOverride: ("on",),
    SentBundle: ("made_on", "answered_on"),
}
# The rows saved since the last backdate (post_save, while load runs).
_saved: dict[type[models.Model], set[Any]] = {}


def _remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender in DATED:
        _saved.setdefault(sender, set()).add(instance.pk)


def backdate(case: Case, day: date) -> None:
    """What the actions on ``case`` stamped today (the rows saved since
    the last call) happened on ``day``."""
    today = timezone.localdate()
    if day < today:
        for model, pks in _saved.items():
            for name in DATED[model]:
                model._default_manager.filter(pk__in=pks, **{name: today}).update(**{name: day})
    _saved.clear()
    case.refresh_from_db()


class Walk(TravelSteps):
    """One case taken along its planned way, step by step."""

    def run(self, case: Case, invented: Invented) -> Case:
        self.case = case
        self.invented = invented
        plan = self.plan
        backdate(case, plan.opened_on)
        self._triage()
        for stage, day in zip(plan.route[1:], plan.days[1:], strict=True):
            getattr(self, f"_to_{stage}")(day)
            backdate(self.case, day)
        self._as_it_is_now()
        return self.case

    # --- Before acceptance -------------------------------------------------------

    def _triage(self) -> None:
        staff, case = self.staff, self.case
        case_actions.give_to_team(
            case, team=staff.hotline, by=staff.coordinator, version=case.version
        )
        self._work_on(staff.verifier if self.plan.assigned else None, staff.verifier)

    def _work_on(self, assignee: User | None, by: User) -> None:
        rng, case = self.rng, self.case
        factors = rng.sample(
            ["family_threat", "outed", "detained_before", "surveillance", "in_hiding"],
            rng.randint(1, 3),
        )
        risk = case.risk or min(4, 2 + case.urgency // 2 + (1 if self.plan.urgent else 0))
        case_actions.update_case(
            case,
            by=by,
            version=case.version,
            risk=risk,
            risk_factors=factors,
            flags=["urgent"] if self.plan.urgent else [],
            assignee=assignee,
        )

    def _check(self, kind: str, day: date, finding: str = "supports") -> None:
        staff = self.staff
        by = staff.coordinator if kind in ("documents",) else staff.verifier
        if kind == "interview" and self._interviews:
            by = staff.coordinator
        self._interviews += kind == "interview"
        verification.record_check(
            self.case,
            kind=kind,
            finding=finding,
            referee=self.rng.choice(["partner", "trusted_contact"]) if kind == "reference" else "",
            note=NOTES[finding],
            by=by,
        )
        backdate(self.case, day)

    def _checks(self, kinds: tuple[str, ...], first: date, last: date, doubts: int = 0) -> None:
        for number, kind in enumerate(kinds):
            finding = "doubts" if number < doubts else "supports"
            self._check(kind, between(first, last, (number + 1) / (len(kinds) + 1)), finding)

    def _to_screening(self, day: date) -> None:
        self._check("interview", day)
        if self.plan.way == "locked":
            last = min(self.today, day + timedelta(days=self.rng.randint(2, 6)))
            self._checks(("interview", "reference"), day, last, doubts=2)
            verification.finish(
                self.case,
                outcome="suspected_infiltration",
                reasons="(demo) The two interviews contradict each other; the reference "
                "knows no such person.",
                by=self.staff.verifier,
            )
            backdate(self.case, last)

    def _to_verified(self, day: date) -> None:
        self._checks(CHECKS[1:], self.plan.day_of("screening"), day)
        verification.finish(
            self.case,
            outcome="verified",
            reasons="(demo) Two interviews agree; the reference vouches for them.",
            by=self.staff.verifier,
        )

    def _to_declined(self, day: date) -> None:
        self._checks(CHECKS[1:3], self.plan.day_of("screening"), day, doubts=1)
        verification.finish(
            self.case,
            outcome="not_verified",
            reasons="(demo) The accounts do not agree, and nobody can vouch for them.",
            by=self.staff.verifier,
        )
        self._move("declined", "(demo) Not verified after two rounds of calls.", by="coordinator")

    def _to_accepted(self, day: date) -> None:
        staff = self.staff
        self._move("accepted", "(demo) Verified; in danger where they are.", by="coordinator")
        case_actions.give_to_team(
            self.case, team=staff.evacuation, by=staff.coordinator, version=self.case.version
        )
        self._work_on(staff.caseworker if self.plan.assigned else None, staff.coordinator)
        self._record_household()
        for person in self.people():
            self._consent(person, "statistics", day)

    def _record_household(self) -> None:
        """Who travels along, as the caseworker records them once the case
        is accepted (a request says only how many they are)."""
        for person in self.people():
            if person.position == 0 or not person.identity.is_blank():
                continue
            if person.position > len(self.invented.members):
                continue
            member = self.invented.members[person.position - 1]
            household.describe_person(
                person,
                member,
                minor=member.age is not None and member.age < 18,
                by=self.staff.caseworker,
                version=person.version,
            )

    # --- Leaving the way (the way out's steps are demo_travel's) ------------------

    def _leave_the_way(self, stage: str, reason: str, day: date) -> None:
        self._leave_house(day)
        self._move(stage, reason)

    def _to_withdrawn(self, day: date) -> None:
        self._leave_the_way("withdrawn", "(demo) Decided to stay with a relative abroad.", day)

    def _to_lost_contact(self, day: date) -> None:
        self._leave_the_way("lost_contact", "(demo) No answer on any channel for weeks.", day)

    def _to_detained(self, day: date) -> None:
        self._leave_the_way("detained", "(demo) Detained at a checkpoint, says a friend.", day)

    def _to_deceased(self, day: date) -> None:
        self._leave_the_way("deceased", "(demo) Reported by the family; being confirmed.", day)

    def _to_closed(self, day: date) -> None:
        if self.plan.way != "transfer":
            self._move("closed", "(demo) Settled; the follow-up is done.")
            return
        partner = self.reference.partner
        assert partner is not None  # noqa: S101 (the demo made one)
        self._leave_house(day)
        for person in self.people():
            self._consent(person, "partner", day)
        sent = referrals.share(
            self.case,
            partner,
            kind="transfer",
            parts=["identity", "narrative"],
            by=self.staff.coordinator,
        )
        backdate(self.case, day)
        sent.refresh_from_db()
        referrals.answer_transfer(sent, accepted=True, on=day, by=self.staff.coordinator)

    def _as_it_is_now(self) -> None:
        """What a case waiting where it is today has besides its way there."""
        target, today = self.plan.target, self.today
        if target == "screening" and self.plan.way == "":
            kinds = CHECKS[1 : 1 + self.rng.randint(0, 3)]
            self._checks(kinds, self.plan.day_of("screening"), today)
        elif target in ("documents", "applied", "approved"):
            self._waiting_abroad()

    def refer(self) -> None:
        """Refer the case to the checked partner, with everyone's consent."""
        partner = self.reference.partner
        assert partner is not None  # noqa: S101 (the demo made one)
        day = self.plan.days[-1]
        for person in self.people():
            self._consent(person, "partner", day)
        referrals.share(
            self.case,
            partner,
            kind="referral",
            parts=["identity", "narrative"],
            by=self.staff.coordinator,
        )
        backdate(self.case, day)


# --- The whole programme --------------------------------------------------------------


@dataclass
class Loaded:
    requests: int
    cases: int
    by_stage: dict[str, int]
    tasks: int
    notes: int


def load(staff: Staff, reference: Reference, *, today: date | None = None) -> Loaded | None:
    """The programme, once: None if cases or requests are stored already.
    The caller holds every compartment's keys (the demo's ceremony)."""
    if Case.objects.exists() or Submission.objects.exists():
        return None
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    people = People(rng)
    plans = demo_programme.plan(rng, today)
    from_requests = sum(not plan.hotline for plan in plans)
    # One request is kept for the end: someone suspected of infiltration
    # writing again, under another name, from the same number.
    others = demo_programme.REQUESTS - from_requests - 1
    demo_requests.other_requests(people, rng, staff, today, others)
    referred = False
    cases = []
    post_save.connect(_remember, weak=False, dispatch_uid="demo-backdate")
    try:
        for plan in plans:
            walk = Walk(plan, staff, reference, rng, today)
            case = walk.run(*demo_requests.open_case(plan, people, rng, staff))
            if not referred and plan.target in ("documents", "applied"):
                walk.refer()
                referred = True
            cases.append(case)
    finally:
        post_save.disconnect(dispatch_uid="demo-backdate")
        _saved.clear()
    locked = next(case for case in cases if case.locked)
    demo_requests.returning(locked, people, today - timedelta(days=2))
    signals.index_pending(current_keyring(), limit=10_000)
    by_stage: dict[str, int] = {}
    for case in cases:
        by_stage[case.stage] = by_stage.get(case.stage, 0) + 1
    return Loaded(
        requests=Submission.objects.count(),
        cases=len(cases),
        by_stage=by_stage,
        tasks=demo_tasks(cases, staff, rng, today),
        notes=demo_notes(cases, staff, rng, today),
    )
