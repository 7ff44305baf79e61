"""Retention: what case records stop holding, and when.

The rules are data (``RULES``): which stages a rule applies to, from which
day it counts, how many days it waits (a default here, overridden by
settings.RETENTION_DAYS, from SAFEPASSAGE_RETENTION_<RULE>_DAYS; "off"
turns a rule off), and what it removes:

- ``after_arrival``: once a household has arrived (the case is arrived,
  asylum claimed, protected or closed) and its last journey's arrival is
  that many days old, where it stayed (stays.purge_stays: the houses and
  who stayed) and how it travelled (travel.purge_journey_details);
- ``declined`` and ``withdrawn``: once a case has been in that stage that
  many days, who its people are and everything written about them
  (forgetting.forget_identity).

``plan`` says what the rules would remove today, case by case, in counts
and case codes; ``apply`` removes it, each case in its own transaction and
checked again under its row lock (a case reopened meanwhile is left
alone). Both leave the pseudonymous statistics as they are: stages and
their dates, counts, the plain columns. Every case changed has its audit
entries, and every run one more (``retention.run``, or
``retention.previewed`` for a dry run).

A run is a background job of kind ``cases.retention`` (the jobs app's
runner): ``safepassage retention run`` runs one on the command line, and
``safepassage serve`` runs one a day in a worker (``run_if_due``, unless
SAFEPASSAGE_RETENTION_IN_SERVE is off). Nothing here needs keys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.cases import forgetting, stays, travel
from safepassage.cases.models import Case, Journey, JourneyLeg, Stage, Stay
from safepassage.jobs.kinds import Kind, Progress, register
from safepassage.jobs.models import Job, JobStatus
from safepassage.jobs.status import is_active

logger = logging.getLogger("safepassage.cases.retention")

S = Stage
ARRIVAL = "arrival"
STAGE = "stage"


@dataclass(frozen=True)
class Rule:
    key: str
    # The stages a case is in for the rule to apply to it.
    stages: tuple[str, ...]
    # The day it counts from: the last journey's arrival, or the day the
    # case entered its stage.
    start: str
    default_days: int | None
    # What it removes: "stays", "journeys", "identity".
    removes: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        key="after_arrival",
        stages=(S.ARRIVED, S.ASYLUM_CLAIMED, S.PROTECTED, S.CLOSED),
        start=ARRIVAL,
        default_days=90,
        removes=("stays", "journeys"),
    ),
    Rule(
        key="declined",
        stages=(S.DECLINED,),
        start=STAGE,
        default_days=180,
        removes=("identity",),
    ),
    Rule(
        key="withdrawn",
        stages=(S.WITHDRAWN,),
        start=STAGE,
        default_days=180,
        removes=("identity",),
    ),
)

KIND = "cases.retention"


def waits(rule: Rule) -> str:
    """How long ``rule`` waits, in words for the command line."""
    days = days_of(rule)
    if days is None:
        return "off"
    return f"{days} days after arrival" if rule.start == ARRIVAL else f"{days} days in the stage"


def rule_named(key: str) -> Rule:
    for rule in RULES:
        if rule.key == key:
            return rule
    raise LookupError(key)


def days_of(rule: Rule) -> int | None:
    """The days ``rule`` waits (None: off): settings.RETENTION_DAYS, else its default."""
    configured: dict[str, int | None] = getattr(settings, "RETENTION_DAYS", {})
    unknown = set(configured) - {known.key for known in RULES}
    if unknown:
        raise ImproperlyConfigured(f"RETENTION_DAYS names no rule: {', '.join(sorted(unknown))}")
    return configured.get(rule.key, rule.default_days)


def _ended_stays() -> Q:
    return Q(purged_on__isnull=True) & (Q(cancelled=True) | Q(left_on__isnull=False))


def _travel_held() -> Q:
    """Cases with where they stayed or how they travelled still kept."""
    stays_held = Stay.objects.filter(_ended_stays(), case=OuterRef("pk"))
    legs = JourneyLeg.objects.filter(journey__case=OuterRef("pk"), details__isnull=False)
    arrivals = Journey.objects.filter(case=OuterRef("pk"), arrival__isnull=False)
    return Q(Exists(stays_held)) | Q(Exists(legs)) | Q(Exists(arrivals))


def due(rule: Rule, today: date) -> QuerySet[Case]:
    """The cases ``rule`` applies to on ``today`` that still hold something it removes."""
    days = days_of(rule)
    if days is None:
        return Case.objects.none()
    cutoff = today - timedelta(days=days)
    cases = Case.objects.filter(stage__in=rule.stages)
    if rule.start == ARRIVAL:
        cases = cases.annotate(arrival=Max("journeys__arrived_on")).filter(arrival__lte=cutoff)
    else:
        cases = cases.filter(stage_since__lte=cutoff)
    if "identity" in rule.removes:
        cases = cases.filter(identity_purged_on__isnull=True)
    else:
        cases = cases.filter(_travel_held())
    return cases.order_by("code")


@dataclass
class Item:
    """One case a rule applies to, and what it removes (or removed) there."""

    rule: str
    code: str
    case_id: Any
    stays: int = 0
    journey_details: int = 0
    people: int = 0
    contacts: int = 0

    def counts(self) -> str:
        """What goes, in counts (never a name), for the command line."""
        parts = []
        if self.people:
            parts.append(f"{self.people} people's identity")
        if self.contacts:
            parts.append(f"{self.contacts} contact index entries")
        if self.stays:
            parts.append(f"{self.stays} stays")
        if self.journey_details:
            parts.append(f"{self.journey_details} journey legs and arrivals")
        return ", ".join(parts) or "nothing left"


def _held(rule: Rule, case: Case) -> Item:
    item = Item(rule.key, case.code, case.pk)
    if "identity" in rule.removes:
        held = forgetting.held(case)
        item.people, item.contacts = held.people, held.contacts
        item.stays, item.journey_details = held.stays, held.journey_details
        return item
    item.stays = case.stays.filter(_ended_stays()).count()
    item.journey_details = travel.journey_details_held(case)
    return item


def plan(today: date | None = None) -> list[Item]:
    """What the rules would remove on ``today`` (default: today), case by case."""
    today = today or timezone.localdate()
    return [_held(rule, case) for rule in RULES for case in due(rule, today)]


@transaction.atomic
def _apply_one(item: Item, today: date, by: str) -> Item | None:
    """Apply one rule to one case, if it still applies under the case's lock."""
    rule = rule_named(item.rule)
    case = Case.objects.select_for_update().filter(pk=item.case_id).first()
    if case is None or not due(rule, today).filter(pk=case.pk).exists():
        return None
    done = Item(rule.key, case.code, case.pk)
    if "identity" in rule.removes:
        forgotten = forgetting.forget_identity(case, by=by, rule=rule.key)
        done.people, done.contacts = forgotten.people, forgotten.contacts
        done.stays, done.journey_details = forgotten.stays, forgotten.journey_details
        return done
    if case.stays.filter(_ended_stays()).exists():
        done.stays = stays.purge_stays(case, by=by).stays
    done.journey_details = travel.purge_journey_details(case, by)
    return done


@dataclass
class Report:
    """What a run removed (or a dry run would remove)."""

    items: list[Item] = field(default_factory=list)
    dry_run: bool = False
    completed: bool = False

    def total(self, name: str) -> int:
        return sum(getattr(item, name) for item in self.items)

    def lines(self) -> list[str]:
        """The report for the command line: by rule, case codes and counts."""
        verb = "Would remove" if self.dry_run else "Removed"
        lines = []
        for rule in RULES:
            items = [item for item in self.items if item.rule == rule.key]
            lines.append(f"{rule.key} ({waits(rule)}): {len(items)} case(s)")
            lines += [f"  {item.code}: {verb.lower()} {item.counts()}" for item in items]
        cases = len({item.case_id for item in self.items})
        lines.append(
            f"{verb} in {cases} case(s): {self.total('people')} people's identity, "
            f"{self.total('stays')} stays, {self.total('journey_details')} journey legs "
            "and arrivals."
        )
        if not self.dry_run and not self.completed:
            lines.append("The run stopped before the end: run it again to finish.")
        return lines


def _record_run(report: Report, by: str) -> None:
    outcome = Outcome.OK if report.completed else Outcome.FAILED
    record(
        by,
        "retention.previewed" if report.dry_run else "retention.run",
        None,
        outcome=outcome,
        cases=len({item.case_id for item in report.items}),
        people=report.total("people"),
        stays=report.total("stays"),
        journey_details=report.total("journey_details"),
    )


def preview(by: str, today: date | None = None) -> Report:
    """A dry run: what the rules would remove, changing nothing (audited)."""
    report = Report(plan(today), dry_run=True, completed=True)
    _record_run(report, by)
    return report


def apply(by: str, *, today: date | None = None, progress: Progress | None = None) -> Report:
    """Remove what the rules say is due (see the module's docstring)."""
    today = today or timezone.localdate()
    report = Report()
    try:
        items = plan(today)
        for number, item in enumerate(items):
            if progress is not None:
                progress("purging", number / max(len(items), 1))
            done = _apply_one(item, today, by)
            if done is not None:
                report.items.append(done)
        report.completed = True
    finally:
        _record_run(report, by)
    logger.info("retention run: %d case(s)", len(report.items))
    return report


# --- As a background job -------------------------------------------------------------


def _work(job: Job, progress: Progress, *, by: str, report: list[Report]) -> None:
    report.append(apply(by, progress=progress))


def register_kind() -> None:
    register(
        Kind(
            KIND,
            _("Retention run"),
            _work,
            {"purging": _("removing what the retention rules no longer keep")},
        )
    )


def run(by: str, *, echo: Progress | None = None) -> Report:
    """A run as a job on this thread (the command line): its progress
    shows on the jobs' pages and the seal page while it lasts."""
    from safepassage.jobs import runner

    job = Job.objects.create(kind=KIND)
    reports: list[Report] = []
    runner.start(job, background=False, echo=echo, by=by, report=reports)
    return reports[0]


# --- Once a day, in `safepassage serve` ------------------------------------------------

# A run that ended well this recently is today's.
DAILY = timedelta(hours=23)
# How often each worker looks whether a run is due.
CHECK_SECONDS = 3600.0
_LOCK_ID = 0x5AFE_4E7E  # PostgreSQL advisory lock: one worker claims the day's run


def _claim() -> Job | None:
    """Today's run, if none has ended well in the last day and none is
    running; claimed by one process alone (a lock, then a new job row)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        # SQLite: the transaction began IMMEDIATE (settings), holding the write lock.
        recent = Job.objects.filter(kind=KIND, created__gte=timezone.now() - DAILY)
        for job in recent:
            if job.status == JobStatus.DONE or is_active(job):
                return None
        return Job.objects.create(kind=KIND)


def run_if_due(by: str = "system") -> Report | None:
    """Run the rules if no run ended well in the last day (None otherwise)."""
    job = _claim()
    if job is None:
        return None
    from safepassage.jobs import runner

    reports: list[Report] = []
    runner.start(job, background=False, by=by, report=reports)
    return reports[0] if reports else None


def keep_daily(stop: threading.Event, every: float = CHECK_SECONDS) -> None:
    """Look now, then every ``every`` seconds until ``stop``, whether a run is due."""
    while True:
        try:
            run_if_due()
        except Exception as error:  # the next look tries again; a worker never dies of it
            logger.error("retention run failed: %s", error.__class__.__name__)
        finally:
            connection.close()
        if stop.wait(every):
            return


def start_daily() -> Callable[[], None]:
    """Start looking once an hour on a thread of this process (a worker of
    `safepassage serve`); returns what stops it."""
    stop = threading.Event()
    threading.Thread(target=keep_daily, args=(stop,), name="retention", daemon=True).start()
    return stop.set
