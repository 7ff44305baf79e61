"""Victim lists' names are sealed to documentation, with a blind index
(keyed by the server's secret) to find a list by its name without keys.

Existing names are sealed to the compartment's public key, so no keys are
needed to migrate. Names that differ only in case or spacing become one
index value: the later list's name gets a number added. Going back is
possible only while there is no list: names cannot be unsealed without the
documentation keys."""

from django.db import migrations, models

import safepassage.vault.fields


def seal_names(apps, schema_editor):  # type: ignore[no-untyped-def]
    from safepassage.vault.fields import normalise_exact

    VictimList = apps.get_model("analysis", "VictimList")
    taken: set[str] = set()
    ordered = sorted(VictimList.objects.all(), key=lambda item: (item.imported_on, item.plain_name))
    for item in ordered:
        name = item.plain_name
        candidate, number = name, 2
        while normalise_exact(candidate) in taken:
            candidate = f"{name} ({number})"
            number += 1
        taken.add(normalise_exact(candidate))
        item.name = candidate
        item.save(update_fields=["name", "name_index"])


def refuse_unsealing(apps, schema_editor):  # type: ignore[no-untyped-def]
    if apps.get_model("analysis", "VictimList").objects.exists():
        raise RuntimeError(
            "victim list names are sealed: they cannot be unsealed without the documentation keys"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0003_job_cancel_and_restart"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="victimlist", old_name="name", new_name="plain_name"),
        migrations.AlterField(
            model_name="victimlist",
            name="plain_name",
            field=models.CharField(max_length=120),
        ),
        migrations.AlterModelOptions(
            name="victimlist",
            options={"ordering": ["imported_on", "id"]},
        ),
        migrations.AddField(
            model_name="victimlist",
            name="name",
            field=safepassage.vault.fields.EncryptedTextField(
                compartment="documentation", null=True, public_writes=True
            ),
        ),
        # Unique from the start (empty until filled in), so that PostgreSQL
        # builds its indexes once.
        migrations.AddField(
            model_name="victimlist",
            name="name_index",
            field=safepassage.vault.fields.BlindIndexField(
                compartment="documentation",
                null=True,
                server_keyed=True,
                source="name",
                unique=True,
            ),
        ),
        migrations.RunPython(seal_names, refuse_unsealing, elidable=False),
        migrations.RemoveField(model_name="victimlist", name="plain_name"),
        migrations.AlterField(
            model_name="victimlist",
            name="name",
            field=safepassage.vault.fields.EncryptedTextField(
                compartment="documentation", public_writes=True
            ),
        ),
        migrations.AlterField(
            model_name="victimlist",
            name="name_index",
            field=safepassage.vault.fields.BlindIndexField(
                compartment="documentation", server_keyed=True, source="name", unique=True
            ),
        ),
    ]
