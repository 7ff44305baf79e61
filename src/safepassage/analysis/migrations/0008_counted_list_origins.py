"""A counted list keeps where it came from, so pages name it in the reader's language."""

from django.db import migrations

import safepassage.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0007_estimate_method_auto"),
    ]

    operations = [
        migrations.AddField(
            model_name="victimlist",
            name="origin",
            field=safepassage.vault.fields.EncryptedJSONField(
                blank=True, compartment="documentation", null=True, public_writes=True
            ),
        ),
    ]
