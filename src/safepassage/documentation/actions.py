"""Named actions of the documentation: recording and changing events,
acts, involvements, information and interventions. Each checks what it
is given, saves, and writes its audit entry in the same transaction;
nothing else saves these records.

Edits are locked optimistically: the form carries the version it was
made from, and the save is a conditional update of that version. If
someone saved the record in between, the edit is refused with StaleRecord
(nothing is written; the page keeps what was typed and shows what changed).

Sources' accounts and interventions are recorded in documentation.sources,
people in documentation.people, statements and commitments in
documentation.statements; they use the helpers here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Team, User
from safepassage.audit.chain import record
from safepassage.documentation import vocabularies
from safepassage.documentation.models import (
    Act,
    Confidentiality,
    Event,
    EventLink,
    EventShare,
    Information,
    Intervention,
    Involvement,
    Person,
    Statement,
    Term,
    Verification,
)
from safepassage.documentation.models.base import Placed, Record, new_code
from safepassage.documentation.precision import FuzzyDate, Place


class Refused(ValueError):
    """Input an action will not save; the message is for people."""


class StaleRecord(Exception):
    """The record was saved by someone else since this edit began."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(f"the record is at version {current_version}")


# Which vocabulary each term field of each record draws from.
TERM_FIELDS: dict[type[Record], dict[str, str]] = {
    Event: {"place_area": "place"},
    Act: {"act_type": "act_type", "victim_status": "victim_status", "place_area": "place"},
    Involvement: {"degree": "involvement_degree", "perpetrator_type": "perpetrator_type"},
    Information: {
        "connection": "source_connection",
        "reliability": "reliability",
        "language": "language",
    },
    Intervention: {"kind": "intervention_type", "response": "response"},
    Statement: {"stance": "stance", "language": "language"},
}

# Values given as properties, and the columns each one writes.
COMPOSITE = {
    "start": ("start_on", "start_precision", "period_from", "period_to"),
    "end": ("end_on", "end_precision", "period_from", "period_to"),
    "place": ("place_area", "place_precision", "place_detail"),
}


# --- Helpers every action uses ------------------------------------------------------


def check_terms(item: Record, values: dict[str, Any] | None = None) -> None:
    """Each term (the record's, or the one ``values`` would give it) is of
    its vocabulary and not retired; a record keeps a term retired since it
    chose it. Raises Refused."""
    values = values or {}
    try:
        for name, key in TERM_FIELDS.get(type(item), {}).items():
            if name in values:
                current = getattr(item, name) if item.pk else None
                vocabularies.check_usable(values[name], key, current=current)
            elif not values:
                vocabularies.check_usable(getattr(item, name), key)
        if "place" in values and values["place"].area is not None:
            current = item.place_area if isinstance(item, Placed) else None
            vocabularies.check_usable(values["place"].area, "place", current=current)
    except vocabularies.VocabularyError as error:
        raise Refused(str(error)) from error


def stamp_terms(item: Record, versions: dict[str, int] | None = None) -> None:
    """Note on the record the versions of the vocabularies it draws from."""
    vocabularies.stamp(item, *TERM_FIELDS.get(type(item), {}).values(), versions=versions)


def create(item: Record, by: User, versions: dict[str, int] | None = None) -> None:
    """Save a new record; ``versions`` (every vocabulary's current one)
    spares a query per record when many are made at once (an import)."""
    item.created_by = by
    item.updated_by = by
    check_terms(item)
    stamp_terms(item, versions)
    insert(item)
    if isinstance(item, Act):
        # Its event now has an act (Event.has_acts), in the database and
        # on the instance the caller holds.
        Event.objects.filter(pk=item.event_id, has_acts=False).update(has_acts=True)
        if Act.event.is_cached(item):
            item.event.has_acts = True


# How many codes a new record draws before giving up. Two codes drawn
# alike are rare (30**6 codes); several in a row mean something else is
# wrong, and the refusal is then the database's own.
CODE_ATTEMPTS = 5


def insert(item: Record) -> None:
    """Insert a new record. A record with a code (E-7K3M9Q) that another
    record already has gets a fresh code and is inserted again, a few
    times at most; each try is a savepoint, so a refused insert leaves the
    caller's transaction (the audit entry, the rest of an import) usable."""
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                item.save(force_insert=True)
            return
        except IntegrityError:
            code = getattr(item, "code", None)
            if not code or attempt == CODE_ATTEMPTS or not _code_taken(item, code):
                raise
            setattr(item, "code", new_code(code.partition("-")[0]))  # noqa: B010


def _code_taken(item: Record, code: str) -> bool:
    others = type(item)._default_manager.filter(**{"code": code})
    return others.exclude(pk=item.pk).exists()


def fill(item: Record, **values: Any) -> None:
    """Set values (encrypted ones too: they are sealed when saved)."""
    for name, value in values.items():
        setattr(item, name, value)


def lock(item: Record, version: int, by: User) -> None:
    """Move the record from ``version`` to the next, or refuse: the
    conditional update is the lock (call it inside a transaction)."""
    moved = (
        type(item)
        .objects.filter(pk=item.pk, version=version)
        .update(version=F("version") + 1, updated_at=timezone.now(), updated_by=by)
    )
    if not moved:
        current = type(item).objects.filter(pk=item.pk).values_list("version", flat=True).first()
        raise StaleRecord(current or 0)
    item.version = version + 1
    item.updated_by = by


def save_changes(item: Record, version: int, by: User, values: dict[str, Any]) -> list[str]:
    """Check, lock, assign and save the values that differ from the
    record's. Returns their names; nothing is saved (and the version stays)
    when none differ. Nothing is changed on ``item`` unless it is saved."""
    changed = sorted(name for name, value in values.items() if getattr(item, name) != value)
    if not changed:
        return []
    check_terms(item, {name: values[name] for name in changed})
    lock(item, version, by)
    for name in changed:
        setattr(item, name, values[name])
    stamp_terms(item)
    columns = {"version", "updated_at", "updated_by", "vocabularies"}
    for name in changed:
        columns.update(COMPOSITE.get(name, (name,)))
    item.updated_at = timezone.now()
    item.save(update_fields=sorted(columns))
    return changed


def text_or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def required(value: str | None, message: str) -> str:
    text = text_or_none(value)
    if text is None:
        raise Refused(message)
    return text


def _dates(start: FuzzyDate, end: FuzzyDate) -> None:
    if start.earliest and end.latest and end.latest < start.earliest:
        raise Refused(_("The end is before the start."))


# --- Events ------------------------------------------------------------------------


def _share(event: Event, teams: Iterable[Team], users: Iterable[User]) -> bool:
    """Set who a restricted event is shared with; True if it changed."""
    wanted = {("team", t.pk) for t in teams} | {("user", u.pk) for u in users}
    current = {
        ("team", team) if team else ("user", user)
        for team, user in event.shares.values_list("team_id", "user_id")
    }
    if wanted == current:
        return False
    event.shares.all().delete()
    EventShare.objects.bulk_create(
        EventShare(event=event, team_id=pk)
        if kind == "team"
        else EventShare(event=event, user_id=pk)
        for kind, pk in sorted(wanted)
    )
    return True


def record_event(
    by: User,
    *,
    title: str,
    start: FuzzyDate,
    end: FuzzyDate | None = None,
    place: Place | None = None,
    description: str = "",
    violation_status: str = "unknown",
    monitoring_status: str = "active",
    confidentiality: str = Confidentiality.COMPARTMENT,
    teams: Iterable[Team] = (),
    users: Iterable[User] = (),
) -> Event:
    end = end or FuzzyDate.unknown()
    _dates(start, end)
    event = Event(
        violation_status=violation_status,
        monitoring_status=monitoring_status,
        confidentiality=confidentiality,
    )
    fill(
        event,
        title=required(title, _("Give the event a title.")),
        description=text_or_none(description),
    )
    event.start, event.end = start, end
    event.place = place or Place.unknown()
    with transaction.atomic():
        create(event, by)
        if confidentiality == Confidentiality.RESTRICTED:
            _share(event, teams, users)
        record(
            by,
            "documentation.event_recorded",
            event,
            confidentiality=event.confidentiality,
            teams=sorted(t.pk for t in teams),
            users=sorted(u.pk for u in users),
        )
    return event


def change_event(
    event: Event,
    *,
    by: User,
    version: int,
    teams: Iterable[Team] | None = None,
    users: Iterable[User] | None = None,
    **values: Any,
) -> list[str]:
    """Change an event's fields (those given) and whom it is shared with."""
    if "title" in values:
        values["title"] = required(values["title"], _("Give the event a title."))
    if "description" in values:
        values["description"] = text_or_none(values["description"])
    _dates(values.get("start", event.start), values.get("end", event.end))
    with transaction.atomic():
        changed = save_changes(event, version, by, values)
        if teams is not None or users is not None:
            restricted = event.confidentiality == Confidentiality.RESTRICTED
            shares = (list(teams or ()), list(users or ())) if restricted else ([], [])
            if _share(event, *shares):
                if not changed:
                    lock(event, version, by)
                    event.save(update_fields=["version", "updated_at", "updated_by"])
                changed.append("shares")
        if changed:
            record(
                by,
                "documentation.event_changed",
                event,
                changed=changed,
                revision=event.version,
                confidentiality=event.confidentiality,
            )
    return changed


def link_events(by: User, event: Event, related: Event, kind: Term) -> EventLink:
    """A chain of events (ESF 22): ``event`` is ``kind`` of ``related``."""
    if event.pk == related.pk:
        raise Refused(_("An event cannot be linked to itself."))
    try:
        vocabularies.check_usable(kind, "chain_type")
    except vocabularies.VocabularyError as error:
        raise Refused(str(error)) from error
    with transaction.atomic():
        link, _created = EventLink.objects.update_or_create(
            event=event, related=related, defaults={"kind": kind}
        )
        record(by, "documentation.events_linked", event, event=related.code, term=kind.code)
    return link


# --- Acts and who took part ----------------------------------------------------------


def record_act(
    by: User,
    *,
    event: Event,
    victim: Person,
    act_type: Term,
    start: FuzzyDate | None = None,
    end: FuzzyDate | None = None,
    place: Place | None = None,
    method: str = "",
    stated_reason: str = "",
    consequences: str = "",
    victim_status: Term | None = None,
    verification: str = Verification.REPORTED,
    verified_on: dt.date | None = None,
) -> Act:
    start = start or event.start
    end = end or FuzzyDate.unknown()
    _dates(start, end)
    act = Act(
        event=event,
        victim=victim,
        act_type=act_type,
        victim_status=victim_status,
        verification=verification,
    )
    fill(
        act,
        method=text_or_none(method),
        stated_reason=text_or_none(stated_reason),
        consequences=text_or_none(consequences),
    )
    act.start, act.end = start, end
    act.place = place or event.place
    if verification != Verification.REPORTED:
        act.verified_on = verified_on or timezone.localdate()
        act.verified_by = by
    with transaction.atomic():
        create(act, by)
        record(
            by,
            "documentation.act_recorded",
            act,
            event=event.code,
            person=victim.code,
            verification=act.verification,
        )
    return act


def change_act(act: Act, *, by: User, version: int, **values: Any) -> list[str]:
    """Change an act; a change of its verification status is dated (the
    day given, or today) and signed by who made it."""
    for name in ("method", "stated_reason", "consequences"):
        if name in values:
            values[name] = text_or_none(values[name])
    _dates(values.get("start", act.start), values.get("end", act.end))
    verified_on = values.pop("verified_on", None)
    if values.get("verification", act.verification) != act.verification:
        values["verified_on"] = verified_on or timezone.localdate()
        values["verified_by"] = by
    elif verified_on is not None:
        values["verified_on"] = verified_on
    with transaction.atomic():
        changed = save_changes(act, version, by, values)
        if changed:
            record(
                by,
                "documentation.act_changed",
                act,
                changed=[name for name in changed if name != "verified_by"],
                revision=act.version,
                verification=act.verification,
            )
    return changed


def record_involvement(
    by: User,
    *,
    act: Act,
    degree: Term,
    perpetrator_type: Term,
    perpetrator: Person | None = None,
    unit: str = "",
    rank: str = "",
) -> Involvement:
    involvement = Involvement(
        act=act, perpetrator=perpetrator, degree=degree, perpetrator_type=perpetrator_type
    )
    fill(involvement, unit=text_or_none(unit), rank=text_or_none(rank))
    with transaction.atomic():
        create(involvement, by)
        record(
            by,
            "documentation.involvement_recorded",
            involvement,
            act=act.code,
            person=perpetrator.code if perpetrator else None,
        )
    return involvement


def change_involvement(
    involvement: Involvement, *, by: User, version: int, **values: Any
) -> list[str]:
    for name in ("unit", "rank"):
        if name in values:
            values[name] = text_or_none(values[name])
    with transaction.atomic():
        changed = save_changes(involvement, version, by, values)
        if changed:
            record(
                by,
                "documentation.involvement_changed",
                involvement,
                changed=changed,
                revision=involvement.version,
            )
    return changed
