"""Indexes the event list's filters read alone: which events have an act of
some types (how far established) or in some places, and which acts some
kinds of perpetrator took part in (bench/documentation_pages.py)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0003_import_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="act",
            index=models.Index(
                fields=["act_type", "verification", "event", "id"], name="act_type_for_lists"
            ),
        ),
        migrations.AddIndex(
            model_name="act",
            index=models.Index(fields=["place_area", "event"], name="act_place_for_lists"),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(fields=["act", "perpetrator_type"], name="involvement_for_lists"),
        ),
    ]
