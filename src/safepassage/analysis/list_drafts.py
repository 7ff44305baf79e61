"""A new list's file between its upload and the choice of its columns: its
rows are kept sealed to the documentation compartment, for their uploader
only (ListDraft), so that the file is chosen once. The import deletes them,
as does giving the file up, a new upload by the same person, or a day's
wait."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.analysis import headings
from safepassage.analysis.models import DRAFT_LIFETIME, ListDraft


def keep_draft(
    by: User, file_name: str, source: str, rows: list[list[str]], mapping: dict[str, str]
) -> ListDraft:
    """Keep a file's rows, sealed, until its columns are chosen; an earlier
    file of the same person, and files left for a day by anyone, go."""
    with transaction.atomic():
        sweep_drafts()
        ListDraft.objects.filter(created_by=by).delete()
        below = len(rows) - headings.header_row(rows, mapping.values()) - 1
        draft = ListDraft(created_by=by, size=max(0, below), mapping=mapping)
        draft.file_name = file_name[:200] or "list"
        draft.source = source
        draft.rows = rows
        draft.save(force_insert=True)
    return draft


def sweep_drafts() -> int:
    """Delete the files left waiting longer than a day."""
    cutoff = timezone.now() - DRAFT_LIFETIME
    deleted, _kinds = ListDraft.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def discard_draft(draft: ListDraft) -> None:
    """Give up a file waiting for its columns: its rows are deleted."""
    ListDraft.objects.filter(pk=draft.pk).delete()
