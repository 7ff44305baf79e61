"""Exporting the documentation: JSON (one document) or CSV (a zip of one
file per kind of record), with the links between records kept.

Every record is named by a stable identifier (the codes of events, acts,
people, statements and promises; the ids of the rest), and every link by
the identifier of the record it points to, so the export can be read back
as the same web of records: an act names its event and its victim by their
codes, a source's account its source, a statement's link the event and the
act it concerns. Terms are given by their code and their label in the
exporter's language; the vocabularies themselves, with their three
labels, come with the export.

An export holds what the person exporting may see and nothing more (the
access rules of documentation.access: restricted events they are not
shared with, what hangs from them, and the people who appear only there
are left out; a link to a record left out is left empty), is made in
memory, never written on the server, and is audited with its counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.access import visible_events, visible_people
from safepassage.documentation.models import (
    Act,
    Commitment,
    CommitmentChange,
    EventLink,
    Information,
    Intervention,
    Involvement,
    PersonLink,
    Statement,
    StatementLink,
    Term,
    Vocabulary,
)
from safepassage.documentation.models.people import SOGIESC
from safepassage.documentation.models.vocabulary import LANGUAGES
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault.bulk import open_rows

FORMAT = "safepassage.documentation"
FORMAT_VERSION = 1
FORMATS = ("json", "csv")

# The kinds of records, in the order a reader needs them (a record's links
# point to kinds above it, or to its own kind).
KINDS = (
    "people",
    "person_links",
    "events",
    "event_links",
    "acts",
    "involvements",
    "information",
    "interventions",
    "statements",
    "statement_links",
    "commitments",
    "commitment_changes",
)

Row = dict[str, Any]


@dataclass(frozen=True)
class Chosen:
    """A record's term (or none): its code and label in the export."""

    term: Term | None


def _opened(rows: Iterable[Model], *fields: str) -> list[Any]:
    found = list(rows)
    open_rows(found, fields or None)
    return found


class Collector:
    """Gathers what ``user`` may see, with the links as identifiers."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.terms = {term.pk: term for term in Term.objects.all()}
        keys = dict(Vocabulary.objects.values_list("pk", "key"))
        self.by_code = {(keys[t.vocabulary_id], t.code): t for t in self.terms.values()}
        self.codes: dict[str, dict[Any, str]] = {"event": {}, "act": {}, "person": {}}

    def term(self, pk: int | None) -> Chosen:
        return Chosen(self.terms.get(pk) if pk is not None else None)

    def code(self, kind: str, pk: Any) -> str | None:
        return self.codes[kind].get(pk) if pk is not None else None

    def collect(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        visible = visible_events(self.user).values("pk")
        people = _opened(visible_people(self.user).order_by("code"))
        self.codes["person"] = {p.pk: p.code for p in people}
        found["people"] = [self.person(p) for p in people]
        found["person_links"] = [
            {
                "person": self.code("person", link.person_id),
                "related": self.code("person", link.related_id),
                "relationship": self.term(link.relationship_id),
                "note": link.note,
            }
            for link in _opened(PersonLink.objects.order_by("created_at", "pk"))
            if link.person_id in self.codes["person"] and link.related_id in self.codes["person"]
        ]
        events = _opened(visible_events(self.user).order_by("code"))
        self.codes["event"] = {e.pk: e.code for e in events}
        found["events"] = [self.event(e) for e in events]
        found["event_links"] = [
            {
                "event": self.code("event", link.event_id),
                "related": self.code("event", link.related_id),
                "kind": self.term(link.kind_id),
            }
            for link in EventLink.objects.filter(event__in=visible, related__in=visible).order_by(
                "created_at", "pk"
            )
        ]
        acts = _opened(Act.objects.filter(event__in=visible).order_by("code"))
        self.codes["act"] = {a.pk: a.code for a in acts}
        found["acts"] = [self.act(a) for a in acts]
        found["involvements"] = [
            {
                "id": str(i.pk),
                "act": self.code("act", i.act_id),
                "perpetrator": self.code("person", i.perpetrator_id),
                "degree": self.term(i.degree_id),
                "perpetrator_type": self.term(i.perpetrator_type_id),
                "unit": i.unit,
                "rank": i.rank,
            }
            for i in _opened(
                Involvement.objects.filter(act__event__in=visible).order_by("created_at", "pk")
            )
        ]
        found["information"] = [
            {
                "id": str(i.pk),
                "event": self.code("event", i.event_id),
                "act": self.code("act", i.act_id),
                "source": self.code("person", i.source_id),
                "connection": self.term(i.connection_id),
                "reliability": self.term(i.reliability_id),
                "language": self.term(i.language_id),
                "reported_on": i.reported_on,
                "account": i.account,
                "reference": i.reference,
            }
            for i in _opened(
                Information.objects.filter(event__in=visible).order_by("created_at", "pk")
            )
        ]
        found["interventions"] = [
            {
                "id": str(i.pk),
                "event": self.code("event", i.event_id),
                "act": self.code("act", i.act_id),
                "victim": self.code("person", i.victim_id),
                "kind": self.term(i.kind_id),
                "made_on": i.made_on,
                "intervening_party": i.intervening_party,
                "addressed_to": i.addressed_to,
                "response": self.term(i.response_id),
                "outcome": i.outcome,
                "status": i.status,
            }
            for i in _opened(
                Intervention.objects.filter(event__in=visible).order_by("created_at", "pk")
            )
        ]
        self.statements(found, visible)
        return found

    def statements(self, found: dict[str, list[Row]], visible: Any) -> None:
        statements = _opened(Statement.objects.order_by("code"))
        codes = {s.pk: s.code for s in statements}
        found["statements"] = [
            {
                "code": s.code,
                "speaker": s.speaker,
                "office": s.office,
                "said_on": s.said_on,
                "language": self.term(s.language_id),
                "quote": s.quote,
                "translation": s.translation,
                "published_in": s.published_in,
                "stance": self.term(s.stance_id),
            }
            for s in statements
        ]
        found["statement_links"] = [
            {
                "statement": codes.get(link.statement_id),
                "event": self.code("event", link.event_id),
                "act": self.code("act", link.act_id),
                "passage": link.passage,
            }
            for link in _opened(
                StatementLink.objects.filter(event__in=visible).order_by("created_at", "pk")
            )
        ]
        commitments = _opened(Commitment.objects.order_by("code"))
        promises = {c.pk: c.code for c in commitments}
        found["commitments"] = [
            {
                "code": c.code,
                "statement": codes.get(c.statement_id),
                "promised_by": c.promised_by,
                "promised_to": c.promised_to,
                "promised_on": c.promised_on,
                "promise": c.promise,
                "status": c.status,
            }
            for c in commitments
        ]
        found["commitment_changes"] = [
            {
                "commitment": promises.get(change.commitment_id),
                "status": change.status,
                "changed_on": change.changed_on,
                "source": self.code("person", change.source_id),
                "reference": change.reference,
                "note": change.note,
                "recorded_at": change.recorded_at,
            }
            for change in _opened(CommitmentChange.objects.order_by("recorded_at", "pk"))
        ]

    def person(self, person: Any) -> Row:
        profile = person.profile or {}
        return {
            "code": person.code,
            "kind": person.kind,
            "group_size": person.group_size,
            "name": person.name,
            "other_names": person.other_names,
            "born": person.born,
            "contact": person.contact,
            "description": person.description,
            **{f"profile_{key}": self.profile_term(key, profile.get(key)) for key in SOGIESC},
            **_stamped(person),
        }

    def profile_term(self, vocabulary: str, code: str | None) -> Chosen | str:
        if code is None:
            return Chosen(None)
        term = self.by_code.get((vocabulary, code))
        return Chosen(term) if term is not None else code

    def event(self, event: Any) -> Row:
        return {
            "code": event.code,
            "title": event.title,
            "description": event.description,
            "start": event.start,
            "end": event.end,
            "place": self.place(event),
            "violation_status": event.violation_status,
            "monitoring_status": event.monitoring_status,
            "confidentiality": event.confidentiality,
            **_stamped(event),
        }

    def act(self, act: Any) -> Row:
        return {
            "code": act.code,
            "event": self.code("event", act.event_id),
            "victim": self.code("person", act.victim_id),
            "act_type": self.term(act.act_type_id),
            "start": act.start,
            "end": act.end,
            "place": self.place(act),
            "method": act.method,
            "stated_reason": act.stated_reason,
            "consequences": act.consequences,
            "victim_status": self.term(act.victim_status_id),
            "verification": act.verification,
            "verified_on": act.verified_on,
            **_stamped(act),
        }

    def place(self, item: Any) -> Place:
        area = self.terms.get(item.place_area_id) if item.place_area_id else None
        return Place(item.place_precision, area, item.place_detail or "")


def _stamped(item: Any) -> Row:
    return {
        "version": item.version,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "vocabularies": item.vocabularies or {},
    }


# --- The document ------------------------------------------------------------------


def vocabularies_document() -> list[dict[str, Any]]:
    """Every vocabulary with its version and terms (code, broader term,
    labels in the three languages, versions): they are no secret."""
    terms: dict[int, list[Term]] = {}
    for term in Term.objects.select_related("parent").order_by("position", "code"):
        terms.setdefault(term.vocabulary_id, []).append(term)
    return [
        {
            "key": vocabulary.key,
            "version": vocabulary.version,
            "name": {language: vocabulary.name(language) for language in LANGUAGES},
            "terms": [
                {
                    "code": term.code,
                    "parent": term.parent.code if term.parent else None,
                    "labels": term.labels(),
                    "added_in": term.added_in,
                    "retired_in": term.retired_in,
                }
                for term in terms.get(vocabulary.pk, [])
            ],
        }
        for vocabulary in Vocabulary.objects.order_by("key")
    ]


def export(user: User, fmt: str) -> tuple[bytes, str]:
    """The export of what ``user`` may see, as bytes, and its file name.
    The caller has checked that ``user`` may read the documentation and
    holds its keys. Audited with its counts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    records = Collector(user).collect()
    language = (translation.get_language() or "en")[:2]
    made = timezone.now()
    if fmt == "json":
        content = as_json(records, vocabularies_document(), language, made)
    else:
        content = as_csv_zip(records, vocabularies_document())
    record(
        user,
        "documentation.exported",
        None,
        format=fmt,
        events=len(records["events"]),
        acts=len(records["acts"]),
        people=len(records["people"]),
        involvements=len(records["involvements"]),
        information=len(records["information"]),
        interventions=len(records["interventions"]),
        statements=len(records["statements"]),
        commitments=len(records["commitments"]),
    )
    return content, f"documentation-{made:%Y-%m-%d}.{'json' if fmt == 'json' else 'zip'}"


def _json_term(term: Term | None) -> dict[str, str] | None:
    return {"code": term.code, "label": term.label()} if term is not None else None


def _json_value(value: Any) -> Any:
    if isinstance(value, Chosen):
        return _json_term(value.term)
    if isinstance(value, Place):
        return {
            "precision": str(value.precision),
            "area": _json_term(value.area),
            "detail": value.detail or None,
        }
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _json_row(row: Row) -> Row:
    out: Row = {}
    for name, value in row.items():
        if isinstance(value, FuzzyDate):
            out[name] = str(value)
            out[f"{name}_precision"] = str(value.precision)
        else:
            out[name] = _json_value(value)
    return out


def as_json(
    records: dict[str, list[Row]],
    vocabularies: list[dict[str, Any]],
    language: str,
    made: dt.datetime,
) -> bytes:
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": made.isoformat(),
        "language": language,
        "vocabularies": vocabularies,
        **{kind: [_json_row(row) for row in records[kind]] for kind in KINDS},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _csv_row(row: Row) -> Row:
    out: Row = {}
    for name, value in row.items():
        if isinstance(value, FuzzyDate):
            out[name] = str(value)
            out[f"{name}_precision"] = str(value.precision)
        elif isinstance(value, Place):
            out[f"{name}_precision"] = str(value.precision)
            out[f"{name}_area"] = value.area.code if value.area else ""
            out[f"{name}_area_label"] = value.area.label() if value.area else ""
            out[f"{name}_detail"] = value.detail
        elif isinstance(value, Chosen):
            out[name] = value.term.code if value.term else ""
            out[f"{name}_label"] = value.term.label() if value.term else ""
        elif isinstance(value, dict):
            out[name] = json.dumps(value, sort_keys=True)
        elif isinstance(value, dt.datetime | dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = "" if value is None else value
    return out


def as_csv_zip(records: dict[str, list[Row]], vocabularies: list[dict[str, Any]]) -> bytes:
    """One CSV per kind of record (UTF-8 with a byte-order mark, so
    spreadsheets read Cyrillic), and terms.csv with every vocabulary."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            rows = [_csv_row(row) for row in records[kind]]
            archive.writestr(f"{kind}.csv", _csv(rows))
        terms = [
            {
                "vocabulary": vocabulary["key"],
                "code": term["code"],
                "parent": term["parent"] or "",
                **{f"label_{lang}": term["labels"][lang] for lang in LANGUAGES},
                "added_in": term["added_in"],
                "retired_in": term["retired_in"] or "",
            }
            for vocabulary in vocabularies
            for term in vocabulary["terms"]
        ]
        archive.writestr("terms.csv", _csv(terms))
    return buffer.getvalue()


def _csv(rows: list[Row]) -> str:
    names: list[str] = []
    for row in rows:
        names += [name for name in row if name not in names]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=names, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + text.getvalue()
