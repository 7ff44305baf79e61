"""A record keeps blind indexes of its list's own id and of its whole row, so
that an import stores no row twice. Records imported before have neither."""

from django.db import migrations, models

import safepassage.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0009_estimate_joined_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="victimrecord",
            name="content_index",
            field=safepassage.vault.fields.BlindIndexField(
                compartment="documentation", server_keyed=True, source="content"
            ),
        ),
        migrations.AddField(
            model_name="victimrecord",
            name="own_id_index",
            field=safepassage.vault.fields.BlindIndexField(
                compartment="documentation", server_keyed=True, source="own_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="victimrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("own_id_index", ""), _negated=True),
                fields=("victim_list", "own_id_index"),
                name="one_record_per_own_id",
            ),
        ),
    ]
