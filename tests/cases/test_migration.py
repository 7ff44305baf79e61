"""What earlier versions stored still reads, and moves to what cases keep
now: request payloads stored as JSON objects decode into the typed
payload (missing or odd fields take their defaults); cases whose identity
was one JSON object show on their page as before and are moved into
Person rows by a member of identity (a button on the page, or
`safepassage cases migrate-people`), never by a migration, which has no
keys; intake's contact index rows move to cases."""

from __future__ import annotations

import io
import json
import sys
from typing import Any, cast

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.cases import contacts
from safepassage.cases.models import Case, ContactIndex, Person
from safepassage.intake import payload as request_payload
from safepassage.intake.models import Submission
from safepassage.intake.payload import RequestContact, RequestHousehold, RequestPayload
from safepassage.vault.fields import EncryptedField, contact_blind_index, seal_for_compartment
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, Organisation, Vault, keyring_of, sign_in
from tests.cases.helpers import open_from_request, request
from tests.cases.test_case_page import _facts

OLD_PAYLOAD = {
    "answers": {"has_passport": "yes"},
    "contacts": [{"handle": "+7 928 000 11 22", "kind": "signal"}],
    "happened": "They came at night.",
    "help": "We need to leave.",
    "household": {"count": 2, "notes": "mother and brother"},
    "lang": "ru",
    "location": {"area": "chechnya", "place": "Argun"},
    "name": "Zelim",
    "no_contact": False,
    "situation": ["hiding"],
    "urgency_level": 2,
}


def test_an_old_payload_decodes_field_for_field() -> None:
    raw = json.dumps(OLD_PAYLOAD, sort_keys=True, separators=(",", ":")).encode()
    payload = request_payload.decode(raw)
    assert payload.name == "Zelim"
    assert payload.contacts == [RequestContact("signal", "+7 928 000 11 22")]
    assert payload.household == RequestHousehold(2, "mother and brother")
    assert payload.location.place == "Argun"
    assert payload.answers == {"has_passport": "yes"}
    assert request_payload.decode(request_payload.encode(payload)) == payload


def test_a_payload_with_missing_or_odd_fields_decodes_with_defaults() -> None:
    assert request_payload.decode(b"{}") == RequestPayload()
    odd: dict[str, Any] = {
        "happened": "Story",
        "household": {"count": "3", "notes": None},
        "contacts": [{"kind": "telegram", "handle": 12345}, "not a contact", None],
        "situation": "hiding",
        "urgency_level": "high",
        "answers": {"age": 31, "ok": True},
        "location": None,
        "from_a_later_version": {"x": 1},
    }
    payload = request_payload.decode(odd)
    assert payload.happened == "Story"
    assert payload.household == RequestHousehold(3, "")
    assert payload.contacts == [RequestContact("telegram", "12345")]
    assert payload.situation == ["hiding"]
    assert payload.urgency_level == 0
    assert payload.answers == {"age": "31", "ok": "True"}
    assert payload.location.area == ""


def test_a_request_stored_by_an_earlier_version_opens_a_case(
    org: Organisation, vault: Vault
) -> None:
    submission = request()
    field = cast(EncryptedField, Submission._meta.get_field("payload"))
    # As the JSON field of earlier versions sealed it.
    old = json.dumps(OLD_PAYLOAD, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    stored = seal_for_compartment("intake", old.encode(), field.associated(submission))
    Submission.objects.filter(pk=submission.pk).update(payload=stored)
    case = open_from_request(org.coordinator, Submission.objects.get(pk=submission.pk))
    with using_keyring(keyring_of(org.coordinator)):
        assert Submission.objects.get(pk=submission.pk).payload.name == "Zelim"
        names = [p.identity.name for p in Person.objects.filter(case=case)]
    assert names == ["Zelim", "", ""]


def _old_case(vault: Vault, org: Organisation) -> Case:
    """A case as earlier versions opened it: the identity one JSON object,
    the other answers after the story; written with no keys at all (sealed
    to the compartments' public keys), as a verifier without them did."""
    case = Case(opened_by=org.coordinator, urgency=2)
    case.identity = {
        "name": "Zelim",
        "contacts": [{"kind": "signal", "handle": "+7 928 000 11 22"}],
        "no_contact": False,
        "location": {"area": "chechnya", "place": "Argun"},
        "household": {"count": 2, "notes": "mother and brother"},
        "nickname": "Zel",
    }
    case.narrative = 'They came at night.\n\nHelp us.\n\n{\n "situation": ["hiding"]\n}'
    case.save()
    with using_keyring(vault.keyring):
        digest = contact_blind_index("+79280001122")
    ContactIndex.objects.create(case=case, digest=digest)
    return case


def _page(client: Client, case: Case) -> tuple[str, dict[str, str]]:
    page = client.get(f"/cases/{case.code}/").content.decode()
    return page, _facts(page)


EXPECTED = {
    "Name they gave": "Zelim",
    "Where": "Chechnya, Argun",
    "Household": "2 other people travel with them: mother and brother",
    "Situation": "I am in hiding",
    "Notes": "nickname: Zel",
}


def test_an_old_case_reads_as_before_and_moves_from_its_page(
    org: Organisation, vault: Vault
) -> None:
    case = _old_case(vault, org)
    assert not case.people_moved
    client = Client()
    sign_in(client, org.coordinator)
    page, facts = _page(client, case)
    assert "Give each person their own record" in page
    assert {key: facts[key] for key in EXPECTED} == EXPECTED
    # Someone without identity's keys cannot move it.
    sign_in(client, org.auditor)
    assert client.post(f"/cases/{case.code}/move-people/").status_code == 404
    sign_in(client, org.coordinator)
    response = client.post(f"/cases/{case.code}/move-people/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.people_moved
    assert case.people.count() == 3
    page, facts = _page(client, case)
    assert "Give each person their own record" not in page
    assert {key: facts[key] for key in EXPECTED} == EXPECTED
    principal = case.people.get(role="principal")
    assert principal.indexed
    # The case's contact entry now belongs to its principal.
    assert list(ContactIndex.objects.values_list("person", flat=True)) == [principal.pk]
    assert AuditEntry.objects.get(action="case.people_moved").details == {"people": 3}
    # Moving again changes nothing.
    assert client.post(f"/cases/{case.code}/move-people/").status_code == 302
    assert Person.objects.count() == 3


def _run(*args: str, password: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    saved = sys.stdin
    sys.stdin = stdin
    try:
        call_command("cases", *args, stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_the_command_moves_every_old_case_for_a_member_of_identity(
    org: Organisation, vault: Vault
) -> None:
    first, second = _old_case(vault, org), _old_case(vault, org)
    assert "2 case(s) wait" in _run("migrate-people", "--check", password="")
    with pytest.raises(CommandError, match="--as USERNAME"):
        _run("migrate-people", password="")
    with pytest.raises(CommandError, match="not a member of the identity"):
        _run("migrate-people", "--as", "admin", password=PASSWORD)
    with pytest.raises(CommandError, match="do not match"):
        _run("migrate-people", "--as", "coord", password="wrong")
    out = _run("migrate-people", "--as", "coord", password=PASSWORD)
    assert "2 case(s) moved (6 people)" in out
    for case in (first, second):
        case.refresh_from_db()
        assert case.people_moved
    with using_keyring(keyring_of(org.coordinator)):
        assert {p.identity.name for p in Person.objects.filter(role="principal")} == {"Zelim"}
    assert "0 case(s) moved" in _run("migrate-people", "--as", "coord", password=PASSWORD)


BEFORE = [("intake", "0007_drop_plain_tags"), ("cases", "0001_initial")]


@pytest.mark.usefixtures("transactional_audit")
def test_the_upgrade_moves_intake_s_contact_index_to_cases(org: Organisation, vault: Vault) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldCase = old.get_model("cases", "Case")
    case = OldCase(opened_by_id=org.coordinator.pk)
    case.identity = {"name": "Zelim", "contacts": [{"kind": "signal", "handle": "+7 900"}]}
    case.narrative = "Story"
    case.save()
    submission = old.get_model("intake", "Submission")(
        receipt_lookup="x" * 64, person_salt=b"s", person_public_key=b"k", payload_for_person=b""
    )
    submission.payload = OLD_PAYLOAD
    submission.save()
    Index = old.get_model("intake", "ContactIndex")
    Index.objects.create(digest="a" * 32, submission_id=submission.pk)
    Index.objects.create(digest="a" * 32, case_id=case.pk)
    Index.objects.create(digest="b" * 32, submission_id=submission.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(contacts.request_digests(submission.pk)) == ["a" * 32, "b" * 32]
    moved = Case.objects.get(pk=case.pk)
    assert contacts.case_digests(moved) == ["a" * 32]
    assert contacts.seen_elsewhere(["a" * 32], besides_request=submission.pk).cases == [moved.code]
    assert not moved.people_moved
    with using_keyring(keyring_of(org.coordinator)):
        assert Submission.objects.get(pk=submission.pk).payload.name == "Zelim"
        assert moved.identity["name"] == "Zelim"


@pytest.mark.usefixtures("transactional_audit")
def test_the_upgrade_keeps_cases_in_their_stage_since_they_were_opened(
    org: Organisation, vault: Vault
) -> None:
    from datetime import date

    before = [("cases", "0002_people_and_contact_index")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldCase = executor.loader.project_state(before).apps.get_model("cases", "Case")
    old = OldCase(opened_by_id=org.coordinator.pk, opened_on=date(2026, 3, 9), team_id=org.team.pk)
    old.narrative = "Story"
    old.save()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    case = Case.objects.get(pk=old.pk)
    assert (case.stage, case.stage_since, case.changed_on) == (
        "received",
        date(2026, 3, 9),
        date(2026, 3, 9),
    )
    assert (case.version, case.risk, case.flags, case.accepted_on, case.locked) == (
        1,
        0,
        "",
        None,
        False,
    )
