"""Tags get sealed names (step 1 of 3): a sealed tag model beside the plain
one, with its own link to requests."""

import uuid

from django.db import migrations, models

import safepassage.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_regions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedTag",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("name", safepassage.vault.fields.EncryptedTextField(compartment="intake")),
            ],
            options={"abstract": False},
        ),
        migrations.AddField(
            model_name="submission",
            name="sealed_tags",
            field=models.ManyToManyField(blank=True, to="intake.sealedtag"),
        ),
    ]
