"""The demo's requests for help: the ones that open its cases (or the
call to the hotline that does), and those that open none, which the
inbox keeps (the last fortnight's waiting, older ones closed, spam or
sent twice). Each received and triaged through intake's actions, then
dated on the day the programme gives."""

from __future__ import annotations

import random
from datetime import date, timedelta

from safepassage.cases import actions as case_actions
from safepassage.cases.models import Case
from safepassage.cases.opening import Opening
from safepassage.intake import actions as intake_actions
from safepassage.intake.models import Submission
from safepassage.intake.payload import RequestContact, RequestPayload
from safepassage.site import demo_programme
from safepassage.site.demo_people import Invented, People
from safepassage.site.demo_reference import Staff


def _receive(payload: RequestPayload, day: date) -> Submission:
    submission = intake_actions.receive_request(payload, [], language=payload.lang).submission
    Submission.objects.filter(pk=submission.pk).update(received_on=day, last_activity=day)
    submission.received_on = submission.last_activity = day
    return submission


def _language(rng: random.Random) -> str:
    return rng.choices(["ru", "en", "fr"], weights=[7, 2, 1])[0]


SPAM = RequestPayload(
    lang="en",
    happened="(demo) Cheap followers for your channel! Visit our site today.",
    help="",
    contacts=[RequestContact("email", "promo@example.invalid")],
)


def other_requests(
    people: People, rng: random.Random, staff: Staff, today: date, count: int
) -> list[Submission]:
    """Requests that opened no case: the recent ones waiting in the inbox
    (some given to the verifier), the older ones closed, spam or sent again."""
    earlier: list[tuple[Invented, Submission]] = []
    waiting = []
    for day in demo_programme.request_days(rng, today, count):
        age = (today - day).days
        roll = rng.random()
        if age > 14 and roll < 0.18:
            submission = _receive(SPAM, day)
            intake_actions.set_status(submission, "spam", reason="advertising", by=staff.verifier)
            continue
        if age > 14 and roll < 0.3 and earlier:
            first_invented, first = rng.choice(earlier)
            language = "ru" if first_invented.cyrillic else "en"
            submission = _receive(
                people.request(first_invented, language=language, household=0), day
            )
            intake_actions.set_status(
                submission,
                "duplicate",
                reason="same-person",
                duplicate_of=first,
                by=staff.verifier,
            )
            continue
        language = _language(rng)
        invented = people.person(cyrillic=language == "ru" and rng.random() < 0.8)
        household = rng.choices([0, 1, 2], weights=[6, 2, 1])[0]
        submission = _receive(people.request(invented, language=language, household=household), day)
        earlier.append((invented, submission))
        if age > 14:
            reason = rng.choice(["resolved", "resolved", "no-answer"])
            intake_actions.set_status(submission, "closed", reason=reason, by=staff.verifier)
        elif rng.random() < 0.4:
            intake_actions.assign(submission, staff.verifier, by=staff.coordinator)
        else:
            waiting.append(submission)
    return waiting


def open_case(
    plan: demo_programme.Plan, people: People, rng: random.Random, staff: Staff
) -> tuple[Case, Invented]:
    """The case of ``plan`` and who its people are: after a call to the
    hotline, the whole household is recorded at once; from a request, only
    how many travel along (the team records them later)."""
    if plan.hotline:
        invented = people.person(cyrillic=rng.random() < 0.7, members=plan.members)
        opening = Opening(
            source=f"hotline:{plan.number}",
            principal=people.identity(invented),
            members=invented.members,
            household_notes="(demo) The family travels together.",
            narrative=[
                "(Демо) Звонок на горячую линию: угрозы от родственников.",
                "(Demo) Asks for a safe place and help to leave the country.",
            ],
            urgency=3 if plan.urgent else 1,
        )
        case = case_actions.open_case(opening, by=staff.coordinator)
        for position, member in enumerate(invented.members, start=1):
            minor = member.age is not None and member.age < 18
            case.people.filter(position=position).update(minor=minor)
        return case, invented
    language = _language(rng)
    invented = people.person(cyrillic=language == "ru" and rng.random() < 0.8, members=plan.members)
    payload = people.request(invented, language=language, household=plan.members)
    submission = _receive(payload, plan.opened_on - timedelta(days=rng.randint(0, 3)))
    opener = staff.coordinator if rng.random() < 0.5 else staff.verifier
    return intake_actions.open_case_from(submission, by=opener), invented


def returning(suspected: Case, people: People, day: date) -> Submission:
    """A new request under another name from a handle of a case suspected
    of infiltration: the inbox marks it (the contact index's flag)."""
    principal = suspected.people.get(position=0)
    handle = principal.identity.contacts[0]
    invented = people.person(cyrillic=True)
    invented.method, invented.handle = handle.method, handle.handle
    return _receive(people.request(invented, language="ru", household=0), day)
