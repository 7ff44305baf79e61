from django.db import migrations

from safepassage.audit import protection


def install(apps, schema_editor):
    protection.install(schema_editor.connection)


def remove(apps, schema_editor):
    protection.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
