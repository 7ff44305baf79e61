"""Who may read and write what in the documentation: one access function
per sensitive model, and views use nothing else.

Three locks, each checked on its own line:
- a permission of one's role (documentation.view, or .record to write);
- the documentation compartment's keys (cryptography: without them
  nothing here can be read, whatever the code says);
- the record's own confidentiality: a restricted event is seen only by the
  person who recorded it and the teams and people it is shared with, and
  what hangs from an event (its acts, their involvements, the information
  and interventions about it) follows the event.

Each refusal is audited and is the same 404 as for a record that does not
exist. Restriction is enforced here, by code: a member of the compartment
with a copy of the database could read a restricted event
(docs/threat-model.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.documentation.models import (
    Act,
    Commitment,
    Confidentiality,
    Event,
    EventLink,
    EventShare,
    Evidence,
    EvidenceLink,
    ImportDraft,
    Information,
    Intervention,
    Involvement,
    Person,
    PersonLink,
    Statement,
    Term,
)
from safepassage.documentation.models.base import PLACE_PATH
from safepassage.vault.keyring import Keyring, current_keyring_or_none

READ = Perm.VIEW_DOCUMENTATION
WRITE = Perm.RECORD_DOCUMENTATION


def documentation_keys(user: User, perm: Perm = READ) -> Keyring:
    """The permission, then the compartment's keys; else the 404."""
    require(user, perm)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("documentation"):
        raise deny(user, "compartment", "compartment:documentation")
    return keyring


def visible_events(user: User) -> QuerySet[Event]:
    """The events this person may see (they may also need the keys).
    Shares are a subquery rather than a join, so each event comes once
    without DISTINCT, which lists of many events pay for."""
    shares = EventShare.objects.filter(Q(user=user) | Q(team_id__in=user.team_ids))
    return Event.objects.filter(
        Q(confidentiality=Confidentiality.COMPARTMENT)
        | Q(created_by=user)
        | Q(pk__in=shares.values("event_id"))
    )


def hidden_events(user: User) -> QuerySet[Event]:
    """The restricted events this person may not see: what hangs from an
    event (acts, accounts, interventions, statements' links) is listed
    with ``.exclude(event__in=hidden_events(user))``. The same rule as
    ``visible_events``, turned round: restricted events are few, so the
    list a database keeps of them is short, where the list of visible
    events would hold nearly every event."""
    shares = EventShare.objects.filter(Q(user=user) | Q(team_id__in=user.team_ids))
    return (
        Event.objects.filter(confidentiality=Confidentiality.RESTRICTED)
        .exclude(created_by=user)
        .exclude(pk__in=shares.values("event_id"))
    )


def can_see_event(user: User, event: Event) -> bool:
    if event.confidentiality == Confidentiality.COMPARTMENT:
        return True
    if event.created_by_id == user.pk:
        return True
    shares = event.shares.filter(Q(user=user) | Q(team_id__in=user.team_ids))
    return shares.exists()


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def get_event_for(user: User, code: str, perm: Perm = READ) -> Event:
    documentation_keys(user, perm)
    event = Event.objects.select_related(PLACE_PATH).filter(code=code[:12]).first()
    if event is None:
        raise deny(user, "event", "event:unknown")
    if not can_see_event(user, event):
        raise deny(user, "event", event)
    return event


def get_event_link_for(user: User, link_id: int, perm: Perm = WRITE) -> EventLink:
    """A link in a chain of events: both its events must be ones the user
    may see (a chain never shows, nor lets one remove, a hidden event)."""
    documentation_keys(user, perm)
    link = EventLink.objects.select_related("event", "related", "kind").filter(pk=link_id).first()
    if link is None:
        raise deny(user, "event", "event-link:unknown")
    if not can_see_event(user, link.event):
        raise deny(user, "event", link.event)
    if not can_see_event(user, link.related):
        raise deny(user, "event", link.related)
    return link


def get_act_for(user: User, code: str, perm: Perm = READ) -> Act:
    documentation_keys(user, perm)
    act = Act.objects.select_related("event", "victim", "act_type").filter(code=code[:12]).first()
    if act is None:
        raise deny(user, "act", "act:unknown")
    if not can_see_event(user, act.event):
        raise deny(user, "act", act)
    return act


def get_involvement_for(user: User, involvement_id: object, perm: Perm = READ) -> Involvement:
    documentation_keys(user, perm)
    key = _uuid(involvement_id)
    found = Involvement.objects.select_related("act__event").filter(pk=key).first() if key else None
    if found is None:
        raise deny(user, "involvement", "involvement:unknown")
    if not can_see_event(user, found.act.event):
        raise deny(user, "involvement", found)
    return found


def get_information_for(user: User, information_id: object, perm: Perm = READ) -> Information:
    documentation_keys(user, perm)
    key = _uuid(information_id)
    found = Information.objects.select_related("event").filter(pk=key).first() if key else None
    if found is None:
        raise deny(user, "information", "information:unknown")
    if not can_see_event(user, found.event):
        raise deny(user, "information", found)
    return found


def get_intervention_for(user: User, intervention_id: object, perm: Perm = READ) -> Intervention:
    documentation_keys(user, perm)
    key = _uuid(intervention_id)
    found = Intervention.objects.select_related("event").filter(pk=key).first() if key else None
    if found is None:
        raise deny(user, "intervention", "intervention:unknown")
    if not can_see_event(user, found.event):
        raise deny(user, "intervention", found)
    return found


def linked_event_ids(person: Person) -> set[uuid.UUID]:
    """The events a person appears in: as a victim, a perpetrator or a source."""
    ids = set(person.acts.values_list("event_id", flat=True))
    ids |= set(person.involvements.values_list("act__event_id", flat=True))
    ids |= set(person.information.values_list("event_id", flat=True))
    return ids


def can_see_person(user: User, person: Person) -> bool:
    """A person is seen by whoever sees one of the events they appear in;
    one who appears only in restricted events others cannot see is hidden
    from those others, like the events; one in no event yet, by everyone
    who documents (so the next event can name them)."""
    return person.pk in people_seen_by(user, [person])


def visible_people(user: User) -> QuerySet[Person]:
    """The people ``user`` may see, by the rule of can_see_person, in one
    query (for an export): recorded by them, in no event yet, or in an
    event they may see."""
    events = visible_events(user).values("pk")
    in_any_event = (
        Exists(Act.objects.filter(victim=OuterRef("pk")))
        | Exists(Involvement.objects.filter(perpetrator=OuterRef("pk")))
        | Exists(Information.objects.filter(source=OuterRef("pk")))
    )
    in_visible_event = (
        Exists(Act.objects.filter(victim=OuterRef("pk"), event__in=events))
        | Exists(Involvement.objects.filter(perpetrator=OuterRef("pk"), act__event__in=events))
        | Exists(Information.objects.filter(source=OuterRef("pk"), event__in=events))
    )
    return Person.objects.filter(Q(created_by=user) | ~in_any_event | in_visible_event)


def people_seen_by(user: User, people: list[Person]) -> set[uuid.UUID]:
    """The ids of those of ``people`` this person may see, by the rule of
    ``can_see_person``, in one or two queries whatever their number:

    - who of them appears in an event hidden from ``user`` (as a victim, a
      perpetrator or a source; the hidden events are the short list of
      restricted ones);
    - for those alone, who also appears in an event not hidden.

    Each asks, for each person, for the first such row of three arms
    (victims, perpetrators, sources), so a source named in thousands of
    events costs little more than one named once.

    The rest are seen: in no hidden event (or in no event at all), or
    recorded by ``user``. (One query with the tests joined by OR is
    shorter, but PostgreSQL then reads every act of every visible event to
    answer it.)"""
    ids = [person.pk for person in people]
    if not ids:
        return set()
    hidden = hidden_events(user).values("pk")
    # A perpetrator's acts are read from the act, whose event is a column of
    # its own: an exclusion through the involvement's act would be a
    # subquery of its own, which SQLite answers by reading every involvement.
    arms: list[QuerySet[Any]] = [
        Act.objects.filter(victim=OuterRef("pk")),
        Act.objects.filter(involvements__perpetrator=OuterRef("pk")),
        Information.objects.filter(source=OuterRef("pk")),
    ]

    def appearing(among: list[uuid.UUID], rows: list[QuerySet[Any]]) -> set[uuid.UUID]:
        """Who of ``among`` has a row in one of ``rows``: for each person,
        the first row of each arm. (As a scalar subquery with LIMIT 1, not
        EXISTS: PostgreSQL turns EXISTS into a join that hashes every row
        of the arm, and cannot turn this.)"""
        firsts = {
            f"first_{number}": Subquery(found.order_by().values("pk")[:1])
            for number, found in enumerate(rows)
        }
        anywhere = Q()
        for name in firsts:
            anywhere |= Q(**{f"{name}__isnull": False})
        found = Person.objects.filter(pk__in=among).annotate(**firsts).filter(anywhere)
        return {_uuid(pk) or pk for pk in found.order_by().values_list("pk", flat=True)}

    in_hidden = appearing(ids, [found.filter(event__in=hidden) for found in arms])
    seen_elsewhere = (
        appearing(list(in_hidden), [found.exclude(event__in=hidden) for found in arms])
        if in_hidden
        else set()
    )
    return {
        person.pk
        for person in people
        if person.created_by_id == user.pk
        or person.pk not in in_hidden
        or person.pk in seen_elsewhere
    }


def get_person_for(user: User, code: str, perm: Perm = READ) -> Person:
    documentation_keys(user, perm)
    person = Person.objects.filter(code=code[:12]).first()
    if person is None:
        raise deny(user, "person", "person:unknown")
    if not can_see_person(user, person):
        raise deny(user, "person", person)
    return person


def get_person_link_for(user: User, link_id: object, perm: Perm = WRITE) -> PersonLink:
    """A biographic link between two people: both must be people the user
    may see (a link never shows, nor lets one remove, a hidden person)."""
    documentation_keys(user, perm)
    key = _uuid(link_id)
    link = (
        PersonLink.objects.select_related("person", "related", "relationship")
        .filter(pk=key)
        .first()
        if key
        else None
    )
    if link is None:
        raise deny(user, "person", "person-link:unknown")
    if not can_see_person(user, link.person):
        raise deny(user, "person", link.person)
    if not can_see_person(user, link.related):
        raise deny(user, "person", link.related)
    return link


def get_statement_for(user: User, code: str, perm: Perm = READ) -> Statement:
    """Statements are officials' public words: every documenter sees them
    (the acts they are set beside still follow their events)."""
    documentation_keys(user, perm)
    statement = Statement.objects.select_related("stance").filter(code=code[:12]).first()
    if statement is None:
        raise deny(user, "statement", "statement:unknown")
    return statement


def get_commitment_for(user: User, code: str, perm: Perm = READ) -> Commitment:
    documentation_keys(user, perm)
    commitment = Commitment.objects.filter(code=code[:12]).first()
    if commitment is None:
        raise deny(user, "commitment", "commitment:unknown")
    return commitment


def _links_to_hidden(user: User) -> QuerySet[EvidenceLink]:
    hidden = hidden_events(user).values("pk")
    return EvidenceLink.objects.filter(
        Q(event__in=hidden) | Q(act__event__in=hidden) | Q(information__event__in=hidden)
    )


def visible_evidence(user: User) -> QuerySet[Evidence]:
    """Evidence follows what it is linked to: an item (and every working
    copy of it) is hidden from whoever may not see one of the events it
    is linked to, directly, through an act or through a source's account.
    Items linked to nothing restricted are seen by everyone who documents."""
    hidden_originals = _links_to_hidden(user).values("evidence_id")
    return Evidence.objects.exclude(pk__in=hidden_originals).exclude(
        original_id__in=hidden_originals
    )


def can_see_evidence(user: User, item: Evidence) -> bool:
    return not _links_to_hidden(user).filter(evidence_id=item.original_id or item.pk).exists()


def get_evidence_for(user: User, code: str, perm: Perm = READ) -> Evidence:
    """An evidence item (an original or a working copy), as far as the
    reader may see the records it is linked to."""
    documentation_keys(user, perm)
    item = Evidence.objects.select_related("file", "original").filter(code=code[:12]).first()
    if item is None:
        raise deny(user, "evidence", "evidence:unknown")
    if not can_see_evidence(user, item):
        raise deny(user, "evidence", item)
    return item


def get_term_for(user: User, term_id: int, perm: Perm = Perm.MANAGE_VOCABULARIES) -> Term:
    """Terms are plaintext and no secret; changing one is for administrators."""
    require(user, perm)
    term = Term.objects.select_related("vocabulary").filter(pk=term_id).first()
    if term is None:
        raise deny(user, "term", f"term:{term_id}")
    return term


def get_import_draft_for(user: User, draft_id: object) -> ImportDraft:
    """A file waiting for its columns is its uploader's alone."""
    documentation_keys(user, WRITE)
    key = _uuid(draft_id)
    draft = ImportDraft.objects.filter(pk=key).first() if key else None
    if draft is None:
        raise deny(user, "import", "import:unknown")
    if draft.created_by_id != user.pk:
        raise deny(user, "import", draft)
    return draft
