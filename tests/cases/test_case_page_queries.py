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


def _reads_of(table: str, sql: str) -> bool:
    """Whether ``sql`` reads rows of ``table`` for the page: any query of
    it, except, for the household and the stays, the stage conditions'
    checks (a count, whether there is one, the current stay) and the
    people of each stay or application (through their own tables)."""
    if table in ("cases_person", "cases_stay"):
        return sql.startswith(f'SELECT "{table}"."id"') and not sql.endswith("LIMIT 1")
    return sql.startswith("SELECT") and f'FROM "{table}"' in sql


# Rows several parts of the page need, read once for the page (cases.kept
# and each section's single read): tasks open and done, the latest round of
# checks and the finished ones, the household, stays and the moves between
# them, the partner organisations of the consent and share forms.
READ_ONCE = (
    "cases_task",
    "cases_verification",
    "cases_person",
    "cases_stay",
    "cases_partnerorganisation",
)


def test_it_reads_each_kind_of_record_once_however_many_parts_show_it(
    org: Organisation, vault: Vault
) -> None:
    case = world.build(org).case
    _more_of_everything(org, case)
    client = client_of(org.coordinator)
    address = f"/cases/{case.code}/"
    assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    for table in READ_ONCE:
        reads = [q["sql"] for q in captured.captured_queries if _reads_of(table, q["sql"])]
        assert len(reads) == 1, (table, reads)
