"""The stays that continue a stay, in an index of those only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_testimony_withdrawal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="stay",
            name="moved_from",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="moved_to",
                to="cases.stay",
            ),
        ),
        migrations.AddIndex(
            model_name="stay",
            index=models.Index(
                condition=models.Q(("moved_from__isnull", False)),
                fields=["moved_from"],
                name="stay_moved_from",
            ),
        ),
    ]
