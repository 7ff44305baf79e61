from django.db import migrations

from safepassage.documentation.vocabularies import load_shipped, shipped


def load_version_1(apps, schema_editor):
    """The vocabularies safepassage ships (documentation/vocabularies/shipped-1.json):
    the Events Standard Formats' micro-thesauri it uses, this region's
    additions, and current terms for sexual orientation, gender identity
    and expression and sex characteristics. A later release adds
    shipped-2.json and a migration of its own; this file never changes."""
    load_shipped(
        apps.get_model("documentation", "Vocabulary"),
        apps.get_model("documentation", "VocabularyVersion"),
        apps.get_model("documentation", "Term"),
        shipped(1),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0001_records_and_vocabularies"),
    ]

    operations = [
        migrations.RunPython(load_version_1, migrations.RunPython.noop),
    ]
