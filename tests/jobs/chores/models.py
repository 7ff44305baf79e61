"""A kind of job with fields of its own (as a linkage run has), and its
result sealed, as a feature app's would be."""

from __future__ import annotations

from django.db import models

from safepassage.jobs.models import Job
from safepassage.vault.fields import EncryptedJSONField
from safepassage.vault.models import Compartment


class Count(Job):
    JOB_KIND = "chores.count"

    upto = models.PositiveIntegerField(default=10)
    counted = models.PositiveIntegerField(default=0)
    result = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"count {str(self.pk)[:8]}"
