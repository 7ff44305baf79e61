"""One page of the log: newest first, paged by position (not by offset, so
the millionth entry is as quick to reach as the first), and never ending in
the middle of a run of reads that the page shows as one line."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from safepassage.audit import rows
from safepassage.audit.display import continues
from safepassage.audit.models import AuditEntry
from safepassage.audit.rows import Row

PAGE_SIZE = 50
# At most this many entries are added to finish a run at the page's end.
RUN_LIMIT = 1000


@dataclass
class Page:
    rows: list[Row]
    newer: int | None  # ?after= for the newer page
    older: int | None  # ?before= for the older page


def _read(seqs: list[int]) -> list[Row]:
    found = rows.rows_at(seqs)
    return [found[seq] for seq in seqs if seq in found]


def page_of(entries: QuerySet[AuditEntry], before: int | None, after: int | None) -> Page:
    positions = entries.values_list("seq", flat=True)
    if after is not None:
        seqs = list(positions.filter(seq__gt=after).order_by("seq")[:PAGE_SIZE])[::-1]
    else:
        older_than = positions.filter(seq__lt=before) if before is not None else positions
        seqs = list(older_than.order_by("-seq")[:PAGE_SIZE])
    seqs = [seq for seq in seqs if isinstance(seq, int)]
    page = _read(seqs)
    added = 0
    while page and added < RUN_LIMIT:
        more = _read(list(positions.filter(seq__lt=page[-1].seq).order_by("-seq")[:PAGE_SIZE]))
        run: list[Row] = []
        for row in more:
            if not continues((run or page)[-1], row):
                break
            run.append(row)
        page += run
        added += len(run)
        if len(run) < len(more) or not more:
            break
    if not page:
        return Page([], None, None)
    newer = page[0].seq if positions.filter(seq__gt=page[0].seq).exists() else None
    older = page[-1].seq if positions.filter(seq__lt=page[-1].seq).exists() else None
    return Page(page, newer, older)
