"""The event list's order in an index, with what a reader's visibility asks."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0010_event_has_acts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["-period_from", "code", "confidentiality", "created_by", "id"],
                name="event_newest_first",
            ),
        ),
    ]
