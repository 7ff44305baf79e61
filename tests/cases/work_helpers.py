"""Cases, notes and tasks for the tests of notes, tasks and the dashboard."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django.test import Client
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases import notes, tasks
from safepassage.cases.models import Case, Note, Task
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, keyring_of, sign_in
from tests.cases.helpers import at_stage, open_household, person


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def team_case(org: Organisation, stage: str = "accepted", **fields: Any) -> Case:
    """A case of the team, in ``stage``."""
    case = open_household(org.coordinator, person("Zelim Principal"), person("Kheda Member"))
    Case.objects.filter(pk=case.pk).update(team=org.team)
    return at_stage(case, stage, **fields)


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def page(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    return html.unescape(response.content.decode())


def write_note(user: User, case: Case, text: str) -> Note:
    with using_keyring(keyring_of(user)):
        return notes.add_note(case, text=text, by=user)


def give_task(
    user: User,
    case: Case,
    title: str = "Call the embassy",
    *,
    owner: User | None = None,
    due_on: dt.date | None = None,
) -> Task:
    with using_keyring(keyring_of(user)):
        return tasks.add_task(
            case, title=title, owner=owner or user, due_on=due_on or days(3), by=user
        )


def overdue_task(user: User, case: Case, title: str = "Late", days_ago: int = 2, **kw: Any) -> Task:
    """A task given earlier, now past its day (set-up: nobody can give a
    task due in the past)."""
    task = give_task(user, case, title, **kw)
    Task.objects.filter(pk=task.pk).update(due_on=days(-days_ago))
    task.refresh_from_db()
    return task
