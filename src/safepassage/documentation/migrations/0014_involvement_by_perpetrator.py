"""A person's involvements as a perpetrator found through an index of the
involvements that name someone (most name no one), which SQLite's planner
then uses."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0013_person_newest_first"),
    ]

    operations = [
        migrations.AlterField(
            model_name="involvement",
            name="perpetrator",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="involvements",
                to="documentation.person",
            ),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(
                condition=models.Q(("perpetrator__isnull", False)),
                fields=["perpetrator"],
                name="involvement_by_perpetrator",
            ),
        ),
    ]
