"""Cases nobody has, most urgent first, walked in order in an index (the
dashboard's urgent cases without an owner, the case list's "nobody
assigned")."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_seal_authenticator_secrets"),
        ("cases", "0013_stage_change_since"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True)),
                fields=[
                    "-risk",
                    "-urgency",
                    "stage_since",
                    "code",
                    "stage",
                    "flags",
                    "team",
                    "opened_by",
                    "id",
                ],
                name="case_unowned",
            ),
        ),
    ]
