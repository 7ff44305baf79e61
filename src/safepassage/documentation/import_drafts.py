"""Files waiting for their columns: between the upload and the choice of
columns, a file's rows are kept sealed to the documentation compartment,
for their uploader only (ImportDraft); the import deletes them, as does
giving the file up, a new upload by the same person, or a day's wait."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.documentation.importing import Table
from safepassage.documentation.models import ImportDraft
from safepassage.documentation.models.imports import DRAFT_LIFETIME


def keep_draft(by: User, name: str, table: Table) -> ImportDraft:
    """Keep a file's rows, sealed, until its columns are chosen; an earlier
    file of the same person, and files left for a day by anyone, go."""
    with transaction.atomic():
        sweep_drafts()
        ImportDraft.objects.filter(created_by=by).delete()
        draft = ImportDraft(created_by=by, size=len(table.rows))
        draft.name = name[:200] or "list"
        draft.table = table.to_json()
        draft.save(force_insert=True)
    return draft


def sweep_drafts() -> int:
    """Delete the files left waiting longer than a day."""
    cutoff = timezone.now() - DRAFT_LIFETIME
    deleted, _kinds = ImportDraft.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def discard_draft(draft: ImportDraft) -> None:
    """Give up a file waiting for its columns: its rows are deleted."""
    ImportDraft.objects.filter(pk=draft.pk).delete()
