"""Tasks and deadlines: tasks with an owner and a due day, reminders
computed from a case's dates (a travel document about to expire, an
appointment, a follow-up after arrival), the case page's "Tasks"
section, "My tasks" with overdue ones marked, and the case list's
"overdue" filter that counts them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from safepassage.audit.models import AuditEntry
from safepassage.cases import access, reminders, tasks
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case, Task
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of
from tests.cases import travel_helpers as travel
from tests.cases.helpers import verifier_with_intake_only
from tests.cases.work_helpers import (
    client_of,
    days,
    give_task,
    overdue_task,
    page,
    team_case,
    today,
)

pytestmark = pytest.mark.django_db


def _section(html: str) -> str:
    found = re.search(r'<section id="tasks".*?</section>', html, re.S)
    assert found is not None, "the page has a Tasks section"
    return found.group(0)


def _rows(html: str) -> list[str]:
    """The rows of the task tables, as text with their classes."""
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', html, re.S)
    return [f"[{cls}] " + " ".join(re.sub(r"<[^>]+>", " ", row).split()) for cls, row in rows]


# --- Tasks ------------------------------------------------------------------------------


def test_it_gives_a_task_from_the_case_page(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    client = client_of(org.caseworker)
    response = client.post(
        f"/cases/{case.code}/tasks/new/",
        {"title": "Book the embassy appointment", "owner": org.coordinator.pk, "due_on": days(5)},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.code}/#tasks"
    task = Task.objects.get(case=case)
    assert (task.owner, task.due_on, task.created_by) == (org.coordinator, days(5), org.caseworker)
    assert task.title_sealed is not None
    assert b"Book the embassy" not in bytes(task.title_sealed)
    section = _section(page(client, f"/cases/{case.code}/"))
    assert "Book the embassy appointment" in section
    assert "coord" in section
    entry = AuditEntry.objects.get(action="case.task_added")
    assert entry.details == {"task": f"task:{task.pk}", "to": f"user:{org.coordinator.pk}"}


def test_bad_input_is_refused_with_messages_and_nothing_lost(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org)
    client = client_of(org.caseworker)
    empty = client.post(f"/cases/{case.code}/tasks/new/", {"title": "", "owner": "", "due_on": ""})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "Say what is to be done." in text
    assert "Give the day it is due." in text
    past = client.post(
        f"/cases/{case.code}/tasks/new/",
        {"title": "Ring the lawyer", "owner": org.caseworker.pk, "due_on": days(-1)},
    )
    assert past.status_code == 400
    shown = past.content.decode()
    assert "That day has passed: choose today or a later day." in shown
    assert 'value="Ring the lawyer"' in shown  # as typed
    assert '<details class="task-add" open>' in shown
    assert not Task.objects.exists()


def test_a_task_goes_only_to_someone_who_sees_the_case(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    owners = {user.username for user in tasks.owners_for(case)}
    assert owners == {"coord", "case"}
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(Refused) as refused:
        tasks.add_task(case, title="x", owner=org.outsider, due_on=days(1), by=org.caseworker)
    assert refused.value.problems == ["Give the task to someone who works on this case."]
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/tasks/new/",
        {"title": "x", "owner": org.outsider.pk, "due_on": days(1)},
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_it_marks_a_task_done_and_opens_it_again(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    task = give_task(org.caseworker, case, "Buy the train tickets")
    client = client_of(org.caseworker)
    response = client.post(
        f"/cases/{case.code}/tasks/{task.pk}/done/", {"version": "1", "back": "case"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.done_on, task.done_by, task.version) == (today(), org.caseworker, 2)
    section = _section(page(client, f"/cases/{case.code}/"))
    assert "No task is open and nothing is due." in section
    assert "done on" in section
    client.post(f"/cases/{case.code}/tasks/{task.pk}/reopen/", {"version": "2", "back": "case"})
    task.refresh_from_db()
    assert task.done_on is None
    actions = list(
        AuditEntry.objects.filter(action__startswith="case.task").values_list("action", flat=True)
    )
    assert actions == ["case.task_added", "case.task_done", "case.task_reopened"]


def test_a_change_from_an_old_page_saves_nothing(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    task = give_task(org.caseworker, case, "Original")
    client = client_of(org.caseworker)
    first = client.post(
        f"/cases/{case.code}/tasks/{task.pk}/",
        {"title": "Theirs", "owner": org.caseworker.pk, "due_on": days(3), "version": "1"},
    )
    assert first.status_code == 302
    stale = client.post(
        f"/cases/{case.code}/tasks/{task.pk}/",
        {"title": "Mine", "owner": org.caseworker.pk, "due_on": days(3), "version": "1"},
    )
    assert stale.status_code == 409
    shown = stale.content.decode()
    assert "Someone else changed this task after you opened the page" in shown
    assert 'value="Mine"' in shown
    assert "Theirs" in shown
    done = client.post(f"/cases/{case.code}/tasks/{task.pk}/done/", {"version": "1"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.done_on is None
    with using_keyring(keyring_of(org.caseworker)):
        assert task.title == "Theirs"


def test_a_locked_case_takes_no_task(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    task = give_task(org.caseworker, case)
    Case.objects.filter(pk=case.pk).update(locked_on=dt.date(2017, 4, 1))
    case.refresh_from_db()
    section = _section(page(client_of(org.caseworker), f"/cases/{case.code}/"))
    assert "A locked case takes no new task." in section
    assert "Mark done" not in section
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(Refused):
        tasks.finish_task(task, by=org.caseworker, version=1)


def test_an_outsider_gets_the_same_404_as_for_a_missing_case(
    org: Organisation, vault: Vault
) -> None:
    case = team_case(org)
    task = give_task(org.caseworker, case)
    outsider = client_of(org.outsider)
    for theirs, missing in [
        (f"/cases/{case.code}/tasks/", "/cases/C-ZZZZZZ/tasks/"),
        (f"/cases/{case.code}/tasks/{task.pk}/", f"/cases/C-ZZZZZZ/tasks/{task.pk}/"),
        (
            f"/cases/{case.code}/tasks/{task.pk}/",
            f"/cases/{case.code}/tasks/00000000-0000-0000-0000-000000000000/",
        ),
    ]:
        a, b = outsider.get(theirs), outsider.get(missing)
        assert a.status_code == b.status_code == 404
        assert comparable(a) == comparable(b)
    for action in ("done", "reopen"):
        response = outsider.post(f"/cases/{case.code}/tasks/{task.pk}/{action}/", {"version": "1"})
        assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_on is None


def test_without_casework_keys_one_sees_when_not_what(org: Organisation, vault: Vault) -> None:
    case = team_case(org, "screening")
    give_task(org.coordinator, case, "Second interview by video", owner=org.coordinator)
    reader = verifier_with_intake_only(org, vault)
    section = _section(page(client_of(reader), f"/cases/{case.code}/"))
    assert "Second interview by video" not in section
    assert "sealed (casework)" in section
    assert "Add a task" not in section


# --- My tasks ---------------------------------------------------------------------------


def test_my_tasks_lists_mine_soonest_first_overdue_marked(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    give_task(org.caseworker, case, "Later", due_on=days(9))
    overdue_task(org.caseworker, case, "Yesterday's", days_ago=1)
    give_task(org.caseworker, case, "Today", due_on=today())
    give_task(org.coordinator, case, "Someone else's", owner=org.coordinator)
    done = give_task(org.caseworker, case, "Done already")
    with using_keyring(keyring_of(org.caseworker)):
        tasks.finish_task(done, by=org.caseworker, version=1)
    html = page(client_of(org.caseworker), "/cases/tasks/")
    rows = _rows(html)
    assert [row.split(case.code, 1)[1].split(" case ")[0].strip() for row in rows] == [
        "Yesterday's",
        "Today",
        "Later",
    ]
    assert rows[0].startswith("[task overdue-row]")
    assert "overdue" in rows[0]
    assert "overdue" not in rows[1]
    assert "1 task is overdue." in html
    entry = AuditEntry.objects.filter(action="case.tasks_viewed").last()
    assert entry is not None
    assert entry.details == {"view": "mine", "shown": 3, "narrative": True}


def test_my_teams_tasks_show_every_owner(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    give_task(org.caseworker, case, "Mine")
    give_task(org.coordinator, case, "The coordinator's", owner=org.coordinator)
    html = page(client_of(org.caseworker), "/cases/tasks/?who=team")
    assert "My teams' tasks" in html
    assert "Mine" in html
    assert "The coordinator's" in html


def test_a_task_on_a_case_no_longer_seen_leaves_my_tasks(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    give_task(org.caseworker, case, "Gone elsewhere")
    Case.objects.filter(pk=case.pk).update(team=org.other_team)
    html = page(client_of(org.caseworker), "/cases/tasks/")
    assert "Gone elsewhere" not in html
    assert "No task is waiting for you." in html


def test_done_from_my_tasks_goes_back_there(org: Organisation, vault: Vault) -> None:
    case = team_case(org)
    task = give_task(org.caseworker, case)
    response = client_of(org.caseworker).post(
        f"/cases/{case.code}/tasks/{task.pk}/done/", {"version": "1", "back": "mine"}
    )
    assert response["Location"] == "/cases/tasks/"


def test_more_tasks_cost_no_more_queries(org: Organisation, vault: Vault) -> None:
    cases = [team_case(org) for _ in range(2)]
    client = client_of(org.caseworker)
    give_task(org.caseworker, cases[0])
    page(client, "/cases/tasks/")
    with CaptureQueriesContext(connection) as few:
        page(client, "/cases/tasks/")
    for n in range(12):
        case = team_case(org) if n % 3 == 0 else cases[n % 2]
        Case.objects.filter(pk=case.pk).update(assignee=org.caseworker)
        give_task(org.caseworker, case, f"Task {n}")
        overdue_task(org.caseworker, case, f"Late {n}")
    with CaptureQueriesContext(connection) as many:
        page(client, "/cases/tasks/")
        page(client, f"/cases/{cases[0].code}/")
    with CaptureQueriesContext(connection) as one_case:
        page(client, f"/cases/{cases[0].code}/")
    assert len(many.captured_queries) - len(one_case.captured_queries) <= len(few.captured_queries)


# --- Reminders computed from dates ------------------------------------------------------


def _travel_case(org: Organisation) -> Case:
    case = travel.household_case(org)
    Case.objects.filter(pk=case.pk).update(assignee=org.caseworker)
    case.refresh_from_db()
    return case


def test_a_document_about_to_expire_is_a_reminder_then_overdue(
    org: Organisation, vault: Vault
) -> None:
    case = _travel_case(org)
    principal, member = travel.people(case)
    travel.document(org.caseworker, principal, expires_on=days(30))
    travel.document(org.caseworker, member, expires_on=days(-2))
    travel.document(org.caseworker, member, expires_on=days(400))
    found = reminders.reminders(Q(pk=case.pk), today())
    assert [(r.kind, r.on, r.overdue) for r in found] == [
        ("document_expires", days(-2), True),
        ("document_expires", days(30), False),
    ]
    rows = _rows(_section(page(client_of(org.caseworker), f"/cases/{case.code}/")))
    assert rows[0].startswith("[reminder overdue-row] A travel document expired")
    assert rows[1].startswith("[reminder] A travel document expires")
    # My tasks counts the overdue reminder as the dashboard does.
    assert "1 reminder is overdue." in page(client_of(org.caseworker), "/cases/tasks/")


def test_my_teams_reminders_are_paged(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safepassage.cases import task_views

    monkeypatch.setattr(task_views, "PAGE_SIZE", 2)
    case = _travel_case(org)
    principal, member = travel.people(case)
    travel.document(org.caseworker, principal, expires_on=days(-3))
    travel.document(org.caseworker, member, expires_on=days(10))
    travel.document(org.caseworker, member, expires_on=days(20))
    client = client_of(org.caseworker)
    first = page(client, "/cases/tasks/?who=team")
    assert "Page 1 of 2" in first
    assert "reminders_page=2" in first
    assert first.count("A travel document expire") == 2
    # The count of overdue reminders is of them all, whatever the page.
    second = page(client, "/cases/tasks/?who=team&reminders_page=2")
    assert second.count("A travel document expire") == 1
    assert "1 reminder is overdue." in second
    assert "A travel document expired" in first  # soonest first
    assert "A travel document expired" not in second


def test_an_appointment_is_a_reminder_and_overdue_if_nothing_was_submitted(
    org: Organisation, vault: Vault
) -> None:
    case = _travel_case(org)
    travel.application(org.caseworker, case, appointment_on=days(10))
    passed = travel.application(
        org.caseworker, case, pathway=travel.pathway("FR"), appointment_on=days(-3)
    )
    found = reminders.reminders(Q(pk=case.pk), today())
    assert [(r.kind, r.on, r.overdue) for r in found] == [
        ("appointment", days(-3), True),
        ("appointment", days(10), False),
    ]
    with using_keyring(keyring_of(org.caseworker)):
        from safepassage.cases import travel_actions

        travel_actions.change_application(
            passed, version=passed.version, by=org.caseworker, submitted_on=days(-3)
        )
    found = reminders.reminders(Q(pk=case.pk), today())
    assert [(r.kind, r.on) for r in found] == [("appointment", days(10))]


def test_an_arrival_brings_a_follow_up(org: Organisation, vault: Vault) -> None:
    case = _travel_case(org)
    travel.pathway("DE")
    trip = travel.journey(org.caseworker, case)
    travel.arrive(org.caseworker, trip, on=days(-20))
    found = reminders.reminders(Q(pk=case.pk), today())
    follow_up = days(-20 + reminders.FOLLOW_UP_AFTER)
    assert [(r.kind, r.on, r.overdue) for r in found] == [("follow_up", follow_up, True)]
    html = page(client_of(org.caseworker), "/cases/tasks/")
    assert "A follow-up after arrival" in html


def test_a_case_off_the_way_has_no_reminders(org: Organisation, vault: Vault) -> None:
    case = _travel_case(org)
    principal, _member = travel.people(case)
    travel.document(org.caseworker, principal, expires_on=days(-2))
    Case.objects.filter(pk=case.pk).update(stage="withdrawn")
    assert reminders.reminders(Q(pk=case.pk), today()) == []


def test_a_reminder_marked_done_goes_until_its_date_changes(
    org: Organisation, vault: Vault
) -> None:
    case = _travel_case(org)
    principal, _member = travel.people(case)
    document = travel.document(org.caseworker, principal, expires_on=days(20))
    client = client_of(org.caseworker)
    response = client.post(
        f"/cases/{case.code}/tasks/reminders/done/",
        {
            "kind": "document_expires",
            "record": str(document.pk),
            "source_on": days(20).isoformat(),
            "back": "case",
        },
    )
    assert response.status_code == 302
    assert reminders.reminders(Q(pk=case.pk), today()) == []
    marked = Task.objects.get(case=case)
    assert (marked.source_kind, marked.done_by, marked.title_sealed) == (
        "document_expires",
        org.caseworker,
        None,
    )
    section = _section(page(client, f"/cases/{case.code}/"))
    assert "A travel document expires" in section  # among the done
    again = client.post(
        f"/cases/{case.code}/tasks/reminders/done/",
        {"kind": "document_expires", "record": str(document.pk), "source_on": "2017-01-01"},
    )
    assert again.status_code == 302
    assert Task.objects.count() == 1
    with using_keyring(keyring_of(org.caseworker)):
        from safepassage.cases import travel_actions

        travel_actions.change_travel_document(
            document, version=document.version, by=org.caseworker, expires_on=days(25)
        )
    assert [r.on for r in reminders.reminders(Q(pk=case.pk), today())] == [days(25)]
    client.post(f"/cases/{case.code}/tasks/{marked.pk}/reopen/", {"version": "1"})
    assert not Task.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="case.reminder").values_list(
            "action", "details"
        )
    )
    assert actions == [
        ("case.reminder_done", {"reminder": "document_expires"}),
        ("case.reminder_reopened", {"reminder": "document_expires"}),
    ]


# --- The case list's "overdue" ----------------------------------------------------------


def test_the_case_lists_overdue_filter_counts_tasks_and_reminders(
    org: Organisation, vault: Vault
) -> None:
    quiet = team_case(org)
    late_task = team_case(org)
    overdue_task(org.caseworker, late_task)
    late_reminder = _travel_case(org)
    principal, _member = travel.people(late_reminder)
    travel.document(org.caseworker, principal, expires_on=days(-1))
    stuck = team_case(org, "accepted", stage_since=days(-60))
    html = page(client_of(org.caseworker), "/cases/?overdue=on&stage=")
    codes = set(re.findall(r'<a href="/cases/(C-\w+)/">', html))
    assert codes == {late_task.code, late_reminder.code, stuck.code}
    assert quiet.code not in html
    assert html.count("task overdue") == 2


def test_the_overdue_filter_and_the_reminders_agree(org: Organisation, vault: Vault) -> None:
    cases = [_travel_case(org) for _ in range(4)]
    people = [travel.people(case)[0] for case in cases]
    travel.document(org.caseworker, people[0], expires_on=days(-1))
    travel.document(org.caseworker, people[1], expires_on=days(1))
    travel.application(org.caseworker, cases[2], appointment_on=days(-1))
    trip = travel.journey(org.caseworker, cases[3])
    travel.arrive(org.caseworker, trip, on=days(-reminders.FOLLOW_UP_AFTER - 1))
    every = Case.objects.all()
    overdue = {r.case_id for r in reminders.reminders(Q(), today()) if r.overdue}
    filtered = set(
        every.filter(reminders.overdue_reminder_cases(today())).values_list("pk", flat=True)
    )
    assert overdue == filtered == {cases[0].pk, cases[2].pk, cases[3].pk}
    assert reminders.overdue_reminder_count(Q(), today()) == 3
    # A condition on the cases is asked through each record's case.
    two = Q(pk__in=[cases[0].pk, cases[1].pk])
    assert reminders.overdue_reminder_count(two, today()) == 1


def test_a_long_list_of_tasks_is_counted_only_as_far_as_needed(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past paging.COUNTED_UP_TO, the pager says "of more than" and the
    overdue count "more than"; the next page is always reachable, and a
    page asked for far ahead is counted that far."""
    from safepassage.cases import paging, task_views

    monkeypatch.setattr(task_views, "PAGE_SIZE", 1)
    monkeypatch.setattr(paging, "COUNTED_UP_TO", 2)
    case = team_case(org)
    for number in range(3):
        overdue_task(org.coordinator, case, f"Late {number}", days_ago=10 - number)
    give_task(org.coordinator, case, "Later", due_on=days(5))
    client = client_of(org.caseworker)
    first = page(client, "/cases/tasks/?who=team")
    assert "Page 1 of more than 2" in first
    assert "More than 2 tasks are overdue." in first
    assert "page=2" in first
    second = page(client, "/cases/tasks/?who=team&page=2")
    assert "Page 2 of more than 3" in second
    assert "page=3" in second
    last = page(client, "/cases/tasks/?who=team&page=4")
    assert "Page 4 of 4" in last
    assert "Later" in last
    assert 'rel="next"' not in last
    assert all(f"Late {number}" not in last for number in range(3))
    # Nonsense or huge page numbers give a page, never an error.
    for asked in ("x", "-3", str(10**30)):
        assert "Page " in page(client, f"/cases/tasks/?who=team&page={asked}")
    russian = client_of(org.caseworker)
    russian.cookies["django_language"] = "ru"
    text = page(russian, "/cases/tasks/?who=team")
    assert "of more than" not in text
    assert "Просрочено больше 2 задач." in text
    assert "из более чем 2" in text


def test_reminders_are_the_same_whichever_way_the_records_are_read(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past reminders._FEW_CASES cases, documents and appointments are read
    from their dates first when fewer of them are near their dates than
    there are cases (each record's case then checked): the same
    reminders, for the same cases only, either way."""
    case = _travel_case(org)
    other = travel.household_case(org)  # another team's, and nobody's
    Case.objects.filter(pk=other.pk).update(team=org.other_team)
    for who, person in ((case, travel.people(case)[0]), (other, travel.people(other)[0])):
        travel.document(org.caseworker, person, expires_on=days(-2))
        travel.document(org.caseworker, person, expires_on=days(30))
        travel.application(org.caseworker, who, appointment_on=days(5))
    mine = access.case_rule(org.caseworker) & Q(assignee=org.caseworker)
    looked_up = reminders.reminders(mine, today())
    assert reminders._records_first(mine, today()) == frozenset()  # a caseworker's few cases
    monkeypatch.setattr(reminders, "_FEW_CASES", 0)
    assert reminders._records_first(mine, today()) == frozenset()  # 1 case, more records
    for _ in range(5):
        travel.household_case(org)  # more cases on the way than records near their dates
    team = access.case_rule(org.coordinator)
    first = reminders._records_first(team, today())
    assert first == frozenset({"document_expires", "appointment"})
    # Seven cases, four documents and two appointments near their dates:
    # the cases are counted as far as the choice needs (past _FEW_CASES,
    # then past the four documents), not all of them.
    monkeypatch.setattr(reminders, "_FEW_CASES", 1)
    with CaptureQueriesContext(connection) as counted:
        assert reminders._records_first(team, today()) == first
    bounds = [
        int(limit)
        for query in counted.captured_queries
        if '"cases_case"' in query["sql"]
        for limit in re.findall(r"LIMIT (\d+)", query["sql"])
    ]
    assert bounds == [2, 5]
    monkeypatch.setattr(reminders, "_FEW_CASES", 0)
    every = reminders.reminders(team, today())
    monkeypatch.setattr(reminders, "_FEW_CASES", 10**6)
    assert reminders._records_first(team, today()) == frozenset()
    assert [r.key for r in reminders.reminders(team, today())] == [r.key for r in every]
    assert {r.case_id for r in every} == {case.pk, other.pk}
    monkeypatch.setattr(reminders, "_FEW_CASES", 0)
    assert [r.key for r in reminders.reminders(mine, today())] == [r.key for r in looked_up]
    assert {r.case_id for r in looked_up} == {case.pk}
    assert len(looked_up) == 3
