"""A file waiting to be imported: between its upload and the choice of
its columns, the rows it holds are kept sealed to the documentation
compartment, as every value here is, and for nobody but the person who
uploaded it. Importing it (or giving it up, or leaving it for a day)
deletes it; the file itself is never stored (it was encrypted while it
streamed in, read into memory and dropped: documentation.importing)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from safepassage.vault.fields import EncryptedJSONField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

DOCUMENTATION = Compartment.DOCUMENTATION

# A file uploaded and left without being imported is deleted after this long.
DRAFT_LIFETIME = dt.timedelta(hours=24)


class ImportDraft(SealedModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The file's name as uploaded (it can say what the list is about).
    name = EncryptedTextField(compartment=DOCUMENTATION)
    # {"header": [...], "rows": [[row number in the file, [cells]], ...]}.
    table = EncryptedJSONField(compartment=DOCUMENTATION)
    # How many rows the table holds (to say so without opening it).
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import draft {self.pk}"
