"""Pages of tasks: "My tasks" (/cases/tasks/), a case's tasks
(/cases/<code>/tasks/), adding and changing a task, marking a task or a
reminder done and opening it again. Views parse, call one action of
cases.tasks, and either go back with a message or show the form again as
it was sent, with what stood in the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases import paging, reminders, tasks
from safepassage.cases.access import case_rule, get_case_for, get_task_for
from safepassage.cases.conditions import through
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case
from safepassage.cases.paging import CountedUpTo
from safepassage.cases.work_forms import (
    DoneForm,
    MyTasksForm,
    ReminderDoneForm,
    TaskEditForm,
    TaskForm,
)

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(case: Case, back: str) -> HttpResponse:
    if back == "mine":
        return redirect("cases:my_tasks")
    if back == "team":
        return redirect(reverse("cases:my_tasks") + "?who=team")
    if back == "tasks":
        return redirect("cases:tasks", code=case.code)
    return redirect(reverse("cases:case", args=[case.code]) + "#tasks")


def _tasks_page(request: HttpRequest, case: Case, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = tasks.section_context(request, case, every_done=True, **kwargs)
    return render(request, "cases/tasks.html", {"case": case, **context}, status=status)


@require_GET
def case_tasks_view(request: HttpRequest, code: str) -> HttpResponse:
    """A case's tasks on a page of their own, with every done task."""
    user = _user(request)
    case = get_case_for(user, code)
    response = _tasks_page(request, case)
    record(user, "case.tasks_viewed", case, view="one_case", narrative=tasks.holds_casework())
    return response


@require_POST
def task_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    require(user, Perm.ASSIGN_TASKS)
    form = TaskForm(request.POST, owners=tasks.owners_for(case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            tasks.add_task(
                case, title=data["title"], owner=data["owner"], due_on=data["due_on"], by=user
            )
        except Refused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The task was added."))
            return redirect(reverse("cases:case", args=[case.code]) + "#tasks")
    return _tasks_page(request, case, status=400, form=form)


@require_http_methods(["GET", "POST"])
def task_edit_view(request: HttpRequest, code: str, task_id: str) -> HttpResponse:
    user = _user(request)
    task = get_task_for(user, code, task_id)
    case = task.case
    if task.from_reminder:
        raise deny(user, "task", case)
    if not tasks.holds_casework():
        raise deny(user, "compartment", "compartment:casework")
    owners = tasks.owners_for(case)
    status = 200
    conflict = False
    if request.method == "POST":
        form = TaskEditForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = tasks.change_task(
                    task,
                    title=data["title"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    by=user,
                    version=data["version"],
                )
            except Refused as refused:
                for problem in refused.problems:
                    form.add_error(None, problem)
                conflict = isinstance(refused, tasks.TaskConflict)
            else:
                messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
                return redirect(reverse("cases:case", args=[case.code]) + "#tasks")
        # Shown again as typed, with the task's version now: sent again
        # after a look at the task as it is, it is checked against this.
        task.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(task.version)
        form.data = data
        status = 409 if conflict else 400
    else:
        form = TaskEditForm(
            owners=owners,
            initial={
                "title": task.title,
                "owner": str(task.owner_id or ""),
                "due_on": task.due_on,
                "version": task.version,
            },
        )
        record(user, "case.tasks_viewed", case, view="task", narrative=True)
    context = {"case": case, "task": task, "current_title": task.title, "form": form}
    return render(request, "cases/task_edit.html", context, status=status)


def _run(request: HttpRequest, action: Any, done: str) -> None:
    """Run an action from a list's button; a refusal is said above the page."""
    try:
        action()
    except Refused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
    else:
        messages.success(request, done)


@require_POST
def task_done_view(request: HttpRequest, code: str, task_id: str) -> HttpResponse:
    user = _user(request)
    task = get_task_for(user, code, task_id)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: look at the task again."))
        return _back(task.case, "case")
    version = form.cleaned_data["version"]
    _run(request, lambda: tasks.finish_task(task, by=user, version=version), _("Done."))
    return _back(task.case, form.cleaned_data["back"])


@require_POST
def task_reopen_view(request: HttpRequest, code: str, task_id: str) -> HttpResponse:
    user = _user(request)
    task = get_task_for(user, code, task_id)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: look at the task again."))
        return _back(task.case, "case")
    version = form.cleaned_data["version"]
    _run(
        request,
        lambda: tasks.reopen_task(task, by=user, version=version),
        _("The task is open again."),
    )
    return _back(task.case, form.cleaned_data["back"])


@require_POST
def reminder_done_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    require(user, Perm.ASSIGN_TASKS)
    form = ReminderDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: look at the reminders again."))
        return _back(case, "case")
    data = form.cleaned_data
    _run(
        request,
        lambda: tasks.finish_reminder(
            case, kind=data["kind"], record_id=data["record"], source_on=data["source_on"], by=user
        ),
        _("Done."),
    )
    return _back(case, data["back"])


# --- My tasks --------------------------------------------------------------------------


@dataclass
class MyTasks:
    who: str
    lines: list[tasks.TaskLine]
    reminders: list[reminders.Reminder]
    overdue: int
    # Overdue reminders, counted apart (the dashboard's card adds both).
    overdue_reminders: int
    readable: bool
    may_work: bool
    today: date
    # Overdue tasks past paging.COUNTED_UP_TO: "more than".
    more_overdue: bool = False


def _my_tasks(
    user: User, who: str, page_number: str | None, reminders_page: str | None = None
) -> tuple[MyTasks, Any, Any]:
    today = timezone.localdate()
    # Through the case (conditions.through): from the tasks, not from
    # every case the reader sees.
    rule = case_rule(user)
    if who == "team":
        cases = rule & Q(team_id__in=user.team_ids)
        chosen = tasks.open_tasks().filter(through(cases))
    else:
        cases = rule & Q(assignee=user)
        chosen = tasks.open_tasks().filter(through(rule), owner=user)
    # A page of ids first (ordered without joining the cases), then its rows.
    chosen = chosen.order_by("due_on", "created_on", "id")
    page = CountedUpTo(chosen.values_list("pk", flat=True), PAGE_SIZE, page_number).get_page(
        page_number
    )
    overdue, more_overdue = paging.counted(chosen.filter(due_on__lt=today))
    readable = tasks.holds_casework()
    due = reminders.reminders(cases, today)
    # Paged as the tasks are: a team's cases can have thousands due.
    due_page = Paginator(due, PAGE_SIZE).get_page(reminders_page)
    shown = MyTasks(
        who=who,
        lines=tasks.lines(tasks.with_their_cases(page.object_list), readable, today),
        reminders=list(due_page.object_list),
        overdue=overdue,
        more_overdue=more_overdue,
        overdue_reminders=sum(1 for reminder in due if reminder.overdue),
        readable=readable,
        may_work=user.can(Perm.ASSIGN_TASKS),
        today=today,
    )
    return shown, page, due_page


@require_GET
def my_tasks_view(request: HttpRequest) -> HttpResponse:
    """The tasks given to me (or to my teams), soonest first, overdue ones
    marked, and the reminders of the cases assigned to me (or my teams')."""
    user = _user(request)
    require(user, Perm.ASSIGN_TASKS)
    form = MyTasksForm(request.GET)
    who = (form.cleaned_data.get("who") if form.is_valid() else "") or "mine"
    shown, page, due_page = _my_tasks(
        user, who, request.GET.get("page"), request.GET.get("reminders_page")
    )
    record(
        user,
        "case.tasks_viewed",
        None,
        view=who,
        shown=len(shown.lines),
        narrative=shown.readable,
    )
    context = {"form": form, "mine": shown, "page": page, "due_page": due_page}
    return render(request, "cases/my_tasks.html", context)
