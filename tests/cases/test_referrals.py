"""Referrals and transfers to partner organisations: consent checked for
everyone (refused without, allowed with, refused again once withdrawn),
the override, a bundle sealed to the partner's key that holds what the
consent covers and nothing else, downloaded by a coordinator, and a
transfer handed over once the partner accepts."""

from __future__ import annotations

import datetime
import html

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.cases import bundles, referrals
from safepassage.cases.consent import withdraw_consent
from safepassage.cases.models import Case, PartnerOrganisation, SentBundle
from safepassage.vault import bundles as sealing
from safepassage.vault.errors import Tampered
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of, sign_in
from tests.cases.sharing import add_partner, consent, household, our_key

pytestmark = pytest.mark.django_db


def _share(
    client: Client,
    case: Case,
    partner: PartnerOrganisation,
    kind: str = "referral",
    parts: tuple[str, ...] = ("identity", "narrative"),
    reason: str = "",
) -> object:
    data = {
        "share-partner": partner.pk,
        "share-kind": kind,
        "share-parts": list(parts),
        "share-override_reason": reason,
    }
    return client.post(f"/cases/{case.code}/consent/share/", data)


def _coordinator(org: Organisation) -> Client:
    client = Client()
    sign_in(client, org.coordinator)
    return client


def _opened(data: bytes, secret: sealing.ExchangeSecret) -> bundles.Content:
    return bundles.decode(sealing.open_bundle(secret, data).payload)


@pytest.mark.parametrize("kind", ["referral", "transfer"])
def test_it_refuses_a_share_without_consent_and_says_who(
    org: Organisation, vault: Vault, kind: str
) -> None:
    our_key()
    case = household(org)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner, people=[0])
    response = _share(_coordinator(org), case, partner, kind=kind)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = html.unescape(response.content.decode())  # type: ignore[attr-defined]
    assert "No bundle was made: consent is missing." in page
    assert "Kheda Daudova (household member 1) has not agreed to sharing with Refuge Nord." in page
    assert SentBundle.objects.count() == 0
    refusal = AuditEntry.objects.get(action="case.consent_refused")
    assert refusal.outcome == "denied"
    assert refusal.details == {"override": False, "people": 1, "sharing": kind}
    assert not AuditEntry.objects.filter(action="case.referred").exists()
    assert not AuditEntry.objects.filter(action="case.transfer_sent").exists()


def test_it_refers_a_case_everyone_consented_to(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org)
    partner, secret = add_partner(org)
    consent(org.caseworker, case, partner)
    client = _coordinator(org)
    response = _share(client, case, partner)
    assert response.status_code == 302  # type: ignore[attr-defined]
    sent = SentBundle.objects.get()
    assert (sent.case, sent.partner, sent.kind, sent.status) == (case, partner, "referral", "sent")
    assert sent.override is None
    made = AuditEntry.objects.get(action="case.referred")
    assert made.details["bundle"] == str(sent.pk)
    assert made.details["parts"] == ["identity", "narrative"]
    page = html.unescape(client.get(f"/cases/{case.code}/consent/").content.decode())
    assert "Referral" in page
    assert sent.digest in page
    download = client.get(f"/cases/{case.code}/consent/sent/{sent.pk.hex}/bundle/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(f'attachment; filename="{case.code}-')
    assert download.content == bytes(sent.bundle)
    assert AuditEntry.objects.filter(action="case.bundle_downloaded").count() == 1
    content = _opened(download.content, secret)
    assert content.manifest.kind == "referral"
    assert content.manifest.sender_case == case.code
    assert content.manifest.recipient == "Refuge Nord"
    assert content.manifest.stage == "accepted"
    assert [c.person for c in content.manifest.consents] == [0, 1]
    assert not content.manifest.overridden
    names = [person.identity.name for person in content.people if person.identity]
    assert names == ["Zelim Daudov", "Kheda Daudova"]
    assert content.people[1].minor is True
    assert content.narrative == "They came at night.\n\nThey took my phone."
    assert [answer.question for answer in content.answers] == ["has_passport"]
    assert content.household_notes == "his sister travels with him"


@pytest.mark.parametrize("kind", ["referral", "transfer"])
def test_a_withdrawn_consent_refuses_the_share_again(
    org: Organisation, vault: Vault, kind: str
) -> None:
    our_key()
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    [given] = consent(org.caseworker, case, partner)
    client = _coordinator(org)
    assert _share(client, case, partner).status_code == 302  # type: ignore[attr-defined]
    withdraw_consent(given, on=timezone.localdate(), by=org.caseworker)
    response = _share(client, case, partner, kind=kind)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Zelim Daudov (the principal) withdrew their consent" in html.unescape(
        response.content.decode()  # type: ignore[attr-defined]
    )
    assert SentBundle.objects.count() == 1


def test_the_bundle_holds_only_what_consent_covers(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org)
    partner, secret = add_partner(org)
    consent(org.caseworker, case, partner, scope=["narrative"])
    client = _coordinator(org)
    refused = _share(client, case, partner)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "does not cover: who they are" in html.unescape(refused.content.decode())  # type: ignore[attr-defined]
    assert _share(client, case, partner, parts=("narrative",)).status_code == 302  # type: ignore[attr-defined]
    content = _opened(bytes(SentBundle.objects.get().bundle), secret)
    assert [person.identity for person in content.people] == [None, None]
    assert content.household_notes == ""
    assert content.narrative.startswith("They came at night.")
    assert content.manifest.parts == ["narrative"]


def test_an_override_shares_with_a_written_reason(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org)
    partner, secret = add_partner(org)
    consent(org.caseworker, case, partner, people=[0])
    client = _coordinator(org)
    response = _share(client, case, partner, reason="They raid the flat tonight.")
    assert response.status_code == 302  # type: ignore[attr-defined]
    sent = SentBundle.objects.get()
    assert sent.override is not None
    assert _opened(bytes(sent.bundle), secret).manifest.overridden
    overridden = AuditEntry.objects.get(action="case.consent_overridden")
    assert overridden.details["override"] == str(sent.override.pk)
    assert AuditEntry.objects.get(action="case.referred").details["override"] == str(
        sent.override.pk
    )
    page = html.unescape(client.get(f"/cases/{case.code}/consent/").content.decode())
    assert "consent overridden" in page


def test_a_flipped_byte_refuses_to_open(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org, members=0)
    partner, secret = add_partner(org)
    consent(org.caseworker, case, partner)
    with using_keyring(keyring_of(org.coordinator)):
        sent = referrals.share(
            case, partner, kind="referral", parts=["identity", "narrative"], by=org.coordinator
        )
    data = bytes(sent.bundle)
    assert sealing.open_bundle(secret, data).payload
    for position in range(len(data)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        with pytest.raises(sealing.BundleRefused):
            sealing.open_bundle(secret, bytes(altered))
    for cut in (0, 9, len(data) // 2, len(data) - 1):
        with pytest.raises(sealing.BundleRefused):
            sealing.open_bundle(secret, data[:cut])
    with pytest.raises(sealing.BundleRefused):
        sealing.open_bundle(secret, data + b"\x00")


def test_a_bundle_for_another_partner_cannot_be_opened(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    _other, other_secret = add_partner(org, "Rainbow Railroad")
    consent(org.caseworker, case, partner)
    with using_keyring(keyring_of(org.coordinator)):
        sent = referrals.share(
            case, partner, kind="referral", parts=["narrative"], by=org.coordinator
        )
    with pytest.raises(sealing.BundleRefused):
        sealing.open_bundle(other_secret, bytes(sent.bundle))


def test_a_transfer_is_handed_over_once_the_partner_accepts(
    org: Organisation, vault: Vault
) -> None:
    our_key()
    case = household(org, members=0)
    partner, secret = add_partner(org)
    other, _other_secret = add_partner(org, "Rainbow Railroad")
    consent(org.caseworker, case, partner)
    consent(org.caseworker, case, other)
    client = _coordinator(org)
    assert _share(client, case, partner, kind="transfer").status_code == 302  # type: ignore[attr-defined]
    sent = SentBundle.objects.get()
    assert _opened(bytes(sent.bundle), secret).manifest.kind == "transfer"
    assert AuditEntry.objects.filter(action="case.transfer_sent").count() == 1
    waiting = _share(client, case, other, kind="transfer")
    assert waiting.status_code == 400  # type: ignore[attr-defined]
    assert "waits for their answer" in html.unescape(waiting.content.decode())  # type: ignore[attr-defined]
    assert referrals.transferred_to(case) is None
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    early = client.post(
        f"/cases/{case.code}/consent/sent/{sent.pk.hex}/answer/",
        {
            f"answer-{sent.pk.hex}-answer": "accepted",
            f"answer-{sent.pk.hex}-answered_on": yesterday,
        },
    )
    assert early.status_code == 400  # before the bundle was made
    response = client.post(
        f"/cases/{case.code}/consent/sent/{sent.pk.hex}/answer/",
        {
            f"answer-{sent.pk.hex}-answer": "accepted",
            f"answer-{sent.pk.hex}-answered_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.answered_by) == ("accepted", org.coordinator)
    assert referrals.transferred_to(case) == sent
    case.refresh_from_db()
    assert case.stage == "closed"  # the case is theirs now
    closing = case.stage_changes.order_by("-number").first()
    assert closing is not None
    assert closing.to_stage == "closed"
    accepted = AuditEntry.objects.get(action="case.transfer_accepted")
    assert accepted.details == {"bundle": str(sent.pk), "partner": partner.pk}
    page = html.unescape(client.get(f"/cases/{case.code}/consent/").content.decode())
    assert "This case was transferred to Refuge Nord" in page
    assert "Make the bundle" not in page
    again = _share(client, case, other)
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert "it is theirs now" in html.unescape(again.content.decode())  # type: ignore[attr-defined]
    assert SentBundle.objects.count() == 1


def test_a_transfer_declined_stays_ours_and_is_answered_once(
    org: Organisation, vault: Vault
) -> None:
    our_key()
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner)
    with using_keyring(keyring_of(org.coordinator)):
        sent = referrals.share(
            case, partner, kind="transfer", parts=["narrative"], by=org.coordinator
        )
    referrals.answer_transfer(sent, accepted=False, on=timezone.localdate(), by=org.coordinator)
    client = _coordinator(org)
    response = client.post(
        f"/cases/{case.code}/consent/sent/{sent.pk.hex}/answer/",
        {
            f"answer-{sent.pk.hex}-answer": "accepted",
            f"answer-{sent.pk.hex}-answered_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "already recorded by someone else" in html.unescape(response.content.decode())
    sent.refresh_from_db()
    assert sent.status == "declined"
    assert referrals.transferred_to(case) is None
    case.refresh_from_db()
    assert case.stage == "accepted"
    assert AuditEntry.objects.filter(action="case.transfer_declined").count() == 1
    assert not AuditEntry.objects.filter(action="case.transfer_accepted").exists()


def test_nothing_is_sealed_to_a_key_nobody_checked_or_swapped(
    org: Organisation, vault: Vault
) -> None:
    our_key()
    case = household(org, members=0)
    unchecked, _secret = add_partner(org, checked=False)
    consent(org.caseworker, case, unchecked)
    client = _coordinator(org)
    page = html.unescape(client.get(f"/cases/{case.code}/consent/").content.decode())
    assert "No partner organisation's key has been checked with them yet" in page
    response = _share(client, case, unchecked)
    assert response.status_code == 400  # type: ignore[attr-defined]
    with (
        using_keyring(keyring_of(org.coordinator)),
        pytest.raises(referrals.ShareRefused, match="checked"),
    ):
        referrals.share(case, unchecked, kind="referral", parts=["narrative"], by=org.coordinator)
    checked, _checked_secret = add_partner(org, "Rainbow Railroad")
    consent(org.caseworker, case, checked)
    attacker = sealing.ExchangeSecret.generate().public
    PartnerOrganisation.objects.filter(pk=checked.pk).update(box_key=attacker.box)
    checked.refresh_from_db()
    with using_keyring(keyring_of(org.coordinator)), pytest.raises(Tampered):
        referrals.share(case, checked, kind="referral", parts=["narrative"], by=org.coordinator)
    response = _share(client, case, checked)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "not the one that was recorded" in html.unescape(response.content.decode())  # type: ignore[attr-defined]
    assert SentBundle.objects.count() == 0


def test_only_those_who_share_reach_bundles(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner)
    with using_keyring(keyring_of(org.coordinator)):
        sent = referrals.share(
            case, partner, kind="transfer", parts=["narrative"], by=org.coordinator
        )
    answer = {f"answer-{sent.pk.hex}-answer": "accepted"}
    for user in (org.outsider, org.caseworker):
        client = Client()
        sign_in(client, user)
        missing = client.get("/cases/C-NOPE99/consent/")
        for response in (
            client.get(f"/cases/{case.code}/consent/sent/{sent.pk.hex}/bundle/"),
            client.post(f"/cases/{case.code}/consent/sent/{sent.pk.hex}/answer/", answer),
            _share(client, case, partner),
        ):
            assert response.status_code == 404  # type: ignore[attr-defined]
            assert comparable(response) == comparable(missing)  # type: ignore[arg-type]
    client = _coordinator(org)
    nothing = client.get(f"/cases/{case.code}/consent/sent/{'0' * 32}/bundle/")
    assert nothing.status_code == 404
    assert comparable(nothing) == comparable(client.get("/cases/C-NOPE99/consent/"))
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert not AuditEntry.objects.filter(action="case.bundle_downloaded").exists()


def test_bad_input_is_shown_again_and_nothing_made(org: Organisation, vault: Vault) -> None:
    our_key()
    case = household(org, members=0)
    partner, _secret = add_partner(org)
    consent(org.caseworker, case, partner)
    client = _coordinator(org)
    for response, message in [
        (_share(client, case, partner, parts=()), "This field is required."),
        (_share(client, case, partner, kind="gift"), "Select a valid choice."),
        (
            client.post(f"/cases/{case.code}/consent/share/", {"share-partner": "999"}),
            "Select a valid choice.",
        ),
    ]:
        assert response.status_code == 400  # type: ignore[attr-defined]
        page = html.unescape(response.content.decode())  # type: ignore[attr-defined]
        assert message in page
        assert "Make the bundle" in page
    assert SentBundle.objects.count() == 0
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    page = html.unescape(_share(client, case, partner, parts=()).content.decode())  # type: ignore[attr-defined]
    assert "Обязательное поле." in page
