"""Jobs can be cancelled and started again with the same inputs: each
attempt is numbered and timed, runs keep the database they linked on and
estimates the latent-class sampler's length."""

from django.db import migrations, models

STATUSES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("interrupted", "Interrupted"),
    ("cancelled", "Cancelled"),
]


def _job_fields(model_name: str) -> list[migrations.operations.base.Operation]:
    return [
        migrations.AddField(
            model_name=model_name,
            name="started",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="attempt",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name=model_name,
            name="cancel_requested",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="status",
            field=models.CharField(choices=STATUSES, default="queued", max_length=12),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0002_linkage_runs"),
    ]

    operations = [
        *_job_fields("linkagerun"),
        *_job_fields("estimate"),
        migrations.AddField(
            model_name="linkagerun",
            name="backend",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name="estimate",
            name="classes",
            field=models.PositiveSmallIntegerField(default=10),
        ),
        migrations.AddField(
            model_name="estimate",
            name="burn_in",
            field=models.PositiveIntegerField(default=10000),
        ),
        migrations.AddField(
            model_name="estimate",
            name="samples",
            field=models.PositiveIntegerField(default=1000),
        ),
        migrations.AddField(
            model_name="estimate",
            name="thinning",
            field=models.PositiveIntegerField(default=10),
        ),
    ]
