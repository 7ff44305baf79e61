"""Linkage runs and estimates become jobs of the jobs app.

Each run's and estimate's job fields (status, progress, attempts, who
started it, its heartbeat...) move to a row of jobs.Job with the same id
and its kind; the run or estimate keeps its table, its id column (now also
the link to its job: the sealed results stay bound to the same row) and
its own fields. Pages, links and job history are unchanged."""

import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.db.migrations.operations.base import Operation

JOB_FIELDS = (
    "created",
    "started_by_id",
    "status",
    "stage",
    "progress",
    "started",
    "attempt",
    "cancel_requested",
    "heartbeat",
    "finished",
    "error",
)
KINDS = {"linkagerun": "analysis.linkage", "estimate": "analysis.estimate"}
BATCH = 500


def to_jobs(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for model_name, kind in KINDS.items():
        rows = apps.get_model("analysis", model_name).objects.values("id", *JOB_FIELDS)
        Job.objects.bulk_create(
            (Job(kind=kind, **row) for row in rows.iterator(chunk_size=BATCH)), batch_size=BATCH
        )


def from_jobs(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for model_name, kind in KINDS.items():
        model = apps.get_model("analysis", model_name)
        jobs = Job.objects.filter(kind=kind)
        for row in jobs.values("id", *JOB_FIELDS).iterator(chunk_size=BATCH):
            model.objects.filter(pk=row.pop("id")).update(**row)
        jobs.delete()


def _link() -> models.OneToOneField:
    return models.OneToOneField(
        db_column="id",
        on_delete=django.db.models.deletion.CASCADE,
        parent_link=True,
        primary_key=True,
        serialize=False,
        to="jobs.job",
    )


class BecomeJob(Operation):
    """Make a model a child of jobs.Job whose key is its own id column: in
    the state, ``id`` gives way to the parent link ``job_ptr`` (column "id")
    and the model's base becomes jobs.Job; in the database, the id column
    gains its foreign key to the jobs table. Django has no operation that
    changes a model's bases."""

    reversible = True

    def __init__(self, name):
        self.name = name

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.name], {})

    def state_forwards(self, app_label, state):
        key = (app_label, self.name.lower())
        state.remove_field(*key, "id")
        state.models[key].bases = ("jobs.job",)
        state.add_field(*key, "job_ptr", _link(), preserve_default=True)

    def state_backwards(self, app_label, state):
        key = (app_label, self.name.lower())
        state.remove_field(*key, "job_ptr")
        state.models[key].bases = (models.Model,)
        id_field = models.UUIDField(
            default=uuid.uuid4, editable=False, primary_key=True, serialize=False
        )
        state.add_field(*key, "id", id_field, preserve_default=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        old = from_state.apps.get_model(app_label, self.name)
        new = to_state.apps.get_model(app_label, self.name)
        if self.allow_migrate_model(schema_editor.connection.alias, new):
            schema_editor.alter_field(
                new, old._meta.get_field("id"), new._meta.get_field("job_ptr")
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        old = from_state.apps.get_model(app_label, self.name)
        new = to_state.apps.get_model(app_label, self.name)
        if self.allow_migrate_model(schema_editor.connection.alias, new):
            schema_editor.alter_field(
                new, old._meta.get_field("job_ptr"), new._meta.get_field("id")
            )

    def describe(self):
        return f"Make {self.name} a child of jobs.Job"

    @property
    def migration_name_fragment(self):
        return f"{self.name.lower()}_becomes_job"


def _remove_job_fields(model_name):
    names = [name.removesuffix("_id") for name in JOB_FIELDS]
    return [migrations.RemoveField(model_name=model_name, name=name) for name in names]


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0004_sealed_list_names"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_jobs, from_jobs),
        *_remove_job_fields("linkagerun"),
        *_remove_job_fields("estimate"),
        BecomeJob("LinkageRun"),
        BecomeJob("Estimate"),
        migrations.AlterModelOptions(name="linkagerun", options={}),
        migrations.AlterModelOptions(name="estimate", options={}),
    ]
