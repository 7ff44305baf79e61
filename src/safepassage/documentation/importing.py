"""Importing documentation records from a CSV file or an Excel workbook.

One importer for the import page and for `safepassage documentation
import`: a file has one row per act (its event, what was done, to whom,
by whom, by whose account: documentation.import_columns says which
columns it may have and how their values are read), and a column mapping
says which of the file's columns holds each of our fields.

- **All or nothing.** Every row is read first (documentation.import_rows);
  if any has a problem, nothing is stored and the report names each
  problem: the row, the column as the file titles it, the value and what
  is wrong. Only a file without problems is stored, in one transaction.
- **No new terms unless asked.** Values of vocabulary columns must name
  terms (by code or label in any of the three languages); with
  ``allow_new_terms`` the missing ones are added, as one new version of
  their vocabulary, audited, and never to the places.
- **One audit entry per import,** with counts and never content (and one
  for an import refused). The records are saved through the documentation's
  own checks (documentation.actions.create: terms of their vocabulary, not
  retired; the versions of the vocabularies stamped on each record).
- **No file at rest.** The web upload was encrypted while it streamed in
  and is read into memory here; between the upload and the choice of
  columns its rows wait sealed to the documentation compartment, for the
  uploader only (ImportDraft, documentation.import_drafts), deleted by the
  import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage import spreadsheets
from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.documentation import actions, vocabularies
from safepassage.documentation.import_columns import BY_KEY, COLUMNS, guess_mapping
from safepassage.documentation.import_rows import PersonPlan, Problem, RowPlan, RowReader

__all__ = [
    "COMMAND_MAX_ROWS",
    "WEB_MAX_BYTES",
    "WEB_MAX_ROWS",
    "ImportRefused",
    "Problem",
    "Table",
    "guess_mapping",
    "import_records",
    "read_table",
]
from safepassage.documentation.models import (
    Act,
    Confidentiality,
    Event,
    ImportDraft,
    Information,
    Involvement,
    MonitoringStatus,
    Person,
    PersonKind,
    Term,
    Verification,
    ViolationStatus,
    Vocabulary,
)
from safepassage.documentation.models.people import SOGIESC
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault import search

# The import page reads a file in memory: larger ones go through the command line.
WEB_MAX_BYTES = 10 * 1024 * 1024
WEB_MAX_ROWS = 5_000
COMMAND_MAX_ROWS = 100_000
MAX_COLUMNS = 200


class ImportRefused(ValueError):
    """Nothing was stored; the message and the problems are for people."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Table:
    """A file's rows as text: its header and each row with its number in the file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    def to_json(self) -> dict[str, Any]:
        return {"header": self.header, "rows": [[number, row] for number, row in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(list(data["header"]), [(int(n), list(row)) for n, row in data["rows"]])

    def columns(self) -> list[tuple[int, str]]:
        """Each column's index and how to name it: "B: Фамилия"."""
        named = []
        for index, title in enumerate(self.header):
            letter = spreadsheets.column_letter(index)
            named.append((index, f"{letter}: {title}" if title else letter))
        return named


@dataclass(frozen=True)
class Stored:
    """What a row recorded: the codes of its event, act and victim."""

    row: int
    event: str
    act: str
    victim: str


@dataclass
class ImportReport:
    rows: int = 0
    events: int = 0
    acts: int = 0
    people: int = 0
    involvements: int = 0
    information: int = 0
    terms: int = 0
    stored: list[Stored] = field(default_factory=list)

    def lines(self) -> list[str]:
        summary = ngettext("%(count)s row imported", "%(count)s rows imported", self.rows) % {
            "count": self.rows
        }
        counts = ", ".join(
            [
                ngettext("%(events)s event", "%(events)s events", self.events)
                % {"events": self.events},
                ngettext("%(acts)s act", "%(acts)s acts", self.acts) % {"acts": self.acts},
                ngettext("%(people)s person", "%(people)s people", self.people)
                % {"people": self.people},
                ngettext(
                    "%(parts)s perpetrator's part",
                    "%(parts)s perpetrators' parts",
                    self.involvements,
                )
                % {"parts": self.involvements},
                ngettext(
                    "%(accounts)s source's account",
                    "%(accounts)s sources' accounts",
                    self.information,
                )
                % {"accounts": self.information},
                ngettext("%(terms)s new term", "%(terms)s new terms", self.terms)
                % {"terms": self.terms},
            ]
        )
        rows = [
            _("Row %(row)s: event %(event)s, act %(act)s, victim %(victim)s")
            % {"row": item.row, "event": item.event, "act": item.act, "victim": item.victim}
            for item in self.stored
        ]
        return [f"{summary}: {counts}.", *rows]


# --- Reading a file ----------------------------------------------------------------


def read_table(name: str, raw: bytes, *, max_rows: int) -> Table:
    """The rows of a CSV or XLSX file, empty rows left out; ImportRefused
    if it cannot be read, has no header, or has more than ``max_rows``."""
    found = spreadsheets.rows(name, raw)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(found, None)
        if header is None or not any(header):
            raise ImportRefused(_("the first row must hold the columns' titles"))
        for number, row in enumerate(found, start=2):
            if not any(row):
                continue
            if _used(row) > MAX_COLUMNS:
                raise ImportRefused(
                    _("the file has more than %(limit)s columns") % {"limit": MAX_COLUMNS}
                )
            if len(rows) >= max_rows:
                raise ImportRefused(
                    _("the file has more than %(limit)s rows: split it, or use the command line")
                    % {"limit": max_rows}
                )
            rows.append((number, row))
    except spreadsheets.Unreadable as unreadable:
        raise ImportRefused(str(unreadable)) from None
    width = max([_used(header), *(_used(row) for _n, row in rows)])
    if width > MAX_COLUMNS:
        raise ImportRefused(_("the file has more than %(limit)s columns") % {"limit": MAX_COLUMNS})
    header = (header + [""] * width)[:width]
    return Table(header, [(n, (row + [""] * width)[:width]) for n, row in rows])


def _used(row: list[str]) -> int:
    """How many cells of a row count, trailing empty ones left out."""
    while row and not row[-1]:
        row = row[:-1]
    return len(row)


# --- The mapping -------------------------------------------------------------------


def mapping_from_titles(header: list[str], given: dict[str, str]) -> dict[str, int]:
    """Our fields to the columns' indexes, from columns named by their
    titles (the command line's --map FIELD=TITLE)."""
    unknown = sorted(set(given) - set(BY_KEY))
    if unknown:
        raise ImportRefused(
            _("unknown fields %(unknown)s: use %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(BY_KEY)}
        )
    mapping = {}
    for key, title in given.items():
        exact = [i for i, heading in enumerate(header) if heading == title.strip()]
        loose = [i for i, heading in enumerate(header) if heading.casefold() == title.casefold()]
        found = exact or loose
        if not found:
            raise ImportRefused(
                _("no column called %(missing)s; the columns are %(columns)s")
                % {"missing": repr(title), "columns": ", ".join(repr(h) for h in header if h)}
            )
        mapping[key] = found[0]
    return mapping


def mapping_problems(header: list[str], mapping: dict[str, int]) -> list[Problem]:
    """What is wrong with a mapping as a whole (a field every row needs
    has no column; a column the file does not have)."""
    problems = []
    for column in COLUMNS:
        if column.required and column.key not in mapping:
            problems.append(
                Problem(
                    0,
                    "",
                    "",
                    _("Say which column holds “%(field)s”.") % {"field": column.label},
                )
            )
    for key, index in mapping.items():
        if key not in BY_KEY or not 0 <= index < len(header):
            problems.append(Problem(0, "", "", _("A column chosen is not in the file.")))
    return problems


# --- Importing ---------------------------------------------------------------------


def import_records(
    by: User,
    table: Table,
    mapping: dict[str, int],
    *,
    allow_new_terms: bool = False,
    confidentiality: str = Confidentiality.COMPARTMENT,
    draft: ImportDraft | None = None,
) -> ImportReport:
    """Store what the file's rows say, all of it or (ImportRefused, with
    the problems) nothing. The caller has checked that ``by`` may record
    documentation and holds its keys. A ``draft`` the rows came from is
    deleted with the import (and an import of a draft deleted meanwhile,
    a second click, is refused)."""
    if confidentiality not in Confidentiality.values:
        raise ImportRefused(_("Choose who may see the imported events."))
    problems = mapping_problems(table.header, mapping)
    if problems:
        raise ImportRefused(_("the columns are not all chosen"), problems)
    reader = RowReader(table.header, mapping, allow_new_terms)
    rows = [
        (number, {key: row[index] for key, index in mapping.items()}) for number, row in table.rows
    ]
    if not rows:
        raise ImportRefused(_("the file has no rows below its titles"))
    reader.resolve_terms(rows)
    plans = [plan for plan in (reader.read(n, values) for n, values in rows) if plan]
    if reader.problems:
        count = len({problem.row for problem in reader.problems})
        record(
            by,
            "documentation.import_refused",
            None,
            outcome=Outcome.FAILED,
            rows=len(rows),
            problems=len(reader.problems),
        )
        raise ImportRefused(
            ngettext(
                "%(count)s row has a problem; nothing was stored",
                "%(count)s rows have problems; nothing was stored",
                count,
            )
            % {"count": count},
            sorted(reader.problems, key=lambda problem: problem.row),
        )
    try:
        with transaction.atomic():
            if draft is not None:
                if not ImportDraft.objects.select_for_update().filter(pk=draft.pk).exists():
                    raise ImportRefused(_("this file has been imported already"))
                ImportDraft.objects.filter(pk=draft.pk).delete()
            with search.batched():
                report = _save(by, reader, plans, confidentiality)
    except (actions.Refused, vocabularies.VocabularyError) as refusal:
        record(
            by,
            "documentation.import_refused",
            None,
            outcome=Outcome.FAILED,
            rows=len(rows),
            problems=1,
        )
        raise ImportRefused(
            _("nothing was stored: %(reason)s") % {"reason": str(refusal).rstrip(".")}
        ) from None
    return report


def _save(by: User, reader: RowReader, plans: list[RowPlan], confidentiality: str) -> ImportReport:
    terms = _terms(by, reader)
    # Every vocabulary's version now (new terms added): stamped on each record.
    versions = dict(Vocabulary.objects.values_list("key", "version"))
    report = ImportReport(rows=len(plans), terms=sum(len(v) for v in reader.new.values()))
    people: dict[int, Person] = {}

    def person(plan: PersonPlan) -> Person:
        if id(plan) not in people:
            people[id(plan)] = _person(by, plan, terms, versions)
        return people[id(plan)]

    events: dict[int, Event] = {}
    for plan in plans:
        if id(plan.event) not in events:
            events[id(plan.event)] = _event(by, plan, confidentiality, versions)
        event = events[id(plan.event)]
        victim = person(plan.victim)
        act = _act(by, plan, event, victim, terms, versions)
        if plan.involvement is not None:
            chosen = plan.involvement["terms"]
            involvement = Involvement(
                act=act,
                perpetrator=person(plan.perpetrator) if plan.perpetrator else None,
                degree=_term(terms, chosen["degree"]),
                perpetrator_type=_term(terms, chosen["perpetrator_type"]),
            )
            actions.fill(
                involvement,
                unit=actions.text_or_none(plan.involvement["unit"]),
                rank=actions.text_or_none(plan.involvement["rank"]),
            )
            actions.create(involvement, by, versions)
            report.involvements += 1
        if plan.information is not None and plan.source is not None:
            chosen = plan.information["terms"]
            information = Information(
                event=event,
                act=act,
                source=person(plan.source),
                connection=_term(terms, chosen["connection"]),
                reliability=_term(terms, chosen["reliability"]),
                language=_term(terms, chosen["language"]) if "language" in chosen else None,
                reported_on=plan.information["reported_on"],
            )
            actions.fill(
                information,
                account=actions.text_or_none(plan.information["account"]),
                reference=actions.text_or_none(plan.information["reference"]),
            )
            actions.create(information, by, versions)
            report.information += 1
        report.stored.append(Stored(plan.row, event.code, act.code, victim.code))
    report.events, report.acts, report.people = len(events), len(plans), len(people)
    record(
        by,
        "documentation.records_imported",
        None,
        rows=report.rows,
        events=report.events,
        acts=report.acts,
        people=report.people,
        involvements=report.involvements,
        information=report.information,
        terms=report.terms,
        confidentiality=confidentiality,
    )
    return report


def _terms(by: User, reader: RowReader) -> dict[str, dict[str, Term]]:
    """Each vocabulary's terms by code, with the new ones (by the value
    that named them) added now."""
    terms = {
        vocabulary: {term.code: term for term in found.values()}
        for vocabulary, found in reader.found.items()
    }
    for vocabulary, values in reader.new.items():
        if values:
            added = vocabularies.resolve(vocabulary, values, allow_new=True, by=by)
            terms[vocabulary].update(added)
    return terms


def _term(terms: dict[str, dict[str, Term]], chosen: tuple[str, str]) -> Term:
    vocabulary, text = chosen
    return terms[vocabulary][text]


def _person(
    by: User, plan: PersonPlan, terms: dict[str, dict[str, Term]], versions: dict[str, int]
) -> Person:
    values = plan.values
    person = Person(
        kind=plan.kind,
        group_size=values.get("group_size") if plan.kind == PersonKind.GROUP else None,
    )
    profile = {
        vocabulary: _term(terms, values[vocabulary]).code
        for vocabulary in SOGIESC
        if values.get(vocabulary)
    }
    actions.fill(
        person,
        name=" ".join(plan.name.split()),
        other_names=values.get("other_names"),
        born=values.get("born"),
        description=values.get("description"),
        profile=profile or None,
    )
    if profile:
        vocabularies.stamp(person, *profile, versions=versions)
    actions.create(person, by, versions)
    return person


def _event(by: User, plan: RowPlan, confidentiality: str, versions: dict[str, int]) -> Event:
    values = plan.event.values
    event = Event(
        violation_status=values.get("violation_status") or ViolationStatus.UNKNOWN,
        monitoring_status=values.get("monitoring_status") or MonitoringStatus.ACTIVE,
        confidentiality=confidentiality,
    )
    actions.fill(event, title=plan.event.title, description=values.get("description"))
    event.start = values.get("start") or FuzzyDate.unknown()
    event.end = values.get("end") or FuzzyDate.unknown()
    event.place = values.get("place") or Place.unknown()
    actions.create(event, by, versions)
    return event


def _act(
    by: User,
    plan: RowPlan,
    event: Event,
    victim: Person,
    terms: dict[str, dict[str, Term]],
    versions: dict[str, int],
) -> Act:
    values = plan.act
    status = plan.act_terms.get("victim_status")
    act = Act(
        event=event,
        victim=victim,
        act_type=_term(terms, plan.act_type),
        victim_status=_term(terms, status) if status else None,
        verification=values["verification"],
    )
    actions.fill(
        act,
        method=actions.text_or_none(values["method"]),
        stated_reason=actions.text_or_none(values["stated_reason"]),
        consequences=actions.text_or_none(values["consequences"]),
    )
    act.start = values["start"] or event.start
    act.end = values["end"] or FuzzyDate.unknown()
    act.place = event.place
    if act.verification != Verification.REPORTED:
        act.verified_on = values["verified_on"] or timezone.localdate()
        act.verified_by = by
    actions.create(act, by, versions)
    return act
