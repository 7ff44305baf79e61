"""Working copies made elsewhere (redacted, transcribed, translated) and added."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0011_event_newest_first"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="operation",
            field=models.CharField(
                choices=[
                    ("original", "original, as collected"),
                    ("location_stripped", "hidden details removed (place, device, time)"),
                    ("blurred", "blurred"),
                    ("redacted", "redacted (faces, voices or names hidden)"),
                    ("transcribed", "transcribed"),
                    ("translated", "translated"),
                ],
                default="original",
                max_length=24,
            ),
        ),
    ]
