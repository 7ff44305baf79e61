"""An estimate keeps which of its run's lists it counted as one (by their ids)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0008_counted_list_origins"),
    ]

    operations = [
        migrations.AddField(
            model_name="estimate",
            name="joined",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
