"""Importing a victim list from CSV or XLSX, with a row-by-row report.

A list keeps its own column titles: a mapping says which of its columns
holds each of our keys (models.FIELDS: the list's own record id, a full
name or surname, given name and patronymic, sex, birth, age and the date it
refers to, place, date of the events, place of detention, what was done),
and is kept for the next import of the same source.

Nothing is dropped silently: every row is either stored or named in the
report with its problems (the row, the column, the value as written and
what was expected), and by default one bad row stops the whole import
(nothing is stored) so the list can be corrected and imported again. Names,
sexes, dates, ages and places are read as linkage will read them (names,
values, periods, places): one that cannot be read is a problem of its row,
never a silent blank. A place the gazetteer does not know is kept and
compared as written, and the report says so (a notice, not a problem). The
file is read by safepassage.spreadsheets, which the documentation's importer
shares.

No row is stored twice: a row the list already holds word for word (the
same file imported again, or again after its bad rows were corrected) is
counted in the report and left, and a row whose own record id the list
already holds with other values is a problem of its row. Both are found
without keys, by blind indexes of the record id and of the whole row.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage import spreadsheets
from safepassage.analysis import headings
from safepassage.analysis.models import (
    FIELDS,
    LIST_NAME_LENGTH,
    NAME_FIELDS,
    VictimList,
    VictimRecord,
)
from safepassage.analysis.names import cleaned, parse, parse_parts
from safepassage.analysis.periods import Period
from safepassage.analysis.places import read_place
from safepassage.analysis.values import Unreadable, birth_of, read_age, read_event_date, read_sex
from safepassage.audit.chain import record
from safepassage.spreadsheets import shown
from safepassage.vault.fields import blind_index

NAME_LENGTH = 300
# Fields whose values must be readable, and how.
READERS: dict[str, Callable[[str, datetime.date], object]] = {
    "birth": birth_of,
    "age": lambda text, _today: read_age(text),
    "age_date": read_event_date,
    "event_date": read_event_date,
}
PLACES = ("place", "detention_place")


class ImportRefused(ValueError):
    def __init__(
        self,
        message: str,
        report: ImportReport | None = None,
        guess: dict[str, str] | None = None,
        columns: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.report = report
        # For a new list given no name column: the columns given, and the
        # others its headings suggest (headings.guess), for the analyst to
        # confirm; and the file's columns.
        self.guess = guess or {}
        self.columns = columns or []


@dataclass(frozen=True)
class Problem:
    """Why a row was not stored: its number in the file, the column (as the
    file titles it), the value as written, and what kind of problem."""

    row: int
    column: str
    value: str
    # "no_name", "long_name", "name", "no_id", "duplicate_id", "id_in_list", "sex",
    # "birth", "age", "age_date", "event_date", "later", "back_event_date",
    # "back_age_date"
    kind: str

    def message(self) -> str:
        """The problem in the reader's language (the command line's: English)."""
        values = {"row": self.row, "column": self.column, "value": shown(self.value)}
        text = MESSAGES.get(self.kind, MESSAGES["event_date"])()
        if self.kind == "long_name":
            values["limit"] = NAME_LENGTH
        return text % values


MESSAGES = {
    "no_name": lambda: _(
        "Row %(row)s, column “%(column)s”: no name and nothing else about the person; a row "
        "needs a name, or an age, a place or a date to be found by."
    ),
    "long_name": lambda: _(
        "Row %(row)s, column “%(column)s”: the name is longer than %(limit)s characters."
    ),
    "name": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” holds no name, no initial and no "
        "mark of a changed name."
    ),
    "no_id": lambda: _(
        "Row %(row)s, column “%(column)s”: no record id; every row of this list needs its own."
    ),
    "duplicate_id": lambda: _(
        "Row %(row)s, column “%(column)s”: the record id “%(value)s” is given to an earlier "
        "row too."
    ),
    "id_in_list": lambda: _(
        "Row %(row)s, column “%(column)s”: the list already holds a record with the id "
        "“%(value)s”, with other values; a stored record is not replaced. Give this row "
        "another id, or leave it out."
    ),
    "sex": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” is not a sex; expected M or F (male, "
        "female, м, ж, муж., жен., H, F)."
    ),
    "birth": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” is not a date, a year or an "
        "age; expected a day-month-year (31.12.1990), a year (1990, 1990 г.р.) or an age "
        "(27, 27 лет, около 30, in his 20s)."
    ),
    "age": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” is not an age; expected years (27, "
        "27 лет, 27 years old, около 30, 20-25, in his 20s)."
    ),
    "later": lambda: _("Row %(row)s, column “%(column)s”: “%(value)s” is after today."),
    "back_event_date": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” counts back from the day it was "
        "written, and the row gives no date to count from. Give the column with the date of "
        "publication (“Column with the date the age refers to”), or write the date itself."
    ),
    "back_age_date": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” counts back from another day; the "
        "date an age refers to must be a date (12.04.2017, April 2017)."
    ),
    "event_date": lambda: _(
        "Row %(row)s, column “%(column)s”: “%(value)s” is not a date; expected a date "
        "(12.04.2017, 12 April 2017), a month (04.2017, late March 2017), a season (spring "
        "2017, winter 2018-19), a quarter (2017-Q2) or a year (2017)."
    ),
}


@dataclass(frozen=True)
class Notice:
    """A value kept but not fully understood: a place the gazetteer does not
    know (compared as written), a name with digits in it (the words with
    digits are not compared)."""

    row: int
    column: str
    value: str
    kind: str = "place"  # or "name", "no_name"

    def message(self) -> str:
        values = {"row": self.row, "column": self.column, "value": shown(self.value)}
        if self.kind == "name":
            text = _(
                "Row %(row)s, column “%(column)s”: “%(value)s” has digits in it; the words "
                "with digits are kept but not compared as a name."
            )
        elif self.kind == "no_name":
            text = _(
                "Row %(row)s, column “%(column)s”: no name; the row is kept and found by its "
                "age, places and dates, as a person described instead of named is."
            )
        else:
            text = _(
                "Row %(row)s, column “%(column)s”: “%(value)s” is not a place the gazetteer "
                "knows; it is kept and compared as written."
            )
        return text % values


@dataclass
class ImportReport:
    stored: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # Rows the list already held word for word, not stored again.
    already: int = 0
    # The row of the file that holds the column titles (1 for the first).
    titles_row: int = 1

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    def lines(self) -> list[str]:
        stored = ngettext("%(count)s row stored", "%(count)s rows stored", self.stored) % {
            "count": self.stored
        }
        return [
            stored,
            *([self.titles_message()] if self.titles_row > 1 else []),
            *([self.already_message()] if self.already else []),
            *[problem.message() for problem in self.problems],
            *[notice.message() for notice in self.notices],
        ]

    def titles_message(self) -> str:
        return _(
            "The column titles were read from row %(row)s; the rows above them were left out."
        ) % {"row": self.titles_row}

    def already_message(self) -> str:
        return ngettext(
            "%(count)s row the list already held was not stored again.",
            "%(count)s rows the list already held were not stored again.",
            self.already,
        ) % {"count": self.already}


def _own_id(list_id: object, values: dict[str, str]) -> str:
    """What the record id's blind index is taken of ("" for no id): the
    list's id with it, so that two lists' ids do not match."""
    own = values.get("id", "").strip()
    return f"{list_id}\x1f{own}" if own else ""


def _content(list_id: object, values: dict[str, str]) -> str:
    """What the whole row's blind index is taken of."""
    return f"{list_id}\x1f{json.dumps(values, sort_keys=True, ensure_ascii=False)}"


def _new_rows(
    victim_list: VictimList,
    accepted: list[tuple[int, dict[str, str]]],
    mapping: dict[str, str],
    report: ImportReport,
) -> list[tuple[int, dict[str, str]]]:
    """The accepted rows the list does not hold yet; the rows it holds word
    for word are counted in the report, and those that reuse one of its
    record ids with other values are problems."""
    held = victim_list.records.values_list("own_id_index", "content_index")
    held_ids = {own for own, _row in held if own}
    held_rows = {row for _own, row in held if row}
    if not held_ids and not held_rows:
        return accepted
    new = []
    for number, values in accepted:
        content = blind_index(VictimRecord, "content_index", _content(victim_list.pk, values))
        if content in held_rows:
            report.already += 1
            continue
        own = _own_id(victim_list.pk, values)
        if own and blind_index(VictimRecord, "own_id_index", own) in held_ids:
            report.problems.append(Problem(number, mapping["id"], values["id"], "id_in_list"))
            continue
        new.append((number, values))
    return new


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


def problems_of(
    number: int, values: dict[str, str], mapping: dict[str, str], today: datetime.date
) -> list[Problem]:
    """What is wrong with one row (its fields by our names)."""
    found = []
    names = {key: values[key] for key in NAME_FIELDS if key in values}
    written = {key: text for key, text in names.items() if text}
    first_name_column = mapping[next(key for key in NAME_FIELDS if key in mapping)]
    # A row that names nobody is stored when it says something else of the
    # person (an age, a place, a date: a press list's unnamed man), and
    # found by that, as one described instead of named is.
    said = any(text.strip() for key, text in values.items() if key not in (*NAME_FIELDS, "id"))
    if not written and not said:
        found.append(Problem(number, first_name_column, "", "no_name"))
    for key, text in written.items():
        if len(text) > NAME_LENGTH:
            found.append(Problem(number, mapping[key], text, "long_name"))
    if written and not any(p.kind == "long_name" for p in found):
        if "name" in written and not any(key in written for key in NAME_FIELDS[1:]):
            name = parse(written["name"])
        else:
            name = parse_parts(names.get("surname", ""), names.get("given", ""),
                               names.get("patronymic", ""))  # fmt: skip
        readable = name.pseudonym or name.unnamed or name.surname or name.given or name.initial
        if not readable and not name.surname_initial:
            key = next(iter(written))
            found.append(Problem(number, mapping[key], written[key], "name"))
    if "sex" in values and read_sex(values["sex"]) is None:
        found.append(Problem(number, mapping["sex"], values["sex"], "sex"))
    read: dict[str, object] = {}
    for ours, reader in READERS.items():
        if ours not in values:
            continue
        try:
            read[ours] = reader(values[ours], today)
        except Unreadable as unreadable:
            kind = "later" if unreadable.later else ours
            found.append(Problem(number, mapping[ours], values[ours], kind))
    # A date counted back ("три дня назад", "last week") needs the day it
    # was written: the publication's date, in its column.
    published = read.get("age_date")
    for ours in ("age_date", "event_date"):
        if isinstance(period := read.get(ours), Period) and period.back is not None:
            counted_from = isinstance(published, Period) and published.year_given
            if ours == "age_date" or not counted_from:
                found.append(Problem(number, mapping[ours], values[ours], f"back_{ours}"))
    return found


def notices_of(number: int, values: dict[str, str], mapping: dict[str, str]) -> list[Notice]:
    # (Digits after the name, "Умаров Магомед, 28 лет", are an age, read as one.)
    found = [
        Notice(number, mapping[key], values[key], "name")
        for key in NAME_FIELDS
        if any(ch.isdigit() for ch in cleaned(values.get(key, ""))[0])
    ]
    if not any(values.get(key, "").strip() for key in NAME_FIELDS):
        first = mapping[next(key for key in NAME_FIELDS if key in mapping)]
        found.append(Notice(number, first, "", "no_name"))
    for ours in PLACES:
        text = values.get(ours, "")
        place = read_place(text) if text else None
        if place is not None and not place.known:
            found.append(Notice(number, mapping[ours], text))
    return found


def read_rows(name: str, raw: bytes) -> list[list[str]]:
    """A file's rows as text, its header first (ImportRefused if it cannot
    be read)."""
    return list(_rows(name, raw))


def import_list(
    source: Path | tuple[str, bytes] | list[list[str]],
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
    # (A field mistyped first: "fullname=ФИО" is a name column mistyped, not
    # a list without one.)
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ImportRefused(
            _("unknown fields %(unknown)s: use %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(FIELDS)}
        )
    if isinstance(source, list):  # rows read before (a file waiting for its columns)
        rows = iter(source)
    else:
        name, raw = (source.name, source.read_bytes()) if isinstance(source, Path) else source
        rows = _rows(name, raw)
    # The column titles may stand below a title or a note: looked for in
    # the first rows, and the rows above them left out.
    top = list(itertools.islice(rows, headings.TITLES_WITHIN))
    if not top:
        raise ImportRefused(_("the file is empty"))
    at = headings.header_row(top, mapping.values())
    header = top[at]
    rows = itertools.chain(top[at + 1 :], rows)
    if not any(key in mapping for key in NAME_FIELDS):
        given = set(mapping.values())
        guessed = headings.guess(header).items()
        suggested = {**{ours: theirs for ours, theirs in guessed if theirs not in given}, **mapping}
        guess = {key: suggested[key] for key in FIELDS if key in suggested}
        if any(key in guess for key in NAME_FIELDS):
            raise ImportRefused(_("no column was given for the name"), guess=guess, columns=header)
        raise ImportRefused(
            _(
                "say which column holds the name: --map name=COLUMN, or the surname and "
                "given name in columns of their own (--map surname=COLUMN --map given=COLUMN); "
                "the columns are %(columns)s"
            )
            % {"columns": ", ".join(repr(h) for h in header)},
            columns=header,
        )
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
    seen_ids: set[str] = set()
    today = datetime.date.today()
    report.titles_row = at + 1
    for number, row in enumerate(rows, start=at + 2):
        if not any(row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        values = {ours: row[position] for ours, position in index.items()}
        found = problems_of(number, values, mapping, today)
        if "id" in values:
            own = values["id"].strip()
            if not own:
                found.append(Problem(number, mapping["id"], "", "no_id"))
            elif own in seen_ids:
                found.append(Problem(number, mapping["id"], own, "duplicate_id"))
            seen_ids.add(own)
        if found:
            report.problems += found
            continue
        report.notices += notices_of(number, values, mapping)
        accepted.append((number, values))
    if existing is not None:
        accepted = _new_rows(existing, accepted, mapping, report)
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
            # (What the blind indexes are taken of, read by their fields on save.)
            entry.own_id = _own_id(victim_list.pk, values)  # type: ignore[attr-defined]
            entry.content = _content(victim_list.pk, values)  # type: ignore[attr-defined]
            entry.save(force_insert=True)
        report.stored = len(accepted)
        record(
            by,
            "analysis.list_imported",
            victim_list,
            rows=report.stored,
            skipped=report.rows_with_problems,
            already=report.already,
        )
    return report
