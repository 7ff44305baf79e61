"""Importing a victim list from CSV or XLSX, with a row-by-row report.

Nothing is dropped silently: every row is either stored or named in the
report with its problems (the row, the column, the value as written and
what was expected), and by default one bad row stops the whole import
(nothing is stored) so the list can be corrected and imported again. Ages
and dates are read as linkage will read them (analysis.values): one that
cannot be read is a problem of its row, never a silent blank. The file is
read by safepassage.spreadsheets, which the documentation's importer
shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage import spreadsheets
from safepassage.analysis.models import FIELDS, LIST_NAME_LENGTH, VictimList, VictimRecord
from safepassage.analysis.values import Unreadable, read_birth, read_event_date
from safepassage.audit.chain import record
from safepassage.spreadsheets import shown
from safepassage.vault.fields import blind_index

NAME_LENGTH = 300
# Fields whose values must be readable, and how.
READERS = {"birth": read_birth, "event_date": read_event_date}


class ImportRefused(ValueError):
    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Problem:
    """Why a row was not stored: its number in the file, the column (as the
    file titles it), the value as written, and what kind of problem."""

    row: int
    column: str
    value: str
    kind: str  # "no_name", "long_name", "birth", "event_date", "later"

    def message(self) -> str:
        """The problem in the reader's language (the command line's: English)."""
        values = {"row": self.row, "column": self.column, "value": shown(self.value)}
        if self.kind == "no_name":
            text = _("Row %(row)s, column “%(column)s”: no name; every row needs one.")
        elif self.kind == "long_name":
            values["limit"] = NAME_LENGTH
            text = _(
                "Row %(row)s, column “%(column)s”: the name is longer than %(limit)s characters."
            )
        elif self.kind == "birth":
            text = _(
                "Row %(row)s, column “%(column)s”: “%(value)s” is not a date, a year or an "
                "age; expected a day-month-year (31.12.1990), a year (1990) or an age (27, "
                "~27 years)."
            )
        elif self.kind == "later":
            text = _("Row %(row)s, column “%(column)s”: “%(value)s” is after today.")
        else:
            text = _(
                "Row %(row)s, column “%(column)s”: “%(value)s” is not a date; expected a "
                "year (2017), a month and year (04.2017) or a day-month-year (12.04.2017)."
            )
        return text % values


@dataclass
class ImportReport:
    stored: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    def lines(self) -> list[str]:
        stored = ngettext("%(count)s row stored", "%(count)s rows stored", self.stored) % {
            "count": self.stored
        }
        return [stored, *[problem.message() for problem in self.problems]]


def _rows(name: str, raw: bytes) -> Iterator[list[str]]:
    try:
        yield from spreadsheets.rows(name, raw)
    except spreadsheets.Unreadable as unreadable:
        raise ImportRefused(str(unreadable)) from None


def clean_list_name(text: str) -> str:
    return " ".join(str(text).split())[:LIST_NAME_LENGTH]


def list_named(name: str) -> VictimList | None:
    """The list of this name, found by the blind index of its (sealed)
    name: no keys needed. Case and spaces do not matter."""
    name = clean_list_name(name)
    if not name:
        return None
    index = blind_index(VictimList, "name_index", name)
    return VictimList.objects.filter(name_index=index).first()


def problems_of(number: int, values: dict[str, str], mapping: dict[str, str]) -> list[Problem]:
    """What is wrong with one row (its fields by our names)."""
    found = []
    name = values["name"]
    if not name:
        found.append(Problem(number, mapping["name"], "", "no_name"))
    elif len(name) > NAME_LENGTH:
        found.append(Problem(number, mapping["name"], name, "long_name"))
    for ours, reader in READERS.items():
        if ours not in values:
            continue
        try:
            reader(values[ours])
        except Unreadable as unreadable:
            kind = "later" if unreadable.later else ours
            found.append(Problem(number, mapping[ours], values[ours], kind))
    return found


def import_list(
    source: Path | tuple[str, bytes],
    list_name: str,
    mapping: dict[str, str] | None = None,
    *,
    skip_invalid: bool = False,
    by: object = "cli",
) -> ImportReport:
    list_name = clean_list_name(list_name)
    if not list_name:
        raise ImportRefused(_("give the list a name (its source)"))
    existing = list_named(list_name)
    mapping = mapping or (existing.mapping if existing else {})
    if "name" not in mapping:
        raise ImportRefused(_("say which column holds the name: --map name=COLUMN"))
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ImportRefused(
            _("unknown fields %(unknown)s: use %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(FIELDS)}
        )
    name, raw = (source.name, source.read_bytes()) if isinstance(source, Path) else source
    rows = _rows(name, raw)
    header = next(rows, None)
    if header is None:
        raise ImportRefused(_("the file is empty"))
    missing = [column for column in mapping.values() if column not in header]
    if missing:
        raise ImportRefused(
            _("no column called %(missing)s; the columns are %(columns)s")
            % {
                "missing": ", ".join(repr(c) for c in missing),
                "columns": ", ".join(repr(h) for h in header),
            }
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
        found = problems_of(number, values, mapping)
        if found:
            report.problems += found
            continue
        accepted.append((number, values))
    if report.problems and not skip_invalid:
        count = report.rows_with_problems
        raise ImportRefused(
            ngettext(
                "%(count)s row has a problem; nothing was stored",
                "%(count)s rows have problems; nothing was stored",
                count,
            )
            % {"count": count},
            report,
        )
    with transaction.atomic():
        victim_list = list_named(list_name)
        if victim_list is None:
            victim_list = VictimList(mapping=mapping)
            victim_list.name = list_name
            victim_list.save(force_insert=True)
        elif victim_list.mapping != mapping:
            victim_list.mapping = mapping
            victim_list.save(update_fields=["mapping"])
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
            skipped=report.rows_with_problems,
        )
    return report
