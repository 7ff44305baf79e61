"""Seals on entries, checkpoints of verified positions, progress of full
checks, and triggers that protect the checkpoints too (and, on PostgreSQL,
fire in every session: ENABLE ALWAYS)."""

import importlib

import django.utils.timezone
from django.db import migrations, models

from safepassage.audit import protection
from safepassage.audit.chain import seal_of

first = importlib.import_module("safepassage.audit.migrations.0002_append_only")


def seal_and_protect(apps, schema_editor):
    """Seal the entries written before seals existed (their hash as it
    stands now), then install the current triggers."""
    connection = schema_editor.connection
    protection.remove(connection)
    first.remove(apps, schema_editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, entry_hash FROM audit_auditentry ORDER BY seq")
        sealed = [(seal_of(seq, entry_hash), seq) for seq, entry_hash in cursor.fetchall()]
        cursor.executemany("UPDATE audit_auditentry SET seal = %s WHERE seq = %s", sealed)
    protection.install(connection)


def unprotect(apps, schema_editor):
    protection.remove(schema_editor.connection)


def protect_as_before(apps, schema_editor):
    first.install(apps, schema_editor)


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        # Undoing this migration ends with the triggers of 0002.
        migrations.RunPython(noop, protect_as_before),
        migrations.CreateModel(
            name="FullCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started", models.DateTimeField(default=django.utils.timezone.now)),
                ("started_by", models.CharField(max_length=64)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("running", "running"),
                            ("done", "done"),
                            ("failed", "failed"),
                            ("interrupted", "interrupted"),
                        ],
                        default="running",
                        max_length=12,
                    ),
                ),
                ("checked", models.BigIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
                ("heartbeat", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-started"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seal",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField()),
                ("entry_hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField()),
                ("full_check", models.BooleanField()),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["seq"], name="audit_check_seq_c2cf54_idx"),
                    models.Index(
                        fields=["full_check", "at"], name="audit_check_full_ch_e701fc_idx"
                    ),
                ],
            },
        ),
        migrations.RunPython(seal_and_protect, unprotect),
    ]
