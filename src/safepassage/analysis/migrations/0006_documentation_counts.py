"""Counting from our documentation: a count (what was asked, by whom, its
sealed summary) and the lists it made."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safepassage.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0005_runs_and_estimates_are_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentationCount",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("number", models.PositiveIntegerField(unique=True)),
                ("made_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("period_from", models.DateField(blank=True, null=True)),
                ("period_to", models.DateField(blank=True, null=True)),
                ("act_types", models.JSONField(blank=True, default=list)),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("verified", "Verified acts only"),
                            ("all", "Every act, verified and not verified counted apart"),
                        ],
                        max_length=10,
                    ),
                ),
                ("acts", models.PositiveIntegerField(default=0)),
                ("records", models.PositiveIntegerField(default=0)),
                (
                    "summary",
                    safepassage.vault.fields.EncryptedJSONField(
                        blank=True, compartment="documentation", null=True, public_writes=True
                    ),
                ),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-number"],
            },
        ),
        migrations.AddField(
            model_name="victimlist",
            name="documentation_count",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lists",
                to="analysis.documentationcount",
            ),
        ),
    ]
