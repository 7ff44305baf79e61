"""The people page before any search lists the newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0012_working_copies_made_elsewhere"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["-created_at", "-code"], name="person_newest_first"),
        ),
    ]
