"""A consent to testimony given again after the hand-over (after a
withdrawal, or after an override): the day, and whether the documentation
was told."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_stay_moved_from"),
    ]

    operations = [
        migrations.AddField(
            model_name="handedovertestimony",
            name="given_again_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="handedovertestimony",
            name="given_again_told",
            field=models.BooleanField(default=False),
        ),
    ]
