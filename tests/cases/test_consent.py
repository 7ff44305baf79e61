"""Consent: what each person of a case agreed to, recorded and withdrawn
without ever editing a record, and the check every share makes, with its
audited override."""

from __future__ import annotations

import datetime
import html

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.cases import consent as consent_module
from safepassage.cases.consent import (
    REQUIREMENTS,
    ConsentMissing,
    OverrideRefused,
    consent_state,
    require_consent,
    withdraw_consent,
)
from safepassage.cases.models import Consent, ConsentKind, ConsentOverride
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of, sign_in
from tests.cases.helpers import verifier_with_intake_only
from tests.cases.sharing import add_partner, consent, household

pytestmark = pytest.mark.django_db


def _form(person: str, partner: int | str, /, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "consent-person": person,
        "consent-kind": "partner",
        "consent-partner": partner,
        "consent-scope": ["identity", "narrative"],
        "consent-given_on": timezone.localdate().isoformat(),
        "consent-method": "phone",
        "consent-explanation": "Refuge Nord would receive his name and story; he can say no.",
        "consent-seen": "0.0",
    }
    data.update({f"consent-{key}": value for key, value in changes.items()})
    return data


def _page(client: Client, code: str) -> str:
    return html.unescape(client.get(f"/cases/{code}/consent/").content.decode())


def test_it_records_what_a_person_agreed_to(org: Organisation, vault: Vault) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    principal = case.people.get(position=0)
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(
        f"/cases/{case.code}/consent/record/", _form(str(principal.pk), partner.pk)
    )
    assert response.status_code == 302
    recorded = Consent.objects.get()
    assert (recorded.person, recorded.kind, recorded.partner) == (principal, "partner", partner)
    assert recorded.scope == ["identity", "narrative"]
    assert recorded.method == "phone"
    assert recorded.recorded_by == org.caseworker
    assert b"Refuge Nord would receive" not in bytes(recorded.explanation_sealed)
    entry = AuditEntry.objects.get(action="case.consent_recorded")
    assert entry.target == f"case:{case.pk}"
    assert entry.details["consent"] == "partner"
    assert entry.details["partner"] == partner.pk
    page = _page(client, case.code)
    assert "Zelim Daudov (the principal)" in page
    assert "sharing with Refuge Nord" in page
    assert "Refuge Nord would receive his name and story" in page
    assert "In force" in page


def test_it_keeps_the_history_when_consent_is_recorded_again(
    org: Organisation, vault: Vault
) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [first] = consent(org.caseworker, case, partner, scope=["narrative"])
    [second] = consent(org.caseworker, case, partner, scope=["identity", "narrative"])
    first.refresh_from_db()
    assert first.superseded_by == second
    assert not first.current
    assert second.current
    assert Consent.objects.count() == 2
    entry = AuditEntry.objects.filter(action="case.consent_recorded").last()
    assert entry is not None
    assert entry.details["replaces"] == str(first.pk)
    client = Client()
    sign_in(client, org.caseworker)
    page = _page(client, case.code)
    assert "1 earlier record" in page
    assert "Replaced by a later record" in page


def test_it_withdraws_consent_and_keeps_the_record(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [given] = consent(
        org.caseworker, case, partner, given_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = Client()
    sign_in(client, org.caseworker)
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/cases/{case.code}/consent/{given.pk.hex}/withdraw/",
        {f"withdraw-{given.pk.hex}-withdrawn_on": day},
    )
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.withdrawn_on == timezone.localdate() - datetime.timedelta(days=1)
    assert given.withdrawn_by == org.caseworker
    assert given.superseded_by is None
    assert AuditEntry.objects.filter(action="case.consent_withdrawn").count() == 1
    assert "Withdrawn on" in _page(client, case.code)


def test_it_redisplays_bad_input_and_saves_nothing(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    principal = str(case.people.get().pk)
    client = Client()
    sign_in(client, org.caseworker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"partner": ""}, "Choose the partner organisation."),
        ({"scope": []}, "Say what they agreed to share."),
        ({"kind": "host_government", "country": " "}, "Name the country."),
        ({"given_on": tomorrow}, "This day is still to come."),
        ({"given_on": "31.31.2020"}, "Enter a valid date."),
        ({"explanation": ""}, "This field is required."),
        ({"person": "not-a-person"}, "Select a valid choice."),
    ]
    for changes, message in cases:
        response = client.post(
            f"/cases/{case.code}/consent/record/", _form(principal, partner.pk, **changes)
        )
        assert response.status_code == 400, changes
        page = html.unescape(response.content.decode())
        assert message in page, changes
        assert "Record the consent" in page
    assert Consent.objects.count() == 0
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    response = client.post(
        f"/cases/{case.code}/consent/record/",
        _form(principal, partner.pk, scope=[]),
    )
    assert "Укажите, чем они согласились поделиться." in html.unescape(response.content.decode())


def test_it_saves_nothing_from_a_page_that_went_stale(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    principal = case.people.get()
    seen = consent_state(case)
    consent(org.coordinator, case, partner)  # someone else, meanwhile
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(
        f"/cases/{case.code}/consent/record/",
        _form(str(principal.pk), partner.pk, seen=seen, scope=["narrative"]),
    )
    assert response.status_code == 400
    assert "since you opened the page" in html.unescape(response.content.decode())
    assert Consent.objects.count() == 1


def test_it_withdraws_a_consent_once(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [given] = consent(org.caseworker, case, partner)
    today = timezone.localdate()
    withdraw_consent(given, on=today, by=org.coordinator)
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(
        f"/cases/{case.code}/consent/{given.pk.hex}/withdraw/",
        {f"withdraw-{given.pk.hex}-withdrawn_on": today.isoformat()},
    )
    assert response.status_code == 400
    assert "withdrawn or recorded again by someone else" in html.unescape(response.content.decode())
    given.refresh_from_db()
    assert given.withdrawn_by == org.coordinator
    assert AuditEntry.objects.filter(action="case.consent_withdrawn").count() == 1


def test_it_refuses_a_share_without_everyones_consent(org: Organisation, vault: Vault) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    other, _other_secret = add_partner(org, "Rainbow Railroad")
    with pytest.raises(ConsentMissing) as refused:
        require_consent(case, ConsentKind.PARTNER, partner, by=org.coordinator)
    assert [item.person.position for item in refused.value.lacking] == [0, 1]
    consent(org.caseworker, case, other)  # consent to another partner does not count
    consent(org.caseworker, case, partner, people=[0])
    with pytest.raises(ConsentMissing) as refused:
        require_consent(case, ConsentKind.PARTNER, partner, by=org.coordinator)
    assert [item.person.position for item in refused.value.lacking] == [1]
    assert str(refused.value) == "consent missing for partner: 1 people"  # names nobody
    with using_keyring(keyring_of(org.coordinator)):
        sentences = refused.value.sentences(
            consent_module.namer(org.coordinator, case, case.people.all())
        )
    assert sentences == [
        "Kheda Daudova (household member 1) has not agreed to sharing with Refuge Nord."
    ]


def test_it_allows_a_share_everyone_consented_to(org: Organisation, vault: Vault) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    given = consent(org.caseworker, case, partner)
    allowed = require_consent(
        case, ConsentKind.PARTNER, partner, by=org.coordinator, parts=["identity", "narrative"]
    )
    assert allowed.override is None
    assert set(allowed.consents.values()) == set(given)


def test_a_withdrawn_consent_refuses_again(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [given] = consent(org.caseworker, case, partner)
    require_consent(case, ConsentKind.PARTNER, partner, by=org.coordinator)
    withdraw_consent(given, on=timezone.localdate(), by=org.caseworker)
    with pytest.raises(ConsentMissing) as refused:
        require_consent(case, ConsentKind.PARTNER, partner, by=org.coordinator)
    assert refused.value.lacking[0].withdrawn
    assert refused.value.sentences(lambda person: "Zelim") == [
        "Zelim withdrew their consent to sharing with Refuge Nord."
    ]


def test_a_consent_covers_only_what_it_says(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner, scope=["narrative"])
    require_consent(case, ConsentKind.PARTNER, partner, by=org.coordinator, parts=["narrative"])
    with pytest.raises(ConsentMissing) as refused:
        require_consent(
            case, ConsentKind.PARTNER, partner, by=org.coordinator, parts=["identity", "narrative"]
        )
    assert refused.value.lacking[0].parts == ("identity",)
    assert refused.value.sentences(lambda person: "Zelim") == [
        "The consent of Zelim to sharing with Refuge Nord does not cover: "
        "who they are (names, contacts, where they are)."
    ]


def test_an_override_needs_its_permission_and_a_reason(org: Organisation, vault: Vault) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    with pytest.raises(ConsentMissing):
        require_consent(
            case, ConsentKind.PARTNER, partner, by=org.coordinator, override_reason="   "
        )
    with pytest.raises(OverrideRefused):
        require_consent(
            case, ConsentKind.PARTNER, partner, by=org.caseworker, override_reason="Raid tonight."
        )
    assert ConsentOverride.objects.count() == 0
    assert not AuditEntry.objects.filter(action="case.consent_overridden").exists()


def test_an_override_is_kept_and_audited_as_one(org: Organisation, vault: Vault) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner, people=[0])
    with using_keyring(keyring_of(org.coordinator)):
        allowed = require_consent(
            case,
            ConsentKind.PARTNER,
            partner,
            by=org.coordinator,
            override_reason="They raid the flat tonight; the sister cannot be reached.",
        )
    override = allowed.override
    assert override is not None
    assert override.by == org.coordinator
    kheda = case.people.get(position=1)
    assert override.lacking == [str(kheda.pk)]
    assert allowed.consents[kheda.pk] is None
    stored = ConsentOverride.objects.get()
    assert b"raid the flat" not in bytes(stored.reason_sealed)
    with using_keyring(keyring_of(org.coordinator)):
        assert stored.reason.startswith("They raid the flat tonight")
    entry = AuditEntry.objects.get(action="case.consent_overridden")
    assert entry.actor == f"user:{org.coordinator.pk}"
    assert entry.target == f"case:{case.pk}"
    assert entry.details == {
        "consent": "partner",
        "override": str(override.pk),
        "partner": partner.pk,
        "people": 1,
    }


def test_the_page_names_people_only_for_those_who_read_identity(
    org: Organisation, vault: Vault
) -> None:
    case = household(org)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner)
    verifier = verifier_with_intake_only(org, vault)
    client = Client()
    sign_in(client, verifier)
    page = _page(client, case.code)
    assert "Zelim" not in page
    assert "The principal" in page
    assert "Household member 1" in page
    assert "that they can say no" not in page  # what was explained is casework's
    assert "Record a consent" not in page  # verifiers do not record consent
    assert AuditEntry.objects.filter(action="case.consent_viewed").last().details == {
        "explanations": False,
        "identity": False,
    }


def test_an_outsider_gets_the_same_404_as_for_nothing(org: Organisation, vault: Vault) -> None:
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [given] = consent(org.caseworker, case, partner)
    client = Client()
    sign_in(client, org.outsider)
    missing = client.get("/cases/C-NOPE99/consent/")
    assert missing.status_code == 404
    for response in (
        client.get(f"/cases/{case.code}/consent/"),
        client.post(f"/cases/{case.code}/consent/record/", _form("x", partner.pk)),
        client.post(f"/cases/{case.code}/consent/{given.pk.hex}/withdraw/", {}),
    ):
        assert response.status_code == 404
        assert comparable(response) == comparable(missing)
    insider = Client()
    sign_in(insider, org.caseworker)
    nothing = insider.post(f"/cases/{case.code}/consent/{'0' * 32}/withdraw/", {})
    assert nothing.status_code == 404
    assert comparable(nothing) == comparable(insider.get("/cases/C-NOPE99/consent/"))
    given.refresh_from_db()
    assert given.current


def test_consent_guards_shares_not_stages() -> None:
    assert REQUIREMENTS == {}
