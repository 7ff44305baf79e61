"""Tags get sealed names (step 2 of 3): every plain tag's name is sealed to
the intake compartment's public key (no one's keys are needed), and its
requests keep it."""

from django.db import migrations

from safepassage.intake.models import Tag
from safepassage.vault.fields import place, seal_for_compartment


def seal_names(apps, schema_editor):
    plain_tag = apps.get_model("intake", "Tag")
    sealed_tag = apps.get_model("intake", "SealedTag")
    link = apps.get_model("intake", "Submission").sealed_tags.through
    field = sealed_tag._meta.get_field("name")
    for plain in plain_tag.objects.order_by("pk"):
        tag = sealed_tag()
        # Bound to its place once the model is called Tag (step 3).
        associated = place(Tag, field.name, tag.pk.hex)
        setattr(
            tag,
            field.attname,
            seal_for_compartment(field.compartment, field.encode(plain.name), associated),
        )
        tag.save(force_insert=True)
        link.objects.bulk_create(
            link(submission_id=request_id, sealedtag_id=tag.pk)
            for request_id in plain.submission_set.values_list("pk", flat=True)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_sealed_tags"),
        ("vault", "0001_initial"),
    ]

    # Going back loses the tags: their names cannot be opened without keys.
    operations = [migrations.RunPython(seal_names, migrations.RunPython.noop)]
