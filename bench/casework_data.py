"""Casework at scale, written in bulk for bench/casework_pages.py: cases
over every stage, their people (identity sealed, names in the encrypted
search directory, contacts in the blind index), a stage history, a
verification round, stays, travel documents, applications, journeys and
claims, notes and tasks.

Rows are sealed as the actions seal them (the same fields, the same
keys: a note's text and a task's title to casework) but written with
bulk_create, thousands at a time: the actions would take hours for a
hundred thousand cases and a million notes. Tasks have an owner among
the staff and a due date a month either side of today: about half are
overdue, and one in five is done.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import Team, User
from safepassage.cases import contacts, people
from safepassage.cases.models import (
    CODE_ALPHABET,
    Application,
    AsylumClaim,
    Case,
    Check,
    ContactIndex,
    Host,
    Journey,
    JourneyLeg,
    Note,
    Pathway,
    Person,
    SafeHouse,
    StageChange,
    Stay,
    Task,
    TravelDocument,
    Verification,
)
from safepassage.cases.opening import Contact, Identity, Location
from safepassage.cases.stages import FLOW, SIDE_EXITS
from safepassage.vault import search

BATCH = 2000
# Safe houses and their beds: a large programme's (the households in a
# house at once are as many as its beds, whatever the number of cases).
HOUSES = 40
HOUSE_BEDS = 12
FIRST = ["Магомед", "Zelimkhan", "Ruslan", "Аслан", "Movsar", "Islam", "Хеда", "Zarema"]
FIRST += ["Amina", "Лейла", "Ibragim", "Adam", "Сулим", "Timur", "Malika", "Kheda"]
LAST = ["Umarov", "Дудаев", "Aliyev", "Bisultanov", "Eldarov", "Мусаев", "Akhmadov"]
LAST += ["Бекмурзаев", "Tsakaev", "Gaziev", "Яндиев", "Khasanov", "Daudov"]
# How many cases stand at each stage, per hundred.
WEIGHTS = {
    "received": 3,
    "screening": 6,
    "verified": 3,
    "accepted": 5,
    "in_safe_house": 10,
    "documents": 8,
    "applied": 7,
    "approved": 4,
    "travelling": 2,
    "arrived": 4,
    "asylum_claimed": 8,
    "protected": 10,
    "closed": 15,
    "declined": 6,
    "withdrawn": 3,
    "lost_contact": 3,
    "detained": 2,
    "deceased": 1,
}


def case_code(number: int) -> str:
    """A case's code from its number: unique, in the codes' alphabet."""
    letters = []
    for _ in range(6):
        number, digit = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "C-" + "".join(reversed(letters))


@dataclass
class Generated:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # Names as stored, to search for with a typo.
    names: list[str] = field(default_factory=list)
    # Codes of cases with everything a case page shows.
    full_cases: list[str] = field(default_factory=list)

    def add(self, what: str, count: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + count


class Writer:
    def __init__(self, rng: random.Random, staff: list[User], teams: list[Team]) -> None:
        self.rng = rng
        self.staff = staff
        self.teams = teams
        self.today = timezone.localdate()
        self.host = Host.objects.create(
            kind="country", country="DE", name_en="Germany", name_ru="Германия", name_fr="Allemagne"
        )
        self.pathway = Pathway.objects.create(
            host=self.host,
            kind="humanitarian_visa",
            name_en="Humanitarian admission",
            name_ru="Гуманитарный приём",
            name_fr="Admission humanitaire",
        )
        self.houses = [
            SafeHouse.objects.create(label=f"House {number}", capacity=HOUSE_BEDS)
            for number in range(HOUSES)
        ]
        self.beds_free = HOUSES * HOUSE_BEDS

    def _day(self, back: int) -> date:
        return self.today - timedelta(days=back)

    def case(self, number: int) -> tuple[Case, list[str]]:
        rng = self.rng
        stage = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        route = list(FLOW[: FLOW.index(stage) + 1]) if stage in FLOW else ["received", "screening"]
        if stage in SIDE_EXITS:
            route.append(stage)
        opened = self._day(rng.randint(len(route) * 10, 900))
        case = Case(
            code=case_code(number),
            stage=stage,
            urgency=rng.randint(0, 3),
            team=rng.choice(self.teams),
            opened_on=opened,
            risk=rng.randint(0, 4),
            flags=",urgent," if rng.random() < 0.1 else "",
            risk_factors=",outed,family_threat," if rng.random() < 0.5 else "",
            assignee=rng.choice([None, *self.staff]),
            stage_since=self._day(rng.randint(0, 200)),
            changed_on=self._day(rng.randint(0, 200)),
            accepted_on=opened + timedelta(days=20) if "accepted" in route else None,
        )
        case.narrative = "They came at night and took my phone.\n\nWe need to leave the region."
        case.answers = []
        return case, route

    def people_of(self, case: Case, generated: Generated) -> list[Person]:
        rng = self.rng
        found = []
        for position in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            handle = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            person = Person(case=case, role="principal" if position == 0 else "member")
            person.position = position
            people.write_identity(
                person,
                Identity(
                    name=name,
                    contacts=[Contact("signal", handle)] if position == 0 else [],
                    location=Location("chechnya", "Grozny"),
                ),
            )
            found.append(person)
            if len(generated.names) < 1000:
                generated.names.append(name)
        return found


def _bulk(model: Any, rows: list[Any], generated: Generated, what: str) -> None:
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH)
        generated.add(what, len(rows))


def _history(case: Case, route: list[str], by: User) -> list[StageChange]:
    changes = []
    for number, (source, target) in enumerate(itertools.pairwise(route), start=1):
        changes.append(
            StageChange(
                case=case,
                number=number,
                on=case.opened_on + timedelta(days=number * 7),
                since=case.opened_on + timedelta(days=(number - 1) * 7),
                by=by,
                kind="moved",
                from_stage=source,
                to_stage=target,
            )
        )
    return changes


def _travel(
    writer: Writer, case: Case, route: list[str], household: list[Person]
) -> dict[str, list[Any]]:
    rows: dict[str, list[Any]] = {
        "documents": [],
        "applications": [],
        "journeys": [],
        "legs": [],
        "claims": [],
        "stays": [],
    }
    rng = writer.rng
    left = writer.today - timedelta(days=rng.randint(0, 100)) if "travelling" in route else None
    # Households still in a house fill its beds and no more; the others
    # wait where they are (a case may go to its documents without a house).
    housed = left is not None or writer.beds_free >= len(household)
    if "in_safe_house" in route and housed:
        if left is None:
            writer.beds_free -= len(household)
        rows["stays"].append(
            Stay(
                case=case,
                house=rng.choice(writer.houses),
                beds=len(household),
                planned_arrival=case.opened_on + timedelta(days=25),
                arrived_on=case.opened_on + timedelta(days=25),
                left_on=max(left, case.opened_on + timedelta(days=25)) if left else None,
            )
        )
    if "documents" in route:
        for person in household:
            document = TravelDocument(
                case=case,
                person=person,
                kind="foreign_passport",
                status="issued",
                expires_on=writer.today + timedelta(days=rng.randint(100, 3000)),
            )
            rows["documents"].append(document)
    if "applied" in route:
        application = Application(
            case=case,
            host=writer.host,
            pathway=writer.pathway,
            office="Embassy of Germany, Moscow",
            submitted_on=case.opened_on + timedelta(days=60),
            decision="approved" if "approved" in route else "pending",
            decided_on=case.opened_on + timedelta(days=90) if "approved" in route else None,
        )
        rows["applications"].append(application)
        if "travelling" in route:
            journey = Journey(
                case=case,
                application=application,
                status="completed" if "arrived" in route else "under_way",
                arrived_on=case.opened_on + timedelta(days=110) if "arrived" in route else None,
                arrived_in=writer.host if "arrived" in route else None,
            )
            rows["journeys"].append(journey)
            rows["legs"].append(
                JourneyLeg(journey=journey, departs_on=case.opened_on + timedelta(days=109))
            )
        if "asylum_claimed" in route:
            rows["claims"].append(
                AsylumClaim(
                    case=case,
                    host=writer.host,
                    authority="BAMF",
                    status="decided" if "protected" in route else "lodged",
                    lodged_on=case.opened_on + timedelta(days=115),
                    decided_on=case.opened_on + timedelta(days=200)
                    if "protected" in route
                    else None,
                    outcome="refugee" if "protected" in route else "",
                )
            )
    return rows


def _checks(case: Case, by: list[User]) -> tuple[Verification, list[Check]]:
    verification = Verification(
        case=case,
        number=1,
        started_on=case.opened_on,
        outcome="verified",
        finished_on=case.opened_on + timedelta(days=10),
        finished_by=by[0],
    )
    verification.reasons = "Two interviews agree; the partner vouches."
    checks = []
    for number, kind in enumerate(
        ("interview", "interview", "reference", "consistency", "documents"), start=1
    ):
        check = Check(
            verification=verification,
            kind=kind,
            finding="supports",
            referee="partner" if kind == "reference" else "",
            by=by[number % len(by)],
            number=number,
            on=case.opened_on + timedelta(days=number),
        )
        check.note = "Consistent with the request."
        checks.append(check)
    return verification, checks


def _work(
    case: Case, notes: int, tasks: int, staff: list[User], rng: random.Random
) -> dict[str, list[Any]]:
    """Notes and tasks of a case, sealed as notes.add_note and
    tasks.add_task seal them."""
    today = timezone.localdate()
    rows: dict[str, list[Any]] = {"notes": [], "tasks": []}
    for number in range(1, notes + 1):
        note = Note(
            case=case,
            number=number,
            author=rng.choice(staff),
            written_on=case.opened_on + timedelta(days=number),
        )
        note.text = f"Call {number}: safe for now, worried about the family."
        rows["notes"].append(note)
    for _ in range(tasks):
        due = today + timedelta(days=rng.randint(-30, 30))
        done = rng.random() < 0.2
        task = Task(
            case=case,
            owner=rng.choice(staff),
            due_on=due,
            created_on=due - timedelta(days=14),
            created_by=rng.choice(staff),
            done_on=min(today, due) if done else None,
        )
        if done:
            task.done_by = task.owner
        task.title = "Book the embassy appointment."
        rows["tasks"].append(task)
    return rows


def _spread(total: int, over: int, rng: random.Random) -> list[int]:
    """``total`` items over ``over`` cases, a few each."""
    counts = [total // over] * over
    for index in rng.sample(range(over), total % over):
        counts[index] += 1
    return counts


def generate(
    *, cases: int, notes: int, tasks: int, staff: list[User], teams: list[Team], seed: int = 13
) -> Generated:
    """Write the cases and everything they hold (the caller holds every
    compartment's keys)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    writer = Writer(rng, staff, teams)
    generated = Generated()
    note_counts = _spread(notes, cases, rng)
    task_counts = _spread(tasks, cases, rng)
    for start in range(0, cases, BATCH):
        numbers = range(start, min(cases, start + BATCH))
        with transaction.atomic():
            built = [writer.case(number) for number in numbers]
            _bulk(Case, [case for case, _route in built], generated, "cases")
            rows: dict[str, list[Any]] = {}
            households: dict[Any, list[Person]] = {}
            for number, (case, route) in zip(numbers, built, strict=True):
                household = writer.people_of(case, generated)
                households[case.pk] = household
                rows.setdefault("people", []).extend(household)
                rows.setdefault("history", []).extend(_history(case, route, rng.choice(staff)))
                rich = len(generated.full_cases) < 300 and case.stage in (
                    "asylum_claimed",
                    "protected",
                )
                if "verified" in route and (rich or rng.random() < 0.2):
                    verification, checks = _checks(case, staff)
                    rows.setdefault("verifications", []).append(verification)
                    rows.setdefault("checks", []).extend(checks)
                if rich:
                    generated.full_cases.append(case.code)
                for kind, found in _travel(writer, case, route, household).items():
                    rows.setdefault(kind, []).extend(found)
                work = _work(case, note_counts[number], task_counts[number], staff, rng)
                for kind, found in work.items():
                    rows.setdefault(kind, []).extend(found)
            _bulk(Person, rows.get("people", []), generated, "people")
            index = [
                ContactIndex(case=person.case, person=person, digest=digest)
                for person in rows.get("people", [])
                for digest in contacts.digests_of(person.identity.handles())
            ]
            _bulk(ContactIndex, index, generated, "contact index entries")
            _bulk(StageChange, rows.get("history", []), generated, "stage history lines")
            _bulk(Verification, rows.get("verifications", []), generated, "verifications")
            _bulk(Check, rows.get("checks", []), generated, "checks")
            _bulk(Stay, rows.get("stays", []), generated, "stays")
            staying = [
                Stay.people.through(stay_id=stay.pk, person_id=person.pk)
                for stay in rows.get("stays", [])
                for person in households[stay.case_id]
            ]
            Stay.people.through.objects.bulk_create(staying, batch_size=BATCH)
            _bulk(TravelDocument, rows.get("documents", []), generated, "travel documents")
            _bulk(Application, rows.get("applications", []), generated, "applications")
            _bulk(Journey, rows.get("journeys", []), generated, "journeys")
            _bulk(JourneyLeg, rows.get("legs", []), generated, "journey legs")
            _bulk(AsylumClaim, rows.get("claims", []), generated, "asylum claims")
            _bulk(Note, rows["notes"], generated, "notes")
            _bulk(Task, rows["tasks"], generated, "tasks")
    for name in ("name", "other_names"):
        search.rebuild(Person, name)
    generated.seconds = time.perf_counter() - started
    return generated
