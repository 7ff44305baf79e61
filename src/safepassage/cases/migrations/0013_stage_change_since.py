"""Each line of a case's history says the day the case entered the stage
it left (``since``), so the dashboard reads the time in each stage from
the period's moves alone; the cases stuck longest are chosen in an index.
The lines already stored get the day of the case's move before them, or
the day the case was opened, as the dashboard computed it until now.
Indexes let the conditions asked through a record's case (a team's
overdue tasks, the reminders of the cases assigned to someone, the
funnel) read no case's row."""

from typing import Any

from django.db import migrations, models
from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def entered(apps: Any, schema_editor: Any) -> None:
    StageChange = apps.get_model("cases", "StageChange")
    Case = apps.get_model("cases", "Case")
    before = (
        StageChange.objects.filter(
            case=OuterRef("case"), kind="moved", number__lt=OuterRef("number")
        )
        .order_by("-number")
        .values("on")[:1]
    )
    opened = Case.objects.filter(pk=OuterRef("case")).values("opened_on")[:1]
    StageChange.objects.update(
        since=Coalesce(Subquery(before), Subquery(opened), output_field=DateField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_stage_change_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="stagechange",
            name="since",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(entered, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="stagechange",
            name="since",
            field=models.DateField(),
        ),
        migrations.RemoveIndex(model_name="stagechange", name="stage_change_on"),
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(
                fields=["on", "kind", "from_stage", "since"], name="stage_change_on"
            ),
        ),
        migrations.RemoveIndex(model_name="case", name="case_stage_since"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["stage", "stage_since", "code", "id", "team", "opened_by"],
                name="case_stage_since",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["id", "team", "stage", "assignee", "opened_by"], name="case_through"
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["done_on", "due_on", "case"], name="task_open_due"),
        ),
        migrations.RemoveIndex(model_name="case", name="case_opened"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["-opened_on", "code", "id", "stage", "team", "opened_by"],
                name="case_opened",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee", "stage", "code", "id"],
                name="case_assignee",
            ),
        ),
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(fields=["case", "kind", "to_stage"], name="stage_change_case"),
        ),
        migrations.AddIndex(
            model_name="traveldocument",
            index=models.Index(fields=["case", "status", "expires_on"], name="document_case"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["case", "appointment_on", "submitted_on", "decision"],
                name="application_case",
            ),
        ),
    ]
