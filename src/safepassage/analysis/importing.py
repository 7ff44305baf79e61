"""Importing a victim list from CSV or XLSX, with a row-by-row report.

Nothing is dropped silently: every row is either stored or named in the
report with its reason, and by default one bad row stops the whole import
(nothing is stored) so the list can be corrected and imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from safepassage.analysis.models import FIELDS, VictimList, VictimRecord
from safepassage.audit.chain import record


class ImportRefused(ValueError):
    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ImportReport:
    stored: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    def lines(self) -> list[str]:
        found = [f"row {row}: {reason}" for row, reason in self.problems]
        return [f"{self.stored} rows stored", *found]


def _rows(name: str, raw: bytes) -> Iterator[list[str]]:
    if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        from zipfile import BadZipFile

        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except (BadZipFile, KeyError, ValueError, OSError):
            raise ImportRefused("the workbook cannot be read: save it again as .xlsx") from None
        sheet = book.active
        if sheet is None:
            raise ImportRefused("the workbook has no sheet")
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else str(v).strip() for v in values]
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("the CSV is not UTF-8: save it as UTF-8 and import again") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little text to tell
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [cell.strip() for cell in row]


def import_list(
    source: Path | tuple[str, bytes],
    list_name: str,
    mapping: dict[str, str] | None = None,
    *,
    skip_invalid: bool = False,
    by: object = "cli",
) -> ImportReport:
    list_name = " ".join(list_name.split())[:120]
    if not list_name:
        raise ImportRefused("give the list a name (its source)")
    existing = VictimList.objects.filter(name=list_name).first()
    mapping = mapping or (existing.mapping if existing else {})
    if "name" not in mapping:
        raise ImportRefused("say which column holds the name: --map name=COLUMN")
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ImportRefused(f"unknown fields {', '.join(unknown)}: use {', '.join(FIELDS)}")
    name, raw = (source.name, source.read_bytes()) if isinstance(source, Path) else source
    rows = _rows(name, raw)
    header = next(rows, None)
    if header is None:
        raise ImportRefused("the file is empty")
    missing = [column for column in mapping.values() if column not in header]
    if missing:
        raise ImportRefused(
            f"no column called {', '.join(repr(c) for c in missing)}; "
            f"the columns are {', '.join(repr(h) for h in header)}"
        )
    index = {ours: header.index(theirs) for ours, theirs in mapping.items()}
    report = ImportReport()
    accepted: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        values = {ours: row[position] for ours, position in index.items()}
        if not values["name"]:
            report.problems.append((number, "no name"))
            continue
        if len(values["name"]) > 300:
            report.problems.append((number, "the name is longer than 300 characters"))
            continue
        accepted.append((number, values))
    if report.problems and not skip_invalid:
        raise ImportRefused(
            f"{len(report.problems)} rows have problems; nothing was stored", report
        )
    with transaction.atomic():
        victim_list, _created = VictimList.objects.update_or_create(
            name=list_name, defaults={"mapping": mapping}
        )
        first = victim_list.records.order_by("-row").values_list("row", flat=True).first() or 0
        for offset, (_number, values) in enumerate(accepted, start=1):
            entry = VictimRecord(victim_list=victim_list, row=first + offset)
            entry.data = values
            entry.save(force_insert=True)
        report.stored = len(accepted)
        record(
            by,
            "analysis.list_imported",
            victim_list,
            rows=report.stored,
            skipped=len(report.problems),
        )
    return report
