"""The daily work on a case: notes and tasks.

A note is free text about a case, sealed to casework, with its author and
the day it was written (days, not times, as every date of cases). A task
is something to do by a day, given to a member of staff who sees the
case; what to do is sealed to casework, who and when are plain, so lists
and the dashboard sort and count them without keys.

Reminders computed from dates (a travel document about to expire, an
appointment, a follow-up after arrival: cases.reminders) are not rows.
Marking one done keeps a Task row that names where it came from
(``source_kind``, ``source_id``, and the date it was computed from); such
a row has no title, and is always done.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.core import Case
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment


class Note(SealedModel):
    """A note on a case. Its author may change it (``version``: optimistic
    locking); nobody else can."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    # The note's place in the case's notes (1, 2, ...): newest first on the page.
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_on = models.DateField(default=timezone.localdate)
    # The day its author last changed it (None: never changed).
    changed_on = models.DateField(null=True, blank=True)
    text = EncryptedTextField(compartment=Compartment.CASEWORK)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("note")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_note_per_number")
        ]

    def __str__(self) -> str:
        return f"note {self.pk}"


class ReminderKind(models.TextChoices):
    """Where a reminder computed from dates comes from (cases.travel.Due.kind)."""

    DOCUMENT_EXPIRES = "document_expires", _("a travel document expires")
    APPOINTMENT = "appointment", _("an appointment")
    FOLLOW_UP = "follow_up", _("a follow-up after arrival")


class Task(SealedModel):
    """Something to do on a case by a day, and who does it. Done once
    ``done_on`` is set (by ``done_by``); opened again, it is cleared."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    # What to do (casework). None only for a reminder marked done.
    title = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
    )
    due_on = models.DateField()
    created_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A reminder marked done: its kind, the record it came from (a travel
    # document, an application or a journey) and the date that made it
    # (the expiry, the appointment, the arrival). Empty for other tasks.
    source_kind = models.CharField(
        max_length=20, choices=ReminderKind.choices, blank=True, default=""
    )
    source_id = models.UUIDField(null=True, blank=True)
    source_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "created_on", "id"]
        verbose_name = _("task")
        indexes = [
            # "My tasks", the dashboard: open tasks by owner, in the list's
            # order. Only open tasks, as "task_open" below: with "done_on"
            # a column here, SQLite took "owner, open" for a rare pair
            # (its statistics assume values evenly spread) and chose this
            # index for a team's tasks too.
            models.Index(
                fields=["owner", "due_on", "created_on", "id", "case"],
                name="task_owner_open",
                condition=Q(done_on__isnull=True),
            ),
            # A case's tasks; the case list's "overdue".
            models.Index(fields=["case", "done_on", "due_on"], name="task_case_due"),
            # A team's tasks and its overdue ones (the dashboard, "My teams'
            # tasks"): the open tasks in the list's order, each one's case
            # looked up by its key (Case's "case_through"), so a page of
            # them is found without sorting every open task of the team.
            # Only open tasks: "done_on IS NULL" as the index's condition,
            # not its first column, lets PostgreSQL walk it in order.
            models.Index(
                fields=["due_on", "created_on", "id", "case"],
                name="task_open",
                condition=Q(done_on__isnull=True),
            ),
            # Whether a reminder was marked done (reminders.py asks it for
            # every document, appointment and journey it counts). Only the
            # tasks made from reminders: most tasks have no source, and over
            # all of them SQLite's statistics made the index look useless
            # (one value, NULL), so each question read every task.
            models.Index(
                fields=["source_id", "source_kind", "source_on"],
                name="task_source",
                condition=Q(source_id__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "source_on"],
                condition=~Q(source_kind=""),
                name="one_task_per_reminder",
            ),
            models.CheckConstraint(
                condition=Q(source_kind="")
                | (
                    Q(source_id__isnull=False)
                    & Q(source_on__isnull=False)
                    & Q(done_on__isnull=False)
                ),
                name="a_reminder_task_is_done",
            ),
            models.CheckConstraint(
                condition=~Q(source_kind="") | Q(title__isnull=False),
                name="a_task_says_what_to_do",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.pk}"

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def from_reminder(self) -> bool:
        return bool(self.source_kind)

    def overdue(self, today: date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())
