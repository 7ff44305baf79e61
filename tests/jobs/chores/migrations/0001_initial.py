import django.db.models.deletion
from django.db import migrations, models

import safepassage.vault.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Count",
            fields=[
                (
                    "job_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="jobs.job",
                    ),
                ),
                ("upto", models.PositiveIntegerField(default=10)),
                ("counted", models.PositiveIntegerField(default=0)),
                (
                    "result",
                    safepassage.vault.fields.EncryptedJSONField(
                        blank=True, compartment="documentation", null=True, public_writes=True
                    ),
                ),
            ],
            bases=("jobs.job",),
        ),
    ]
