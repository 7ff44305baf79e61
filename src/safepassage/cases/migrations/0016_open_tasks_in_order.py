"""Open tasks in the list's order, in indexes of open tasks only (a team's,
and one owner's): a page of them is found without sorting all of them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_testimony_handover"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="task",
            name="task_owner_due",
        ),
        migrations.RemoveIndex(
            model_name="task",
            name="task_open_due",
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("done_on__isnull", True)),
                fields=["owner", "due_on", "created_on", "id", "case"],
                name="task_owner_open",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("done_on__isnull", True)),
                fields=["due_on", "created_on", "id", "case"],
                name="task_open",
            ),
        ),
    ]
