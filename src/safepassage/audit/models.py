"""The audit log: one append-only, hash-chained table, and what its checks
leave behind.

Rows are only ever added through ``safepassage.audit.record``. The database
refuses UPDATE and DELETE on the log and on its checkpoints (triggers
installed by migration, see protection.py), and ``safepassage audit verify``
detects any change made by someone who removed or replaced the triggers.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("succeeded")
    FAILED = "failed", _("failed")
    DENIED = "denied", _("denied")


class AuditEntry(models.Model):
    # Position in the chain: 1, 2, 3... assigned under a lock by record().
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    # References only: "user:12", "cli", "system", "anonymous".
    actor = models.CharField(max_length=64)
    # Dotted verb: "auth.login", "staff.roles_changed".
    action = models.CharField(max_length=64)
    # Object reference: "user:12", "team:3"; empty when there is none.
    target = models.CharField(max_length=128, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # Non-sensitive details: short tokens and numbers, never free text.
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # A MAC of (seq, entry_hash) alone: it survives a change of the content,
    # so verification can tell an altered entry (seal still good) from one
    # that safepassage never wrote (no good seal anywhere).
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["action"]),
            models.Index(fields=["actor"]),
            models.Index(fields=["target"]),
            models.Index(fields=["at"]),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"


class Checkpoint(models.Model):
    """The chain was verified from its first entry up to entry ``seq``,
    whose hash was ``entry_hash``: a later check starts here. Append-only
    like the log, and MAC'd with the audit key, so nobody without the key
    can move it forward over entries they changed."""

    seq = models.BigIntegerField()
    entry_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    # True when this check walked the whole chain, not only new entries.
    full_check = models.BooleanField()
    mac = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["seq"]), models.Index(fields=["full_check", "at"])]

    def __str__(self) -> str:
        return f"checkpoint {self.seq}"


class FullCheckStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted")


class FullCheck(models.Model):
    """A full check started from the auditor's page: its progress while it
    runs on a thread. Its result goes into the chain itself
    (``audit.full_check_finished``), where nobody can change it unseen."""

    started = models.DateTimeField(default=timezone.now)
    started_by = models.CharField(max_length=64)
    status = models.CharField(
        max_length=12, choices=FullCheckStatus.choices, default=FullCheckStatus.RUNNING
    )
    checked = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    heartbeat = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"full check {self.pk}"
