"""Officials' statements set beside the facts, and their promises followed up.

Named actions for statements (recording one, changing it, setting it
beside an event or an act with the passage that concerns it) and for
commitments (recording a promise, and each dated, sourced change of its
status: changes are only ever added), and what the statement page shows:
each act a statement concerns with its verification status, as far as
the reader may see the act's event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.access import hidden_events
from safepassage.documentation.actions import Refused, create, fill, lock, save_changes
from safepassage.documentation.models import (
    Act,
    Commitment,
    CommitmentChange,
    CommitmentStatus,
    Event,
    Person,
    Statement,
    StatementLink,
    Term,
    Verification,
)
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.vault.bulk import open_rows

TEXTS = ("office", "translation", "published_in")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    for name, message in (
        ("speaker", _("Say who made the statement.")),
        ("quote", _("Give the exact words, in the language they were said in.")),
    ):
        if name in values:
            text = (values[name] or "").strip()
            if not text:
                raise Refused(message)
            values[name] = text
    for name in TEXTS:
        if name in values:
            values[name] = (values[name] or "").strip() or None
    return values


def record_statement(
    by: User,
    *,
    speaker: str,
    quote: str,
    stance: Term,
    said_on: dt.date | None = None,
    language: Term | None = None,
    office: str = "",
    translation: str = "",
    published_in: str = "",
) -> Statement:
    values = _clean(
        {
            "speaker": speaker,
            "quote": quote,
            "office": office,
            "translation": translation,
            "published_in": published_in,
        }
    )
    statement = Statement(stance=stance, said_on=said_on, language=language, **values)
    with transaction.atomic():
        create(statement, by)
        record(by, "documentation.statement_recorded", statement, term=stance.code)
    return statement


def change_statement(statement: Statement, *, by: User, version: int, **values: Any) -> list[str]:
    values = _clean(values)
    with transaction.atomic():
        changed = save_changes(statement, version, by, values)
        if changed:
            record(
                by,
                "documentation.statement_changed",
                statement,
                changed=changed,
                revision=statement.version,
            )
    return changed


def link_statement(
    by: User, statement: Statement, *, event: Event, act: Act | None = None, passage: str = ""
) -> StatementLink:
    """Set a statement beside an event, or beside one act of it."""
    if act is not None and act.event_id != event.pk:
        raise Refused(_("That act belongs to another event."))
    if StatementLink.objects.filter(statement=statement, event=event, act=act).exists():
        raise Refused(_("The statement is already set beside this."))
    link = StatementLink(statement=statement, event=event, act=act)
    link.passage = passage.strip() or None
    link.created_by = link.updated_by = by
    with transaction.atomic():
        link.save(force_insert=True)
        record(
            by,
            "documentation.statement_linked",
            statement,
            event=event.code,
            act=act.code if act else None,
        )
    return link


@dataclass
class Glance:
    """The facts one statement is set beside, counted: the acts by how far
    each is established, and the events set beside as a whole."""

    acts: int = 0
    by_verification: list[tuple[str, str, int]] = field(default_factory=list)
    events: int = 0

    @property
    def empty(self) -> bool:
        return not self.acts and not self.events


def at_a_glance(user: User, shown: list[Statement]) -> dict[Any, Glance]:
    """For each statement, what it is set beside that ``user`` may see,
    counted in one query."""
    counts = (
        StatementLink.objects.filter(statement__in=shown)
        .exclude(event__in=hidden_events(user))
        .values_list("statement_id", "act__verification")
        .annotate(count=Count("id"))
        .order_by()
    )
    found: dict[Any, dict[str | None, int]] = {}
    for statement_id, verification, count in counts:
        found.setdefault(statement_id, {})[verification] = count
    labels = dict(Verification.choices)
    glances: dict[Any, Glance] = {}
    for statement in shown:
        by = found.get(statement.pk, {})
        ordered = [
            (str(status), str(labels[status]), by[status])
            for status in (Verification.VERIFIED, Verification.CORROBORATED, Verification.REPORTED)
            if by.get(status)
        ]
        glances[statement.pk] = Glance(
            acts=sum(count for _status, _label, count in ordered),
            by_verification=ordered,
            events=by.get(None, 0),
        )
    return glances


@dataclass
class Beside:
    """One fact a statement concerns, as the statement page shows it."""

    link: StatementLink
    event: Event
    act: Act | None


def facts_beside(user: User, statement: Statement) -> list[Beside]:
    """The events and acts a statement concerns that ``user`` may see,
    with what the page reads of them opened."""
    links = list(
        statement.links.exclude(event__in=hidden_events(user))
        .select_related("event", "act", "act__act_type", "act__victim", f"event__{PLACE_PATH}")
        .order_by("event__period_from", "created_at")
    )
    open_rows(links, ["passage"])
    open_rows([link.event for link in links], ["title"])
    acts = [link.act for link in links if link.act is not None]
    open_rows([act.victim for act in acts], ["name"])
    return [Beside(link, link.event, link.act) for link in links]


# --- Commitments ---------------------------------------------------------------------


def record_commitment(
    by: User,
    *,
    promised_by: str,
    promise: str,
    statement: Statement | None = None,
    promised_to: str = "",
    promised_on: dt.date | None = None,
) -> Commitment:
    if not promised_by.strip():
        raise Refused(_("Say who made the promise."))
    if not promise.strip():
        raise Refused(_("Say what was promised."))
    commitment = Commitment(statement=statement, promised_on=promised_on)
    fill(
        commitment,
        promised_by=promised_by.strip(),
        promised_to=promised_to.strip() or None,
        promise=promise.strip(),
    )
    commitment.created_by = commitment.updated_by = by
    with transaction.atomic():
        commitment.save(force_insert=True)
        record(by, "documentation.commitment_recorded", commitment)
    return commitment


def change_commitment(
    commitment: Commitment, *, by: User, version: int, **values: Any
) -> list[str]:
    """Change what a promise says (who, to whom, when, what); its status
    changes only through change_commitment_status."""
    if "status" in values:
        raise Refused(_("A promise's status changes with a dated, sourced follow-up."))
    for name, message in (
        ("promised_by", _("Say who made the promise.")),
        ("promise", _("Say what was promised.")),
    ):
        if name in values:
            values[name] = (values[name] or "").strip()
            if not values[name]:
                raise Refused(message)
    if "promised_to" in values:
        values["promised_to"] = (values["promised_to"] or "").strip() or None
    with transaction.atomic():
        changed = save_changes(commitment, version, by, values)
        if changed:
            record(
                by,
                "documentation.commitment_changed",
                commitment,
                changed=changed,
                revision=commitment.version,
            )
    return changed


def change_commitment_status(
    commitment: Commitment,
    *,
    by: User,
    version: int,
    status: str,
    changed_on: dt.date,
    source: Person | None = None,
    reference: str = "",
    note: str = "",
) -> CommitmentChange:
    """Add a dated, sourced change of status. A change must say where it
    is known from: a source among the people, or a reference."""
    if status not in CommitmentStatus.values:
        raise Refused(_("Choose the commitment's status."))
    if source is None and not reference.strip():
        raise Refused(_("Say where the change is known from: a source or a reference."))
    change = CommitmentChange(
        commitment=commitment,
        status=status,
        changed_on=changed_on,
        source=source,
        recorded_by=by,
    )
    change.reference = reference.strip() or None
    change.note = note.strip() or None
    with transaction.atomic():
        if not save_changes(commitment, version, by, {"status": status}):
            # The same status again, on new evidence: still a change of the record.
            lock(commitment, version, by)
            commitment.save(update_fields=["version", "updated_at", "updated_by"])
        change.save(force_insert=True)
        record(
            by,
            "documentation.commitment_status_changed",
            commitment,
            commitment_status=status,
            revision=commitment.version,
        )
    return change
