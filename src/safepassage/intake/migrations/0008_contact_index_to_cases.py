"""The contact index moves to cases (cases.ContactIndex), which indexes
requests, cases and every household member: each row is copied there (a
request's by its row id, a case's to the case), then intake's table goes.
Digests are copied as they are: cases computes them the same way, with the
key intake and identity share. No keys are needed."""

from django.db import migrations

import safepassage.intake.models


def copy_to_cases(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("intake", "ContactIndex")
    New = apps.get_model("cases", "ContactIndex")
    rows = []
    for digest, submission_id, case_id in Old.objects.values_list(
        "digest", "submission_id", "case_id"
    ).iterator():
        if submission_id is not None:
            rows.append(New(digest=digest, request_id=submission_id))
        if case_id is not None:
            rows.append(New(digest=digest, case_id=case_id))
    New.objects.bulk_create(rows, batch_size=1000)


def copy_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("intake", "ContactIndex")
    New = apps.get_model("cases", "ContactIndex")
    Submission = apps.get_model("intake", "Submission")
    known = set(Submission.objects.values_list("pk", flat=True))
    rows = []
    for digest, request_id, case_id in New.objects.values_list(
        "digest", "request_id", "case_id"
    ).distinct():
        if request_id in known:
            rows.append(Old(digest=digest, submission_id=request_id))
        elif case_id is not None:
            rows.append(Old(digest=digest, case_id=case_id))
    Old.objects.bulk_create(rows, batch_size=1000)
    New.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0007_drop_plain_tags"),
        ("cases", "0002_people_and_contact_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="submission",
            name="payload",
            field=safepassage.intake.models.RequestPayloadField(
                compartment="intake", public_writes=True
            ),
        ),
        migrations.RunPython(copy_to_cases, copy_back),
        migrations.DeleteModel(name="ContactIndex"),
    ]
