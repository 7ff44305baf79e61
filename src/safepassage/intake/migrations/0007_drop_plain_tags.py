"""Tags get sealed names (step 3 of 3): the plain names are dropped, and the
sealed tags take the name Tag."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_seal_tag_names"),
    ]

    operations = [
        migrations.RemoveField(model_name="submission", name="tags"),
        migrations.DeleteModel(name="Tag"),
        migrations.RenameModel(old_name="SealedTag", new_name="Tag"),
        migrations.RenameField(model_name="submission", old_name="sealed_tags", new_name="tags"),
    ]
