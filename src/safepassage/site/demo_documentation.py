"""An invented documentation for the demo: two waves of detentions (late
winter and spring 2017, and the turn of 2018 to 2019), with their victims,
the units that carried them out, sources of every kind and reliability,
interventions, officials' statements that deny, confirm or promise, and
promises followed up. Names, units, publications and officials are made up
(demo_texts); the words are in Russian, English and French.

Everything is recorded through the documentation's named actions, as a
documenter would record it, so it is sealed and audited like real work.
The same seed gives the same documentation."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from safepassage.accounts.models import Team, User
from safepassage.documentation import actions, people, sources, statements
from safepassage.documentation.models import Act, Event, Person, Statement, Term
from safepassage.documentation.precision import DatePrecision, FuzzyDate, Place
from safepassage.site import demo_texts as texts

SEED = 2017
# (first day, days it lasted, events)
WAVES = [(dt.date(2017, 2, 20), 70, 60), (dt.date(2018, 12, 18), 50, 40)]
DISTRICTS = [
    "L-RU-CE-GROZNY",
    "L-RU-CE-ARGUN",
    "L-RU-CE-GUDERMES",
    "L-RU-CE-SHALI",
    "L-RU-CE-URUS-MARTAN",
    "L-RU-CE-KURCHALOY",
    "L-RU-CE-GROZNENSKY",
    "L-RU-CE-NADTERECHNY",
]
# The act done to every victim of an event, and what else may have been.
DETENTIONS = [("L-ARBITRARY-DETENTION", 7), ("L-SECRET-DETENTION", 2), ("030101000000", 1)]
FURTHER = [
    ("020111110000", 0.25, "torture"),
    ("L-ILL-TREATMENT", 0.2, "torture"),
    ("L-FORCED-OUTING", 0.15, "outing"),
    ("L-OUTING-BLACKMAIL", 0.1, "extortion"),
    ("L-PHONE-SEARCH", 0.25, "phone"),
    ("L-COERCED-NAMES", 0.1, "threat"),
    ("020103010200", 0.1, "threat"),
]
VERIFICATION = [("verified", 3), ("corroborated", 3), ("reported", 4)]
RELIABILITY = {
    "victim": ["010000000000", "020000000000"],
    "witness": ["020000000000", "030000000000", "990000000000"],
    "media": ["020000000000", "030000000000", "040000000000"],
    "ngo": ["010000000000", "020000000000"],
    "official": ["030000000000", "050000000000"],
}
RESPONSES = ["030100000000", "L-REFUSED-INVESTIGATION", "060000000000", "020000000000", None]


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


@dataclass
class Made:
    events: int = 0
    acts: int = 0
    people: int = 0
    statements: int = 0


@dataclass
class Told:
    """Who told of one victim's acts in one event."""

    source: Person
    connection: str
    kind: str
    language: str


@dataclass
class Wave:
    events: list[Event] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)


class Builder:
    def __init__(self, by: User, team: Team | None, seed: int = SEED) -> None:
        self.by = by
        self.team = team
        self.rng = random.Random(seed)
        self.terms = {
            (t.vocabulary.key, t.code): t for t in Term.objects.select_related("vocabulary")
        }
        self.made = Made()
        self.witnesses: list[tuple[Person, str, str]] = []

    def term(self, key: str, code: str) -> Term:
        return self.terms[(key, code)]

    def person(self, name: str, **values: Any) -> Person:
        self.made.people += 1
        return people.record_person(self.by, name=name, **values)

    # --- People ----------------------------------------------------------------------

    def victim(self, number: int) -> Person:
        rng = self.rng
        woman = number % 9 == 4
        given = rng.choice(texts.GIVEN_WOMEN if woman else texts.GIVEN_MEN)
        cyrillic, latin = texts.SURNAMES[number % len(texts.SURNAMES)]
        if number % 5 == 3:
            name = f"{texts.LATIN_GIVEN[given]} {latin}{'a' if woman else ''}"
        else:
            name = f"{cyrillic}{'а' if woman else ''} {given}"
        orientation = rng.choice(
            ["L-SO-PERCEIVED", "L-SO-GAY", "L-SO-BISEXUAL", "L-SO-UNDISCLOSED"]
        )
        identity = (
            "L-GI-TRANS-WOMAN" if number % 23 == 7 else ("L-GI-WOMAN" if woman else "L-GI-MAN")
        )
        born = rng.choice(["", str(rng.randint(1978, 2000)), f"около {rng.randint(19, 40)} лет"])
        return self.person(
            name,
            born=born,
            profile={"sexual_orientation": orientation, "gender_identity": identity},
        )

    def witness(self) -> tuple[Person, str, str]:
        """An individual source: often a new one, sometimes one who told before."""
        if self.witnesses and self.rng.random() < 0.3:
            return self.rng.choice(self.witnesses)
        label, connection = self.rng.choice(texts.WITNESSES)
        language = "fr" if "démo" in label else ("en" if "demo" in label else "ru")
        made = (self.person(label.format(n=len(self.witnesses) + 1)), connection, language)
        self.witnesses.append(made)
        return made

    # --- Events and acts ---------------------------------------------------------------

    def when(self, first: dt.date, days: int) -> FuzzyDate:
        day = first + dt.timedelta(days=self.rng.randrange(days))
        roll = self.rng.random()
        if roll < 0.7:
            return FuzzyDate.exact(day)
        if roll < 0.8:
            return FuzzyDate(DatePrecision.APPROXIMATE, day)
        if roll < 0.93:
            part = "early" if day.day <= 10 else ("middle" if day.day <= 20 else "late")
            return FuzzyDate.of(DatePrecision.PART_OF_MONTH, day.year, day.month, part=part)
        return FuzzyDate.of(DatePrecision.MONTH, day.year, day.month)

    def event(self, number: int, first: dt.date, days: int) -> Event:
        rng = self.rng
        language = pick(rng, [("ru", 6), ("en", 3), ("fr", 1)])
        area = self.term("place", rng.choice(DISTRICTS))
        title = rng.choice(texts.TITLES[language]).format(place=area.label(language))
        restricted = number % 19 == 11 and self.team is not None
        self.made.events += 1
        return actions.record_event(
            self.by,
            title=title,
            start=self.when(first, days),
            place=Place.of("district", area),
            description=texts.DESCRIPTIONS[language].format(place=area.label(language)),
            violation_status=pick(rng, [("confirmed", 4), ("likely", 3), ("possible", 1)]),
            monitoring_status=pick(rng, [("active", 3), ("pending", 1), ("closed", 1)]),
            confidentiality="restricted" if restricted else "compartment",
            teams=[self.team] if restricted and self.team else [],
        )

    def act(self, event: Event, victim: Person, act_type: str, method: str, **values: Any) -> Act:
        verification = pick(self.rng, [(v, w) for v, w in VERIFICATION])
        start = event.start
        self.made.acts += 1
        act = actions.record_act(
            self.by,
            event=event,
            victim=victim,
            act_type=self.term("act_type", act_type),
            method=texts.METHODS[method],
            stated_reason=self.rng.choice(texts.REASONS) if method == "detention" else "",
            verification=verification,
            verified_on=(start.latest or dt.date(2019, 3, 1)) + dt.timedelta(days=60),
            **values,
        )
        degree = "010100000000"
        kind = pick(
            self.rng, [("010104000000", 4), ("L-SPECIAL-POLICE", 2), ("L-REGIONAL-FORCES", 2)]
        )
        if act_type in ("L-HANDED-TO-KILL", "L-HONOUR-VIOLENCE"):
            kind = "L-RELATIVES"
        actions.record_involvement(
            self.by,
            act=act,
            degree=self.term("involvement_degree", degree),
            perpetrator_type=self.term("perpetrator_type", kind),
            unit=self.rng.choice(texts.UNITS) if kind != "L-RELATIVES" else "",
            rank=self.rng.choice(texts.RANKS) if kind != "L-RELATIVES" else "",
        )
        if kind != "L-RELATIVES" and self.rng.random() < 0.15:
            actions.record_involvement(
                self.by,
                act=act,
                perpetrator=self.rng.choice(self.officers),
                degree=self.term("involvement_degree", "010200000000"),
                perpetrator_type=self.term("perpetrator_type", kind),
                unit=texts.UNITS[0],
            )
        return act

    def told(self, victim: Person) -> list[Told]:
        rng = self.rng
        found = []
        if rng.random() < 0.4:
            found.append(Told(victim, "010100000000", "victim", rng.choice(["ru", "ce"])))
        if rng.random() < 0.5:
            person, connection, language = self.witness()
            found.append(Told(person, connection, "witness", language))
        if rng.random() < 0.45:
            org, connection, language = rng.choice(self.ngos)
            found.append(Told(org, connection, "ngo", language))
        if rng.random() < 0.35:
            org, connection, language = rng.choice(self.media)
            found.append(Told(org, connection, "media", language))
        if rng.random() < 0.08:
            org, connection, language = self.official
            found.append(Told(org, connection, "official", language))
        if not found:
            person, connection, language = self.witness()
            found.append(Told(person, connection, "witness", language))
        return found

    def inform(self, event: Event, act: Act | None, told: Told) -> None:
        after = (event.start.latest or dt.date(2019, 1, 1)) + dt.timedelta(
            days=self.rng.randint(2, 120)
        )
        account = texts.ACCOUNTS.get(told.language, texts.ACCOUNTS["ru"])
        sources.record_information(
            self.by,
            event=event,
            act=act,
            source=told.source,
            connection=self.term("source_connection", told.connection),
            reliability=self.term("reliability", self.rng.choice(RELIABILITY[told.kind])),
            language=self.term("language", told.language),
            reported_on=after,
            account=account.format(days=self.rng.randint(2, 20)),
            reference=f"DEMO-{self.rng.randint(100, 999)}",
        )

    def victims_of_event(self, event: Event, victims: list[Person], wave: Wave) -> None:
        rng = self.rng
        for victim in victims:
            told = self.told(victim)
            main = pick(rng, DETENTIONS)
            acts = [self.act(event, victim, main, "detention")]
            roll = rng.random()
            if roll < 0.03:
                acts.append(
                    self.act(
                        event,
                        victim,
                        "L-ENFORCED-DISAPPEARANCE",
                        "detention",
                        victim_status=self.term("victim_status", "010300000000"),
                    )
                )
            elif roll < 0.045:
                acts.append(
                    self.act(
                        event,
                        victim,
                        "010106010000",
                        "torture",
                        victim_status=self.term("victim_status", "010100000000"),
                    )
                )
            elif roll < 0.07:
                acts.append(self.act(event, victim, "L-HANDED-TO-KILL", "outing"))
            for code, chance, method in FURTHER:
                if rng.random() < chance:
                    acts.append(self.act(event, victim, code, method))
            for number, act in enumerate(acts):
                for one in told:
                    if number == 0 or rng.random() < 0.5:
                        self.inform(event, act, one)
            wave.acts += acts

    def wave(self, first: dt.date, days: int, count: int, pool: list[Person]) -> Wave:
        wave = Wave()
        rng = self.rng
        for number in range(count):
            event = self.event(number, first, days)
            wave.events.append(event)
            if number % 25 == 7:
                group = self.person(
                    f"(Демо) {rng.choice(['Пятеро', 'Семеро', 'Десять'])} мужчин, {event.code}",
                    kind="group",
                    group_size=rng.choice([5, 7, 10]),
                )
                self.act(event, group, "030107000000", "detention")
            size = pick(rng, [(1, 6), (2, 3), (3, 1)])
            self.victims_of_event(event, rng.sample(pool, size), wave)
            if rng.random() < 0.15:
                # A newspaper's account of the whole event.
                org, connection, language = rng.choice(self.media)
                self.inform(event, None, Told(org, connection, "media", language))
        return wave

    # --- What was done about it, and what officials said ---------------------------------

    def interventions(self, acts: list[Act], count: int) -> None:
        rng = self.rng
        for act in rng.sample(acts, min(count, len(acts))):
            kind = rng.choice(list(texts.ADDRESSEES))
            response = rng.choice(RESPONSES)
            sources.record_intervention(
                self.by,
                event=act.event,
                act=act,
                victim=act.victim,
                kind=self.term("intervention_type", kind),
                intervening_party=rng.choice(texts.INTERVENTION_PARTIES),
                made_on=(act.period_to or dt.date(2019, 2, 1)) + dt.timedelta(days=30),
                addressed_to=texts.ADDRESSEES[kind],
                response=self.term("response", response) if response else None,
                outcome=rng.choice(texts.OUTCOMES) if response else "",
                status=rng.choice(["waiting", "acting", "no_action", "closed"]),
            )

    def statements(self, waves: list[Wave]) -> list[Statement]:
        rng = self.rng
        made = []
        for number, row in enumerate(texts.STATEMENTS):
            speaker, office, language, stance, quote, translation = row
            wave = waves[0] if number < 6 else waves[1]
            said = max(e.period_to or dt.date(2017, 4, 1) for e in wave.events[:20])
            statement = statements.record_statement(
                self.by,
                speaker=speaker,
                office=office,
                quote=quote,
                translation=translation,
                stance=self.term("stance", stance),
                said_on=said + dt.timedelta(days=number * 3),
                language=self.term("language", language),
                published_in=texts.PUBLISHED[number % len(texts.PUBLISHED)],
            )
            self.made.statements += 1
            visible = [a for a in wave.acts if a.event.confidentiality == "compartment"]
            for act in rng.sample(visible, 4):
                statements.link_statement(
                    self.by, statement, event=act.event, act=act, passage=quote.split(",")[0]
                )
            made.append(statement)
        return made

    def commitments(self, made: list[Statement]) -> None:
        for index, promised_to, promise, changes in texts.COMMITMENTS:
            statement = made[index]
            commitment = statements.record_commitment(
                self.by,
                statement=statement,
                promised_by=str(statement.speaker),
                promised_to=promised_to,
                promise=promise,
                promised_on=statement.said_on,
            )
            for status, days, reference in changes:
                statements.change_commitment_status(
                    commitment,
                    by=self.by,
                    version=commitment.version,
                    status=status,
                    changed_on=(statement.said_on or dt.date(2017, 5, 1)) + dt.timedelta(days=days),
                    source=self.rng.choice(self.media)[0],
                    reference=reference,
                )

    # --- The whole ---------------------------------------------------------------------

    def build(self) -> Made:
        rng = self.rng
        self.media = [
            (self.person(name, kind="organisation"), connection, language)
            for name, connection, language in texts.ORGANISATIONS[:3]
        ]
        self.ngos = [
            (self.person(name, kind="organisation"), connection, language)
            for name, connection, language in texts.ORGANISATIONS[3:5]
        ]
        self.official = (
            self.person(texts.ORGANISATIONS[5][0], kind="organisation"),
            texts.ORGANISATIONS[5][1],
            texts.ORGANISATIONS[5][2],
        )
        self.officers = [self.person(name) for name in texts.OFFICERS]
        commander = self.officers[0]
        for officer in self.officers[1:]:
            people.link_people(
                self.by, commander, officer, self.term("relationship", "L-COMMANDER-OF")
            )
        first_pool = [self.victim(n) for n in range(90)]
        waves = []
        pool = first_pool
        for number, (first, days, count) in enumerate(WAVES):
            if number:
                # Some of the first wave's victims were detained again.
                pool = rng.sample(first_pool, 20) + [self.victim(n) for n in range(90, 130)]
            waves.append(self.wave(first, days, count, pool))
        for left, right in zip(first_pool[::15], first_pool[1::15], strict=False):
            people.link_people(
                self.by, left, right, self.term("relationship", "010102000000"), note="(демо)"
            )
        for event in waves[1].events[:8]:
            earlier = rng.choice(waves[0].events)
            actions.link_events(self.by, event, earlier, self.term("chain_type", "220000000000"))
        self.interventions(waves[0].acts + waves[1].acts, 30)
        self.commitments(self.statements(waves))
        return self.made


def load_documentation(by: User, team: Team | None) -> Made | None:
    """The demo documentation, recorded by ``by`` (who needs the
    documentation keys, in the current keyring); nothing if any event is
    recorded already."""
    if Event.objects.exists():
        return None
    return Builder(by, team).build()
