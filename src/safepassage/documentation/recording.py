"""Recording an event as a documenter first hears of it, in one step:
the event, one act, its victim, a perpetrator and the source that told of
it. Everything is saved in one transaction or nothing is (each part by
its own named action, so each is audited as it would be alone).

A person may be one already recorded (chosen after a search by name) or
a new one; the source may be the victim themself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from safepassage.accounts.models import Team, User
from safepassage.documentation import actions, people, sources
from safepassage.documentation.models import Act, Event, Person, Term
from safepassage.documentation.precision import FuzzyDate, Place


@dataclass
class PersonPart:
    """A new person by these details, or ``existing``."""

    name: str = ""
    kind: str = "individual"
    existing: Person | None = None
    profile: dict[str, str] = field(default_factory=dict)
    born: str = ""
    description: str = ""

    def save(self, by: User) -> Person:
        if self.existing is not None:
            return self.existing
        return people.record_person(
            by,
            name=self.name,
            kind=self.kind,
            profile=self.profile,
            born=self.born,
            description=self.description,
        )


@dataclass
class EventPart:
    title: str
    start: FuzzyDate
    end: FuzzyDate
    place: Place
    description: str = ""
    confidentiality: str = "compartment"
    teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)


@dataclass
class ActPart:
    act_type: Term
    method: str = ""
    stated_reason: str = ""
    consequences: str = ""
    victim_status: Term | None = None
    verification: str = "reported"


@dataclass
class PerpetratorPart:
    perpetrator_type: Term
    degree: Term
    person: PersonPart | None = None  # None: only the kind of perpetrator is known
    unit: str = ""
    rank: str = ""


@dataclass
class SourcePart:
    connection: Term
    reliability: Term
    person: PersonPart | None = None  # None: the victim told it themself
    language: Term | None = None
    reported_on: dt.date | None = None
    account: str = ""
    reference: str = ""


@dataclass
class Recorded:
    event: Event
    act: Act
    victim: Person


def record_event_with_act(
    by: User,
    *,
    event: EventPart,
    act: ActPart,
    victim: PersonPart,
    perpetrator: PerpetratorPart,
    source: SourcePart,
) -> Recorded:
    with transaction.atomic():
        saved_event = actions.record_event(
            by,
            title=event.title,
            start=event.start,
            end=event.end,
            place=event.place,
            description=event.description,
            confidentiality=event.confidentiality,
            teams=event.teams,
            users=event.users,
        )
        saved_victim = victim.save(by)
        saved_act = actions.record_act(
            by,
            event=saved_event,
            victim=saved_victim,
            act_type=act.act_type,
            method=act.method,
            stated_reason=act.stated_reason,
            consequences=act.consequences,
            victim_status=act.victim_status,
            verification=act.verification,
        )
        actions.record_involvement(
            by,
            act=saved_act,
            perpetrator=perpetrator.person.save(by) if perpetrator.person else None,
            perpetrator_type=perpetrator.perpetrator_type,
            degree=perpetrator.degree,
            unit=perpetrator.unit,
            rank=perpetrator.rank,
        )
        sources.record_information(
            by,
            event=saved_event,
            act=saved_act,
            source=source.person.save(by) if source.person else saved_victim,
            connection=source.connection,
            reliability=source.reliability,
            language=source.language,
            reported_on=source.reported_on,
            account=source.account,
            reference=source.reference,
        )
    return Recorded(saved_event, saved_act, saved_victim)
