"""An estimate's method can be "auto": the most robust for the lists, the others beside it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0006_documentation_counts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="estimate",
            name="method",
            field=models.CharField(
                choices=[
                    ("auto", "The most robust for the lists, the others beside it"),
                    ("loglinear", "Log-linear models (lowest BIC)"),
                    ("bma", "Bayesian model averaging (decomposable graphs)"),
                    ("latent", "Bayesian latent classes (LCMCR)"),
                ],
                max_length=12,
            ),
        ),
    ]
