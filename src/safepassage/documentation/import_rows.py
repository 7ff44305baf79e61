"""Reading each row of an imported file into what it will record: an
event, an act, its victim, perhaps a perpetrator and a source. Nothing is
saved here; every value that cannot be read becomes a problem of its row
(the row, the column as the file titles it, the value, and what is
wrong, in the reader's language), and rows that say the same event or
the same person are gathered, refusing those that disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from safepassage import spreadsheets
from safepassage.documentation import vocabularies
from safepassage.documentation.import_columns import (
    BY_KEY,
    COLUMNS,
    DEFAULT_TERMS,
    NAME_LENGTH,
    NEVER_NEW,
    TITLE_LENGTH,
    at_precision,
    choice_codes,
    match_choice,
    read_date,
    read_day,
    read_place,
)
from safepassage.documentation.models import (
    PersonKind,
    Term,
    Verification,
    Vocabulary,
)
from safepassage.documentation.precision import BadDate, BadPlace, FuzzyDate, Place
from safepassage.spreadsheets import shown

# A term as a row names it: (vocabulary, the term's code), or for a term
# to be added, (vocabulary, the value as written).
TermRef = tuple[str, str]

PERPETRATOR = ("perpetrator_type", "degree", "perpetrator_name", "unit", "rank")
SOURCE = (
    "source_name",
    "source_kind",
    "connection",
    "reliability",
    "source_language",
    "reported_on",
    "account",
    "reference",
)
# The column that says a merged value of an event, where its name differs.
MERGED_COLUMNS = {"place": "place_area"}
PROFILE = {
    "victim_sexual_orientation": "sexual_orientation",
    "victim_gender_identity": "gender_identity",
    "victim_gender_expression": "gender_expression",
    "victim_sex_characteristics": "sex_characteristics",
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with a row: its number in the file (0: the file or
    the mapping as a whole), the column as the file titles it, the value
    as written, and what is wrong."""

    row: int
    column: str
    value: str
    text: str

    @property
    def quoted(self) -> str:
        return shown(self.value)

    def message(self) -> str:
        if not self.row:
            return self.text
        if self.value:
            return _("Row %(row)s, column “%(column)s”, “%(value)s”: %(problem)s") % {
                "row": self.row,
                "column": self.column,
                "value": shown(self.value),
                "problem": self.text,
            }
        return _("Row %(row)s, column “%(column)s”: %(problem)s") % {
            "row": self.row,
            "column": self.column,
            "problem": self.text,
        }


@dataclass
class PersonPlan:
    """A person the import will record (rows naming the same one share it)."""

    row: int
    name: str
    kind: str = PersonKind.INDIVIDUAL
    values: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, TermRef] = field(default_factory=dict)


@dataclass
class EventPlan:
    row: int
    title: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class RowPlan:
    """One row: an act of an event against a victim, by whose account."""

    row: int
    event: EventPlan
    victim: PersonPlan
    act_type: TermRef
    act: dict[str, Any] = field(default_factory=dict)
    act_terms: dict[str, TermRef] = field(default_factory=dict)
    perpetrator: PersonPlan | None = None
    involvement: dict[str, Any] | None = None
    source: PersonPlan | None = None
    information: dict[str, Any] | None = None


def plain_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def term_value(value: str) -> str:
    return " ".join(value.split())


class RowReader:
    """Reads a table's rows under a mapping (our field -> the column's
    index), gathering problems rather than stopping at the first."""

    def __init__(self, header: list[str], mapping: dict[str, int], allow_new: bool) -> None:
        self.header = header
        self.mapping = mapping
        self.allow_new = allow_new
        self.problems: list[Problem] = []
        # vocabulary -> value as written (spaces aside) -> term.
        self.found: dict[str, dict[str, Term]] = {}
        # vocabulary -> values that name no term, to be added (allow_new).
        self.new: dict[str, set[str]] = {}
        self.events: dict[tuple[Any, ...], EventPlan] = {}
        self.people: dict[tuple[Any, ...], PersonPlan] = {}

    # --- Reporting ------------------------------------------------------------

    def title(self, key: str) -> str:
        index = self.mapping[key]
        heading = self.header[index] if index < len(self.header) else ""
        return heading or spreadsheets.column_letter(index)

    def problem(self, row: int, key: str, value: str, text: str) -> None:
        self.problems.append(Problem(row, self.title(key), value, text))

    # --- Terms ------------------------------------------------------------------

    def resolve_terms(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Find every term the rows name, by vocabulary, in one look each;
        values that name none are problems of their rows, or (when asked,
        and never for places) terms to add."""
        wanted: dict[str, set[str]] = {}
        for column in COLUMNS:
            if column.kind == "term" and column.key in self.mapping:
                values = {term_value(v[column.key]) for _n, v in rows if v[column.key].strip()}
                wanted.setdefault(column.vocabulary, set()).update(values)
        for key, code in DEFAULT_TERMS.items():
            wanted.setdefault(BY_KEY[key].vocabulary, set()).add(code)
        defaults = set(DEFAULT_TERMS.values())
        for vocabulary, named in wanted.items():
            try:
                self.found[vocabulary] = vocabularies.resolve(vocabulary, named)
            except vocabularies.UnknownTerms as unknown:
                missing = set(unknown.values)
                self.found[vocabulary] = vocabularies.resolve(vocabulary, named - missing)
                if self.allow_new and vocabulary not in NEVER_NEW:
                    self.new[vocabulary] = missing - defaults
        names = {v.key: v.name() for v in Vocabulary.objects.filter(key__in=list(wanted))}
        for number, row in rows:
            for column in COLUMNS:
                value = term_value(row.get(column.key, ""))
                if column.kind != "term" or not value:
                    continue
                known = value in self.found[column.vocabulary]
                if known or value in self.new.get(column.vocabulary, ()):
                    continue
                self.problem(number, column.key, value, self._unknown(column.vocabulary, names))

    def _unknown(self, vocabulary: str, names: dict[str, str]) -> str:
        if vocabulary in NEVER_NEW:
            return _(
                "not an area of the places: give the nearest area, and what is known "
                "beyond it in the place's detail (sealed)."
            )
        name = names.get(vocabulary, vocabulary)
        if self.allow_new:
            return _("not a term of “%(vocabulary)s”.") % {"vocabulary": name}
        return _(
            "not a term of “%(vocabulary)s”: give a term's code or its label in English, "
            "Russian or French. An import adds no term unless asked to."
        ) % {"vocabulary": name}

    def term(self, values: dict[str, str], key: str, *, default: bool = False) -> TermRef | None:
        """The term a row names in this column, or (``default``) the
        vocabulary's "unknown"; None if neither (a problem was noted)."""
        vocabulary = BY_KEY[key].vocabulary
        value = term_value(values.get(key, ""))
        if value:
            found = self.found.get(vocabulary, {}).get(value)
            return (vocabulary, found.code if found else value)
        if default and DEFAULT_TERMS[key] in self.found.get(vocabulary, {}):
            return (vocabulary, DEFAULT_TERMS[key])
        return None

    def needed(self, number: int, key: str, found: TermRef | None, part: tuple[str, ...]) -> None:
        """A term a part needs that the row does not give (nor has a default)."""
        if found is None:
            column = key if key in self.mapping else next(k for k in part if k in self.mapping)
            self.problem(number, column, "", _("%(what)s is needed.") % {"what": BY_KEY[key].label})

    def place_term(self, values: dict[str, str]) -> Term | None:
        value = term_value(values.get("place_area", ""))
        return self.found.get("place", {}).get(value) if value else None

    # --- Values -----------------------------------------------------------------

    def text(self, number: int, values: dict[str, str], key: str, limit: int = 0) -> str:
        value = values.get(key, "").strip()
        if limit and len(value) > limit:
            self.problem(
                number, key, value, _("longer than %(limit)s characters.") % {"limit": limit}
            )
        return value

    def required(self, number: int, values: dict[str, str], key: str, limit: int) -> str:
        value = self.text(number, values, key, limit)
        if not value and key in self.mapping:
            self.problem(number, key, "", _("empty; every row needs one."))
        return value

    def choice(self, number: int, values: dict[str, str], key: str) -> str | None:
        value = values.get(key, "").strip()
        if not value:
            return None
        choices: type[models.TextChoices] = BY_KEY[key].choices  # type: ignore[assignment]
        found = match_choice(choices, value)
        if found is None:
            self.problem(
                number,
                key,
                value,
                _("not one of %(codes)s (or their labels).") % {"codes": choice_codes(choices)},
            )
        return found

    def date(
        self, number: int, values: dict[str, str], key: str, precision_key: str = ""
    ) -> FuzzyDate | None:
        """A date (None if not given, or not readable: a problem is noted),
        at the precision its precision column gives, if any."""
        value = values.get(key, "").strip()
        precision = self.choice(number, values, precision_key) if precision_key else None
        if not value:
            if precision not in (None, "unknown"):
                self.problem(number, precision_key, "", _("a precision needs a date."))
            return None
        try:
            found = read_date(value)
            return at_precision(found, precision) if precision else found
        except BadDate as bad:
            self.problem(number, key, value, str(bad))
            return None

    def day(self, number: int, values: dict[str, str], key: str) -> dt.date | None:
        value = values.get(key, "").strip()
        if not value:
            return None
        try:
            return read_day(value)
        except BadDate as bad:
            self.problem(number, key, value, str(bad))
            return None

    def count(self, number: int, values: dict[str, str], key: str) -> int | None:
        value = values.get(key, "").strip()
        if not value:
            return None
        if not value.isdigit() or int(value) < 1:
            self.problem(number, key, value, _("not a whole number of at least 1."))
            return None
        return int(value)

    # --- A row ------------------------------------------------------------------

    def read(self, number: int, values: dict[str, str]) -> RowPlan | None:
        """What one row records, or None if it has problems (noted)."""
        before = len(self.problems)
        event = self._event(number, values)
        victim = self._victim(number, values)
        act_type = self.term(values, "act_type")
        if act_type is None:
            self.problem(number, "act_type", "", _("empty; every row needs one."))
        plan = RowPlan(number, event, victim, act_type or ("act_type", ""))
        start = self.date(number, values, "act_start")
        end = self.date(number, values, "act_end")
        plan.act = {
            "start": start,
            "end": end,
            "method": self.text(number, values, "method"),
            "stated_reason": self.text(number, values, "stated_reason"),
            "consequences": self.text(number, values, "consequences"),
            "verification": self.choice(number, values, "verification") or Verification.REPORTED,
            "verified_on": self.day(number, values, "verified_on"),
        }
        self._in_order(number, "act_end", start, end)
        status = self.term(values, "victim_status")
        if status:
            plan.act_terms["victim_status"] = status
        if any(values.get(key, "").strip() for key in PERPETRATOR):
            self._perpetrator(number, values, plan)
        if any(values.get(key, "").strip() for key in SOURCE):
            self._source(number, values, plan)
        return plan if len(self.problems) == before and act_type else None

    def _in_order(
        self, number: int, key: str, start: FuzzyDate | None, end: FuzzyDate | None
    ) -> None:
        if start and end and start.earliest and end.latest and end.latest < start.earliest:
            self.problem(number, key, str(end), _("the end is before the start."))

    def _event(self, number: int, values: dict[str, str]) -> EventPlan:
        title = self.required(number, values, "title", TITLE_LENGTH)
        start = self.date(number, values, "start", "start_precision")
        end = self.date(number, values, "end", "end_precision")
        self._in_order(number, "end" if "end" in self.mapping else "start", start, end)
        area = self.place_term(values)
        detail = self.text(number, values, "place_detail")
        precision = self.choice(number, values, "place_precision")
        place = Place.unknown()
        try:
            place = read_place(precision, area, detail)
        except BadPlace as bad:
            parts = ("place_precision", "place_area", "place_detail")
            column = next(k for k in parts if k in self.mapping)
            self.problem(number, column, values.get(column, ""), str(bad))
        said = {
            "start": start,
            "end": end,
            "place": place if place.known else None,
            "description": self.text(number, values, "description") or None,
            "violation_status": self.choice(number, values, "violation_status"),
            "monitoring_status": self.choice(number, values, "monitoring_status"),
        }
        reference = values.get("event_ref", "").strip()
        group: tuple[Any, ...]
        if reference:
            group = ("ref", reference)
        else:
            group = ("same", plain_name(title), str(start), place.to_parts())
        plan = self.events.setdefault(group, EventPlan(number, title))
        if plan.row != number and plain_name(plan.title) != plain_name(title):
            self._disagree(number, "title", title, plan.row, bool(reference))
        self._merge(number, plan.values, said, plan.row, bool(reference))
        return plan

    def _victim(self, number: int, values: dict[str, str]) -> PersonPlan:
        name = self.required(number, values, "victim_name", NAME_LENGTH)
        kind = self.choice(number, values, "victim_kind") or PersonKind.INDIVIDUAL
        said: dict[str, Any] = {
            "group_size": self.count(number, values, "victim_group_size")
            if kind == PersonKind.GROUP
            else None,
            "other_names": self.text(number, values, "victim_other_names") or None,
            "born": self.text(number, values, "victim_born") or None,
            "description": self.text(number, values, "victim_description") or None,
        }
        for column, vocabulary in PROFILE.items():
            said[vocabulary] = self.term(values, column)
        reference = values.get("victim_ref", "").strip()
        group = ("ref", reference) if reference else ("name", plain_name(name))
        plan = self.people.setdefault(group, PersonPlan(number, name, kind))
        if plan.row != number and plan.kind != kind:
            self._disagree(number, "victim_kind", values.get("victim_kind", ""), plan.row, True)
        self._merge(number, plan.values, said, plan.row, bool(reference), prefix="victim_")
        return plan

    def _someone(self, number: int, values: dict[str, str], key: str, kind: str) -> PersonPlan:
        name = self.text(number, values, key, NAME_LENGTH)
        return self.people.setdefault(("name", plain_name(name)), PersonPlan(number, name, kind))

    def _perpetrator(self, number: int, values: dict[str, str], plan: RowPlan) -> None:
        kinds = self.term(values, "perpetrator_type", default=True)
        degree = self.term(values, "degree", default=True)
        self.needed(number, "perpetrator_type", kinds, PERPETRATOR)
        self.needed(number, "degree", degree, PERPETRATOR)
        if values.get("perpetrator_name", "").strip():
            plan.perpetrator = self._someone(number, values, "perpetrator_name", "individual")
        plan.involvement = {
            "unit": self.text(number, values, "unit"),
            "rank": self.text(number, values, "rank"),
            "terms": {"perpetrator_type": kinds, "degree": degree},
        }

    def _source(self, number: int, values: dict[str, str], plan: RowPlan) -> None:
        name = values.get("source_name", "").strip()
        kind = self.choice(number, values, "source_kind") or PersonKind.INDIVIDUAL
        if not name or plain_name(name) == plain_name(plan.victim.name):
            plan.source = plan.victim
        else:
            plan.source = self._someone(number, values, "source_name", kind)
        language = self.term(values, "source_language")
        connection = self.term(values, "connection", default=True)
        reliability = self.term(values, "reliability", default=True)
        self.needed(number, "connection", connection, SOURCE)
        self.needed(number, "reliability", reliability, SOURCE)
        plan.information = {
            "reported_on": self.day(number, values, "reported_on"),
            "account": self.text(number, values, "account"),
            "reference": self.text(number, values, "reference"),
            "terms": {
                "connection": connection,
                "reliability": reliability,
                **({"language": language} if language else {}),
            },
        }

    # --- Rows that say the same event or person ----------------------------------

    def _merge(
        self,
        number: int,
        kept: dict[str, Any],
        said: dict[str, Any],
        first: int,
        by_reference: bool,
        prefix: str = "",
    ) -> None:
        """What a row says of an event or a person another row named
        first: what one leaves empty the other may say; both saying
        something different is a problem of the later row."""
        for name, value in said.items():
            if value is None:
                continue
            if kept.get(name) is None:
                kept[name] = value
            elif kept[name] != value:
                column = MERGED_COLUMNS.get(name, name) if not prefix else f"{prefix}{name}"
                shown_value = value[1] if isinstance(value, tuple) else str(value)
                self._disagree(number, column, shown_value, first, by_reference)

    def _disagree(self, number: int, key: str, value: str, first: int, by_reference: bool) -> None:
        if key not in self.mapping:
            fallback = ("event_ref", "victim_ref", "title", "victim_name")
            key = next(k for k in fallback if k in self.mapping)
        if by_reference:
            text = _("row %(first)s has the same reference and says otherwise.")
        else:
            text = _(
                "row %(first)s names the same one and says otherwise: give each its own "
                "reference, or the same details."
            )
        self.problem(number, key, value, text % {"first": first})
