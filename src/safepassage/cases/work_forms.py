"""The forms of notes and tasks. Each form that changes a note or a task
carries the version it was shown with (optimistic locking)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models import ReminderKind
from safepassage.cases.notes import NOTE_LENGTH
from safepassage.cases.tasks import TITLE_LENGTH
from safepassage.cases.travel_forms import DateInput


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Read only by members of the casework compartment. Use the case's code, not names."
        ),
        error_messages={"required": _("Write the note first.")},
    )


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TaskForm(forms.Form):
    """What to do, who does it, by when."""

    title = forms.CharField(
        label=_("What is to be done"),
        max_length=TITLE_LENGTH,
        help_text=_("Read only by members of the casework compartment."),
        error_messages={"required": _("Say what is to be done.")},
    )
    owner = forms.ChoiceField(label=_("Who does it"))
    due_on = forms.DateField(
        label=_("Due on"),
        widget=DateInput(),
        error_messages={"required": _("Give the day it is due.")},
    )

    def __init__(self, *args: Any, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(user.pk): user for user in owners}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (a programming error)
        field.choices = [("", "—"), *[(pk, user.username) for pk, user in self.owners.items()]]

    def clean_owner(self) -> User | None:
        return self.owners.get(self.cleaned_data.get("owner") or "")


class TaskEditForm(TaskForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Where a "done" pressed on a list goes back to.
BACK = [("case", "case"), ("mine", "mine"), ("team", "team"), ("tasks", "tasks")]


class DoneForm(forms.Form):
    """Marking a task done, or opening it again, from a list."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    back = forms.ChoiceField(choices=BACK, required=False, widget=forms.HiddenInput)


class ReminderDoneForm(forms.Form):
    """Marking a reminder done: which one (kind, record, the date it comes from)."""

    kind = forms.ChoiceField(choices=ReminderKind.choices, widget=forms.HiddenInput)
    record = forms.UUIDField(widget=forms.HiddenInput)
    source_on = forms.DateField(widget=forms.HiddenInput)
    back = forms.ChoiceField(choices=BACK, required=False, widget=forms.HiddenInput)


class MyTasksForm(forms.Form):
    """Whose tasks "My tasks" shows."""

    who = forms.ChoiceField(
        label=_("Show"),
        choices=[("mine", _("mine")), ("team", _("my teams'"))],
        required=False,
    )
