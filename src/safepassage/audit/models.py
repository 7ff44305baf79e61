"""The audit log: one append-only, hash-chained table.

Rows are only ever added through ``safepassage.audit.record``. The database
refuses UPDATE and DELETE on this table (triggers installed by migration
0002), and ``safepassage audit verify`` detects any change made by someone
who removed the triggers.
"""

from __future__ import annotations

from django.db import models
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
