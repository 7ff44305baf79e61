"""A consent withdrawn in casework, as the origin of a documented person's consent."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0008_person_consent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="personconsent",
            name="origin",
            field=models.CharField(
                choices=[
                    ("casework", "handed over from casework"),
                    (
                        "override",
                        "handed over from casework under an override, without their consent",
                    ),
                    ("documenter", "recorded by a documenter"),
                    ("withdrawn", "withdrawn in casework"),
                ],
                max_length=12,
            ),
        ),
    ]
