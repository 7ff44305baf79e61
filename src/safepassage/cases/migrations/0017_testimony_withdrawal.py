"""A consent to testimony withdrawn after the hand-over: the day, and whether
the documentation was told."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_open_tasks_in_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="handedovertestimony",
            name="withdrawal_told",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="handedovertestimony",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True),
        ),
    ]
