"""Opening a case from a request: cases owns the case (cases.actions.
open_case), intake hands it a typed Opening. The person and each member of
their household become Person rows sealed to identity, what happened and
the other answers go to casework, every contact handle to the contact
index; the opening is audited, and opening again gives the same case."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.cases import actions, contacts
from safepassage.cases.models import Case, ContactIndex, Person
from safepassage.cases.opening import Opening
from safepassage.intake import signals
from safepassage.intake.models import Status
from safepassage.vault.errors import NotInCompartment
from safepassage.vault.fields import contact_blind_index, parse_header
from safepassage.vault.keyring import Keyring, using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.cases.helpers import (
    open_from_request,
    open_household,
    person,
    request,
    verifier_with_intake_only,
)

pytestmark = pytest.mark.django_db


def _compartment(raw: object) -> str:
    return parse_header(bytes(raw))[1]  # type: ignore[arg-type]


def test_it_opens_a_case_with_each_person_in_a_row_of_identity(
    org: Organisation, vault: Vault
) -> None:
    submission = request(
        name="Zelim",
        place="Argun",
        household="2",
        household_notes="mother and brother",
        contact_method_2="email",
        contact_handle_2="zelim@example.org",
    )
    case = open_from_request(org.coordinator, submission)
    rows = list(Person.objects.filter(case=case).order_by("position"))
    assert [(p.role, p.position) for p in rows] == [
        ("principal", 0),
        ("member", 1),
        ("member", 2),
    ]
    for raw in Person.objects.values_list("identity", flat=True):
        assert _compartment(raw) == "identity"
    with using_keyring(keyring_of(org.coordinator)):
        principal = Person.objects.get(case=case, role="principal")
        assert principal.identity.name == "Zelim"
        assert [(c.method, c.handle) for c in principal.identity.contacts] == [
            ("signal", "+7 928 000 11 22"),
            ("email", "zelim@example.org"),
        ]
        assert principal.identity.location.place == "Argun"
        assert Case.objects.get().household_notes == "mother and brother"
    assert case.people_moved
    submission.refresh_from_db()
    assert submission.case == case
    assert submission.status == Status.CASE


def test_it_keeps_what_happened_and_the_other_answers_in_casework(
    org: Organisation, vault: Vault
) -> None:
    case = open_from_request(org.coordinator, request(situation=["hiding", "family"]))
    narrative, answers = Case.objects.values_list("narrative", "answers").get()
    assert _compartment(narrative) == _compartment(answers) == "casework"
    with using_keyring(keyring_of(org.coordinator)):
        case = Case.objects.get()
        assert case.narrative == (
            "They took my brother at a checkpoint and asked for my name.\n\n"
            "We need to leave the region."
        )
        assert [(a.question, a.values) for a in case.answers] == [
            ("request.language", ["en"]),
            ("request.situation", ["hiding", "family"]),
        ]
    assert case.urgency == 2


def test_it_fills_the_contact_index_for_the_request_and_the_people(
    org: Organisation, vault: Vault
) -> None:
    submission = request(contact_method_2="email", contact_handle_2="rustam@example.org")
    case = open_from_request(org.coordinator, submission)
    principal = case.people.get(role="principal")
    with using_keyring(keyring_of(org.coordinator)):
        phone = contact_blind_index("+79280001122")
        email = contact_blind_index("Rustam@Example.org ")
    assert set(contacts.request_digests(submission.pk)) == {phone, email}
    assert set(principal.contact_indexes.values_list("digest", flat=True)) == {phone, email}
    assert set(ContactIndex.objects.filter(case=case).values_list("person", flat=True)) == {
        principal.pk
    }
    # The next request with the same number is flagged with the case.
    again = request(name="Someone else")
    with using_keyring(keyring_of(org.coordinator)):
        signals.index(again, keyring_of(org.coordinator))
    assert signals.same_contact(again) == {
        "requests": [submission.code],
        "cases": [case.code],
        "flagged": [],
    }
    assert signals.flagged([again]) == {again.pk}


def test_it_is_audited_once_for_the_case_and_once_for_the_request(
    org: Organisation, vault: Vault
) -> None:
    submission = request(household="1")
    case = open_from_request(org.coordinator, submission)
    opened = AuditEntry.objects.get(action="case.opened")
    assert opened.target == f"case:{case.pk}"
    assert opened.actor == f"user:{org.coordinator.pk}"
    assert opened.details == {"people": 2}
    linked = AuditEntry.objects.get(action="intake.case_opened")
    assert linked.target == f"submission:{submission.pk}"
    assert linked.details == {"case": case.code}


def test_a_second_open_returns_the_same_case(org: Organisation, vault: Vault) -> None:
    submission = request()
    first = open_from_request(org.coordinator, submission)
    assert open_from_request(org.coordinator, submission) == first
    client = Client()
    sign_in(client, org.coordinator)
    response = client.post(f"/intake/{submission.code}/open-case/")
    assert response["Location"] == f"/cases/{first.code}/"
    # cases.open_case itself: the same source gives the same case.
    opening = Opening(source=f"submission:{submission.pk}", principal=person("Other"))
    with using_keyring(keyring_of(org.coordinator)):
        assert actions.open_case(opening, by=org.coordinator) == first
    assert Case.objects.count() == 1
    assert Person.objects.count() == 2
    assert AuditEntry.objects.filter(action="case.opened").count() == 1


def test_someone_without_identity_keys_opens_a_case_sealed_for_later(
    org: Organisation, vault: Vault
) -> None:
    verifier = verifier_with_intake_only(org, vault)
    case = open_from_request(verifier, request(name="Aslan"))
    principal = case.people.get(role="principal")
    # Sealed to identity's public key: readable by members, not by the verifier.
    assert not principal.indexed
    assert principal.name_index == ""
    assert Person.objects.filter(name__isnull=False).count() == 0
    with using_keyring(keyring_of(org.coordinator)):
        assert Person.objects.get(pk=principal.pk).identity.name == "Aslan"
    # Contacts are indexed at once, with the key intake and identity share.
    assert principal.contact_indexes.count() == 1


def test_it_refuses_keys_that_open_neither_intake_nor_identity(
    org: Organisation, vault: Vault
) -> None:
    opening = Opening(principal=person("Nobody", handle="+7 900 000 00 00"))
    with using_keyring(keyring_of(org.outsider)), pytest.raises(NotInCompartment):
        actions.open_case(opening, by=org.outsider)
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="case.opened").exists()


def test_the_contact_index_is_the_same_with_identity_keys_or_intake_keys(
    org: Organisation, vault: Vault
) -> None:
    """A caseworker (identity, no intake) indexes a household member's
    number; a request with the same number is flagged with the case."""
    intake_only = Keyring(
        [b for b in vault.keyring.bundles() if b.compartment == "intake"], owner="test"
    )
    identity_only = keyring_of(org.caseworker)
    assert not identity_only.holds("intake")
    assert contact_blind_index("+7 928 555 01 01", identity_only) == contact_blind_index(
        "+79285550101", intake_only
    )
    case = open_household(
        org.caseworker,
        person("Principal", handle="+7 928 555 00 00"),
        person("Sister", handle="+7 928 555 01 01", relationship="sister"),
    )
    member = case.people.get(role="member")
    submission = request(contact_handle="+7 (928) 555-01-01")
    with using_keyring(keyring_of(org.coordinator)):
        signals.index(submission, keyring_of(org.coordinator))
    assert contacts.request_digests(submission.pk) == list(
        member.contact_indexes.values_list("digest", flat=True)
    )
    assert signals.same_contact(submission)["cases"] == [case.code]


def test_a_request_deleted_leaves_nothing_in_the_contact_index(
    org: Organisation, vault: Vault
) -> None:
    submission = request()
    with using_keyring(keyring_of(org.coordinator)):
        signals.index(submission, keyring_of(org.coordinator))
    assert ContactIndex.objects.filter(request_id=submission.pk).count() == 1
    submission.delete()
    assert not ContactIndex.objects.exists()
