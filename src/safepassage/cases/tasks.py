"""Tasks and deadlines: named actions, and the case page's "Tasks" section.

A task is something to do on a case by a day, given to a member of staff
who sees the case (its *owner*); what to do is sealed to casework. The
team's caseworkers, verifiers and coordinators (Perm.ASSIGN_TASKS) add
tasks, change them, mark them done and open them again. Each action
checks what it needs, saves, and writes its audit entry; a change or a
"done" made from a page shown before someone else changed the task is
refused (``TaskConflict``) and saves nothing. A locked case takes no new
task and no change, as it takes no other change.

Reminders computed from dates (cases.reminders) sit beside the tasks: on
the case page, on "My tasks" and on the dashboard. Marking one done keeps
a done Task row that names it; opening it again removes that row.

``overdue_cases`` is the case list's "overdue": in a stage too long
(stages.overdue), an open task past its day, or a reminder overdue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import kept, reminders, stages
from safepassage.cases.access import may_own_tasks, visible_cases
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case, ReminderKind, Task
from safepassage.vault import bulk
from safepassage.vault.keyring import current_keyring_or_none

TITLE_LENGTH = 500
# Done tasks shown on the case page (the case's tasks page shows them all).
DONE_SHOWN = 5


class TaskConflict(Refused):
    """Someone changed the task after the page was shown: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this task after you opened the page: nothing was saved. "
                "Here is the task as it is now; make your change again if it is still needed."
            )
        )


def holds_casework() -> bool:
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("casework")


def owners_for(case: Case) -> list[User]:
    """Who can be given a task of ``case``: staff who see it and may take
    tasks, by username (two queries)."""
    return [user for user in kept.staff(case) if may_own_tasks(user)]


def may_work(user: User, case: Case) -> bool:
    """Whether ``user`` may add and change tasks of ``case`` (the caller
    has it from get_case_for): by role, and not while it is locked."""
    return user.is_active and user.can(Perm.ASSIGN_TASKS) and not case.locked


def _problems(by: User, case: Case) -> list[str]:
    if not by.is_active or not by.can(Perm.ASSIGN_TASKS):
        return [_("Your role does not let you give or change tasks.")]
    if not visible_cases(by).filter(pk=case.pk).exists():
        return [_("Your role does not let you give or change tasks.")]
    if Case.objects.filter(pk=case.pk, locked_on__isnull=False).exists():
        return [
            _(
                "This case is locked after a suspicion of infiltration: "
                "a coordinator must unlock it first."
            )
        ]
    return []


def _check_details(
    case: Case, title: str, owner: User | None, due_on: date | None, *, due_changed: bool
) -> list[str]:
    problems = []
    if not holds_casework():
        problems.append(_("What to do is sealed to the casework compartment: you need its keys."))
    if not title.strip():
        problems.append(_("Say what is to be done."))
    elif len(title.strip()) > TITLE_LENGTH:
        problems.append(_("Say it in fewer words (at most 500 characters)."))
    if owner is None or owner.pk not in {user.pk for user in owners_for(case)}:
        problems.append(_("Give the task to someone who works on this case."))
    if due_on is None:
        problems.append(_("Give the day it is due."))
    elif due_changed and due_on < timezone.localdate():
        problems.append(_("That day has passed: choose today or a later day."))
    return problems


def _touch(case: Case) -> None:
    """A task or note is work on the case: its "last change" day moves
    (its version does not: nobody's form on the case page goes stale)."""
    Case.objects.filter(pk=case.pk).update(changed_on=timezone.localdate())


@transaction.atomic
def add_task(case: Case, *, title: str, owner: User | None, due_on: date | None, by: User) -> Task:
    """Give ``owner`` a task on ``case``, due on ``due_on``."""
    problems = _problems(by, case) or _check_details(case, title, owner, due_on, due_changed=True)
    if problems or owner is None or due_on is None:
        raise Refused(*problems)
    task = Task(case=case, owner=owner, due_on=due_on, created_by=by)
    task.title = title.strip()
    task.save(force_insert=True)
    _touch(case)
    record(by, "case.task_added", case, task=f"task:{task.pk}", to=f"user:{owner.pk}")
    return task


def _take_version(task: Task, version: int) -> None:
    """Move the task from ``version`` to the next, or raise TaskConflict."""
    if Task.objects.filter(pk=task.pk, version=version).update(version=F("version") + 1) != 1:
        raise TaskConflict()
    task.version = version + 1


@transaction.atomic
def change_task(
    task: Task,
    *,
    title: str,
    owner: User | None,
    due_on: date | None,
    by: User,
    version: int,
) -> list[str]:
    """Change what a task says, who does it and by when. Returns the
    names of what changed (nothing saved if nothing did)."""
    case = task.case
    if task.from_reminder:
        raise Refused(_("A reminder marked done cannot be changed: open it again instead."))
    problems = _problems(by, case)
    if problems:
        raise Refused(*problems)
    if task.version != version:
        raise TaskConflict()
    problems = _check_details(case, title, owner, due_on, due_changed=due_on != task.due_on)
    if problems or owner is None:
        raise Refused(*problems)
    wanted = {"title": title.strip(), "owner_id": owner.pk, "due_on": due_on}
    changed = [name for name, value in wanted.items() if getattr(task, name) != value]
    if not changed:
        return []
    _take_version(task, version)
    for name in changed:
        setattr(task, name, wanted[name])
    task.save(update_fields=[*changed, "version"])
    _touch(case)
    names = [name.removesuffix("_id") for name in changed]
    details: dict[str, Any] = {"task": f"task:{task.pk}", "fields": names}
    if "owner_id" in changed:
        details["to"] = f"user:{owner.pk}"
        task.owner = owner
    record(by, "case.task_changed", case, **details)
    return names


@transaction.atomic
def finish_task(task: Task, *, by: User, version: int) -> None:
    """Mark a task done, today, by ``by``."""
    problems = _problems(by, task.case)
    if problems:
        raise Refused(*problems)
    if task.done:
        raise Refused(_("This task is already done."))
    _take_version(task, version)
    task.done_on = timezone.localdate()
    task.done_by = by
    task.save(update_fields=["done_on", "done_by", "version"])
    _touch(task.case)
    record(by, "case.task_done", task.case, task=f"task:{task.pk}")


@transaction.atomic
def reopen_task(task: Task, *, by: User, version: int) -> None:
    """Open a done task again (it was not done after all). A reminder
    marked done is opened again by removing the mark: the reminder shows
    again while its date still calls for it."""
    problems = _problems(by, task.case)
    if problems:
        raise Refused(*problems)
    if not task.done:
        raise Refused(_("This task is not done."))
    _take_version(task, version)
    if task.from_reminder:
        kind = task.source_kind
        Task.objects.filter(pk=task.pk).delete()
        record(by, "case.reminder_reopened", task.case, reminder=kind)
        return
    task.done_on = None
    task.done_by = None
    task.save(update_fields=["done_on", "done_by", "version"])
    record(by, "case.task_reopened", task.case, task=f"task:{task.pk}")


@transaction.atomic
def finish_reminder(
    case: Case, *, kind: str, record_id: uuid.UUID, source_on: date, by: User
) -> Task:
    """Mark a reminder of ``case`` done: a done Task row that names it, so
    it is not shown again. Refused if the reminder is no longer there (its
    record changed, or someone marked it done meanwhile)."""
    problems = _problems(by, case)
    if problems:
        raise Refused(*problems)
    today = timezone.localdate()
    try:
        reminder = reminders.find(case, kind, record_id, source_on, today)
    except LookupError:
        raise Refused(
            _("This reminder is no longer due: its record changed or someone marked it done.")
        ) from None
    task = Task(
        case=case,
        owner=case.assignee or by,
        due_on=reminder.on,
        created_by=by,
        done_on=today,
        done_by=by,
        source_kind=ReminderKind(kind).value,
        source_id=record_id,
        source_on=source_on,
    )
    try:
        with transaction.atomic():
            task.save(force_insert=True)
    except IntegrityError:
        raise Refused(
            _("This reminder is no longer due: its record changed or someone marked it done.")
        ) from None
    _touch(case)
    record(by, "case.reminder_done", case, reminder=task.source_kind)
    return task


# --- Overdue ---------------------------------------------------------------------------


def open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(done_on__isnull=True)


def late_work(today: date) -> Q:
    """The filter for cases with an open task past its day, or a reminder
    overdue and not marked done."""
    late = open_tasks().filter(case=OuterRef("pk"), due_on__lt=today)
    return Q(Exists(late)) | reminders.overdue_reminder_cases(today)


def overdue_cases(today: date | None = None) -> Q:
    """The case list's "overdue": a case in its stage longer than
    stages.STUCK_AFTER, or with late work (late_work)."""
    today = today or timezone.localdate()
    return stages.overdue(today) | late_work(today)


def cases_with_late_work(case_ids: list[uuid.UUID], today: date) -> set[uuid.UUID]:
    """Which of these cases have late work (late_work), in one query."""
    if not case_ids:
        return set()
    found = Case.objects.filter(late_work(today), pk__in=case_ids)
    return set(found.values_list("pk", flat=True))


# --- The case page's section -----------------------------------------------------------


@dataclass
class TaskLine:
    task: Task
    # What to do, for members of casework (None: sealed to them).
    title: str | None
    overdue: bool


@dataclass
class Section:
    case: Case
    open: list[TaskLine]
    reminders: list[reminders.Reminder]
    done: list[TaskLine]
    # How many done tasks there are in all (the page shows the last few).
    done_count: int
    readable: bool
    may_work: bool
    form: Any = None
    problems: list[str] = field(default_factory=list)


def with_their_cases(ids: Any) -> QuerySet[Task]:
    """The tasks of ``ids`` (a page of them, chosen and put in order
    without joins) with their case and owner, soonest first: only the
    page's rows are joined, as a case's row carries its sealed columns
    (PostgreSQL joined every case to choose eight tasks)."""
    chosen = Task.objects.filter(pk__in=list(ids)).select_related("case", "owner")
    return chosen.order_by("due_on", "created_on", "id")


def lines(tasks: Any, readable: bool, today: date) -> list[TaskLine]:
    """Tasks as shown (a queryset of them, or a list read already), their
    titles opened in one batch (vault.bulk) for members of casework."""
    rows = list(tasks)
    if readable:
        bulk.open_rows(rows, ["title"])
    return [TaskLine(task, task.title if readable else None, task.overdue(today)) for task in rows]


def section_context(
    request: HttpRequest,
    case: Case,
    *,
    form: Any = None,
    problems: list[str] | None = None,
    every_done: bool = False,
) -> dict[str, Any]:
    """The "Tasks" section of a case (its page, and the case's tasks page)."""
    from safepassage.cases.work_forms import TaskForm

    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    readable = holds_casework()
    working = may_work(user, case)
    # Every task of the case in one read (a case has tens, not thousands):
    # open ones soonest first, done ones latest first.
    every = list(Task.objects.filter(case=case).select_related("owner", "done_by"))
    for task in every:
        task.case = case
    done = sorted(
        (task for task in every if task.done_on is not None),
        key=lambda task: (task.done_on, task.due_on),
        reverse=True,
    )
    done_count = len(done)
    if not every_done:
        done = done[:DONE_SHOWN]
    if form is not None and form.is_bound and not (working and readable):
        # Refused to someone who may not give tasks here: the reasons, no form.
        problems = [*(problems or []), *form.non_field_errors()]
    if form is None and working and readable:
        form = TaskForm(owners=owners_for(case), initial={"owner": str(user.pk)})
    return {
        "tasks": Section(
            case=case,
            open=lines([task for task in every if task.done_on is None], readable, today),
            reminders=reminders.of_case(case, today),
            done=lines(done, readable, today),
            done_count=done_count,
            readable=readable,
            may_work=working,
            form=form if working and readable else None,
            problems=problems or [],
        )
    }


def section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case page's "Tasks" section (cases.views.SECTIONS)."""
    user: User = request.user  # type: ignore[assignment]
    if not user.can(Perm.VIEW_CASES):
        return None
    return section_context(request, case)
