"""The demo's tasks and notes, where this installation has them
(cases.tasks, cases.notes: the feature modules are looked up, so the
demo loads without them): tasks for the owners of active cases, a third
of them overdue and some done, and notes by the caseworker, each made
through its action and dated on a day of the case's stage."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from safepassage.accounts.models import User
from safepassage.cases import stages
from safepassage.cases.errors import Refused
from safepassage.cases.models import Case
from safepassage.site.demo_programme import between
from safepassage.site.demo_reference import Staff

# What a case's owner has to do, by the stage it is in.
TASKS: dict[str, list[str]] = {
    "received": ["(demo) Call back on Signal to arrange the first interview."],
    "screening": [
        "(demo) Ask the partner in Grozny for a reference.",
        "(demo) Second interview, by another verifier.",
    ],
    "verified": ["(demo) Put the case to the coordinators on Monday."],
    "accepted": ["(demo) Find beds in a safe house.", "(demo) A SIM card not in their name."],
    "in_safe_house": [
        "(demo) Book the appointment for the foreign-travel passport.",
        "(demo) Weekly call: how are they holding up?",
    ],
    "documents": [
        "(demo) Translate and certify the birth certificates.",
        "(demo) Book the embassy appointment.",
    ],
    "applied": ["(demo) Ask the embassy about the decision."],
    "approved": ["(demo) Buy the tickets.", "(demo) Ask the partner abroad to meet them."],
    "travelling": ["(demo) Call them once they are past the border."],
    "arrived": ["(demo) Register at the reception centre."],
    "asylum_claimed": ["(demo) Prepare them for the asylum interview."],
    "protected": ["(demo) Last follow-up call before closing."],
}
NOTES_ON_CASES = [
    "(demo) Called them: safe for now, worried about the family.",
    "(demo) The household asked for a doctor; arranged through the partner.",
    "(demo) They prefer Telegram in the evenings.",
]


def _as_one_of(people: list[User], act: Callable[..., Any]) -> Any:
    """``act`` done by the first of ``people`` whose role allows it (the
    owner marks their task done, the caseworker writes a note; else the
    coordinator does)."""
    for by in people[:-1]:
        try:
            return act(by=by)
        except Refused:
            continue
    return act(by=people[-1])


def demo_tasks(cases: list[Case], staff: Staff, rng: random.Random, today: date) -> int:
    """Tasks for the owners of active cases, a third of them overdue and
    some done, where this installation has tasks (cases.tasks); else 0."""
    tasks: Any = stages.feature_module("safepassage.cases.tasks")
    if tasks is None:
        return 0
    made = 0
    for case in cases:
        if case.stage not in TASKS or case.locked or case.assignee is None:
            continue
        changed = case.changed_on
        for title in rng.sample(TASKS[case.stage], rng.randint(1, len(TASKS[case.stage]))):
            created = between(case.stage_since, today, rng.random())
            due = created + timedelta(days=rng.randint(2, 21))
            task = tasks.add_task(
                case, title=title, owner=case.assignee, due_on=today, by=staff.coordinator
            )
            type(task)._default_manager.filter(pk=task.pk).update(created_on=created, due_on=due)
            task.refresh_from_db()
            if due < today and rng.random() < 0.5:
                _as_one_of(
                    [case.assignee, staff.coordinator],
                    partial(tasks.finish_task, task, version=task.version),
                )
                type(task)._default_manager.filter(pk=task.pk).update(done_on=due)
            made += 1
        Case.objects.filter(pk=case.pk).update(changed_on=changed)
    return made


def demo_notes(cases: list[Case], staff: Staff, rng: random.Random, today: date) -> int:
    """Notes on accepted cases, by their caseworker, where this
    installation has notes (cases.notes); else 0."""
    notes: Any = stages.feature_module("safepassage.cases.notes")
    if notes is None:
        return 0
    made = 0
    for case in cases:
        if case.accepted_on is None or case.locked:
            continue
        for text in rng.sample(NOTES_ON_CASES, rng.randint(0, 2)):
            day = between(case.accepted_on, today, rng.random())
            note = _as_one_of(
                [staff.caseworker, staff.coordinator],
                partial(notes.add_note, case, text=text),
            )
            type(note)._default_manager.filter(pk=note.pk).update(written_on=day)
            made += 1
        Case.objects.filter(pk=case.pk).update(changed_on=case.changed_on)
    return made
