"""A background job: one row per job, of whatever kind and app.

A kind that needs fields of its own (a linkage run's inputs and sealed
results) extends ``Job`` with a model of its own app (multi-table
inheritance) and names its kind in ``JOB_KIND``; a kind that needs none
(a purge) uses ``Job`` as it is, with its ``kind`` set."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.jobs import kinds
from safepassage.vault.fields import SealedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")
    CANCELLED = "cancelled", _("Cancelled")


class Job(SealedModel):
    """A long computation run in the background, with its progress.

    The worker writes a heartbeat while it runs; a job whose heartbeat has
    stopped (the server restarted) or that started before the vault was
    last sealed reads as interrupted. A cancelled job stops at its next
    progress point. Either can be started again with the same inputs: a
    new attempt of the same job, whose earlier attempts' writes are ignored.

    The row holds no data: what a job reads is opened by whoever starts it,
    and what it finds is stored sealed by the kind's own model."""

    # A model extending Job names the kind of its rows here.
    JOB_KIND: ClassVar[str] = ""

    kind = models.CharField(max_length=kinds.NAME_LENGTH)
    created = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    # When the current attempt started, and how many there have been.
    started = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    # Set by Cancel; the worker sees it at its next progress point.
    cancel_requested = models.BooleanField(default=False)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # An exception class or a short reason; never data.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"job {str(self.pk)[:8]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.kind:
            self.kind = self.JOB_KIND
        if not self.kind:
            raise ValueError("a job needs its kind (Job.kind, or JOB_KIND on its model)")
        if self.JOB_KIND and self.kind != self.JOB_KIND:
            raise ValueError(f"a {type(self).__name__} is a job of kind {self.JOB_KIND!r}")
        super().save(*args, **kwargs)

    @property
    def kind_label(self) -> str:
        return kinds.label_of(self.kind)

    @property
    def stage_label(self) -> str:
        return kinds.stage_label(self.kind, self.stage)
