"""The case page asks the database the same number of times however much a
case holds: no query a person, a note, a task or a travel record (an N+1
would make the page of a large household with years of notes slow, and
the benchmark's figures wrong)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepassage.cases import household, notes, referrals, tasks
from safepassage.cases.models import Case, SentBundle
from safepassage.cases.opening import Identity, Location
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases import safehouse_helpers as houses
from tests.cases import travel_helpers as travel
from tests.cases import world
from tests.cases.sharing import consent
from tests.cases.work_helpers import client_of

pytestmark = pytest.mark.django_db


def _counted(sql: str) -> bool:
    """Not the session's activity time, written at most every 30 seconds (a
    slow run writes it on one request and not on the other), nor the
    savepoints around that write."""
    return "django_session" not in sql and not sql.upper().startswith(("SAVEPOINT", "RELEASE"))


def _queries(client: Client, case: Case) -> int:
    address = f"/cases/{case.code}/"
    assert client.get(address).status_code == 200  # once first: sessions, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return sum(1 for query in captured.captured_queries if _counted(query["sql"]))


def _more_of_everything(org: Organisation, case: Case) -> None:
    """Two more people, and more of each record the page shows."""
    user = org.coordinator
    with using_keyring(keyring_of(user)):
        for name in ("Adam Daudov", "Malika Daudova"):
            person = household.add_member(case, by=user)
            household.describe_person(
                person,
                Identity(name=name, location=Location("chechnya", "Gudermes")),
                minor=False,
                by=user,
                version=person.version,
            )
        for number in range(notes.SHOWN + 5):
            notes.add_note(case, text=f"Called them, time {number}.", by=user)
        for number in range(6):
            task = tasks.add_task(
                case,
                title=f"Task {number}",
                owner=org.caseworker,
                due_on=houses.days(number + 1),
                by=user,
            )
            if number % 2:
                tasks.finish_task(task, by=user, version=task.version)
    for person in travel.people(case):
        travel.document(user, person)
    travel.application(user, case)
    partner = SentBundle.objects.filter(case=case).select_related("partner")[0].partner
    consent(user, case, partner)
    with using_keyring(keyring_of(user)):
        referrals.share(case, partner, kind="referral", parts=["identity"], by=user)


def test_it_asks_as_many_queries_of_a_full_case_as_of_a_small_one(
    org: Organisation, vault: Vault
) -> None:
    case = world.build(org).case
    client = client_of(org.coordinator)
    small = _queries(client, case)
    _more_of_everything(org, case)
    assert case.people.count() == 4
    assert case.notes.count() == notes.SHOWN + 6
    assert _queries(client, case) == small
