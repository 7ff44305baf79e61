# The day the retention rules removed who a case's people are (cases.forgetting).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_consent"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="identity_purged_on",
            field=models.DateField(blank=True, null=True),
        ),
    ]
