"""A linkage run's people, exported for use outside the platform.

One row per record: the list it came from, the record's id in that list
(the column imported with `--id`; the row number in the list when there
was none), the person it was linked to (numbered 1, 2, ... in the order
the run holds its records), and the match probability that ties it to its
person: the highest of its pairs with the person's other records (1 for a
pair a documenter confirmed; empty for a record alone). The people are
those of the run as it stands, documenters' decisions applied, at the
run's threshold: the same as its page and its estimates.

An export holds victims' names only through the lists' own ids, but the
ids and which records are one person are as sensitive as the records: it
is written only when asked for, audited, and to a file only its owner
reads.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safepassage.analysis.models import LinkageRun, VictimList, VictimRecord
from safepassage.analysis.runs import clusters_at, decisions_for, effective_pairs
from safepassage.audit.chain import record
from safepassage.vault.keyring import Keyring, using_keyring

COLUMNS = ("list", "record_id", "person_id", "match_probability")


@dataclass(frozen=True)
class ExportRow:
    source: str  # the list's name
    record_id: str
    person_id: int
    match_probability: float | None

    def cells(self) -> list[str]:
        probability = "" if self.match_probability is None else f"{self.match_probability:.4f}"
        return [self.source, self.record_id, str(self.person_id), probability]


def people_of(run: LinkageRun, keyring: Keyring, *, by: Any) -> list[ExportRow]:
    """The run's records with their people (decisions applied), audited as
    an export."""
    with using_keyring(keyring):
        result: dict[str, Any] = run.result or {}
        ids: list[str] = list(result.get("ids", []))
        decisions = decisions_for(run.lists.all())
        labels = clusters_at(result, decisions, run.threshold).tolist() if ids else []
        closest: dict[int, float] = {}
        for left, right, probability in effective_pairs(result, decisions):
            if labels[left] == labels[right]:
                for row in (left, right):
                    closest[row] = max(closest.get(row, 0.0), probability)
        lists = {item.pk: str(item.name) for item in VictimList.objects.filter(runs=run).opened()}
        records = {
            str(entry.pk): entry
            for entry in VictimRecord.objects.filter(victim_list__runs=run).opened()
        }
        numbers: dict[int, int] = {}
        rows = []
        for row, record_id in enumerate(ids):
            entry = records.get(record_id)
            if entry is None:  # deleted since the run
                continue
            person = numbers.setdefault(labels[row], len(numbers) + 1)
            own = str((entry.data or {}).get("id") or entry.row)
            rows.append(ExportRow(lists[entry.victim_list_id], own, person, closest.get(row)))
    record(by, "analysis.run_exported", run, records=len(rows))
    return rows


def as_csv(rows: Iterable[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.cells())
    return out.getvalue()


def write_private(path: Path, text: str) -> None:
    """Write a file that only its owner can read (created so, never first
    readable by others)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(text)
