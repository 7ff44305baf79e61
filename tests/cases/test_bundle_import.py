"""Bundles received: a partner's bundle opens with our partner key, only if
a partner whose key someone checked signed it, and becomes a new case in
"received" with the people and the story it holds; anything else is
refused, audited, and stores nothing."""

from __future__ import annotations

import html
import io
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import bundles, referrals
from safepassage.cases.models import Case, Person, ReceivedBundle
from safepassage.cases.opening import Answer, Contact, Identity
from safepassage.vault import bundles as sealing
from safepassage.vault import exchange, keys
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, Organisation, Vault, keyring_of, make_user, sign_in
from tests.cases.sharing import add_partner, our_key

pytestmark = pytest.mark.django_db


def content(*, kind: str = "referral", principals: int = 1) -> bundles.Content:
    people = [
        bundles.BundlePerson(
            role="principal",
            position=0,
            identity=Identity(name="Aslan", contacts=[Contact("telegram", "@aslan_k")]),
        ),
        bundles.BundlePerson(
            role="principal" if principals > 1 else "member",
            position=1,
            minor=True,
            identity=Identity(name="Madina", relationship="daughter"),
        ),
        bundles.BundlePerson(role="member", position=2),
    ]
    return bundles.Content(
        manifest=bundles.Manifest(
            format=1,
            bundle="5" * 32,
            kind=kind,
            made=timezone.now().isoformat(),
            sender="Refuge Nord",
            sender_case="C-7KQ2XM",
            recipient="Us",
            stage="in_safe_house",
            parts=["identity", "narrative"],
            people=3,
        ),
        people=people,
        household_notes="a daughter and a cousin",
        narrative="Detained in February.\n\nReleased after a week.",
        answers=[Answer("has_passport", ["no"])],
    )


def from_partner(secret: sealing.ExchangeSecret, made: bundles.Content | bytes) -> bytes:
    ours = exchange.own_key()
    assert ours is not None
    payload = made if isinstance(made, bytes) else bundles.encode(made)
    return sealing.seal_bundle_for(ours, payload, secret)


def _upload(client: Client, data: bytes) -> object:
    return client.post("/cases/import/", {"bundle": SimpleUploadedFile("x.spbundle", data)})


def _coordinator(org: Organisation) -> Client:
    client = Client()
    sign_in(client, org.coordinator)
    return client


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_it_opens_a_partners_bundle_as_a_new_case(org: Organisation, vault: Vault) -> None:
    our_key()
    partner, secret = add_partner(org)
    client = _coordinator(org)
    response = _upload(client, from_partner(secret, content()))
    received = ReceivedBundle.objects.get()
    case = received.case
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response.url == f"/cases/{case.code}/"  # type: ignore[attr-defined]
    assert (received.partner, received.kind, received.their_code) == (
        partner,
        "referral",
        "C-7KQ2XM",
    )
    assert received.their_stage == "in_safe_house"
    assert received.imported_by == org.coordinator
    assert case.stage == "received"
    assert case.opened_from == "bundle:" + "5" * 32
    people = list(Person.objects.filter(case=case).order_by("position"))
    assert [p.role for p in people] == ["principal", "member", "member"]
    assert [p.minor for p in people] == [None, True, None]
    with using_keyring(keyring_of(org.coordinator)):
        assert [p.identity.name for p in people] == ["Aslan", "Madina", ""]
        assert people[0].identity.handles() == ["@aslan_k"]
        case.refresh_from_db()
        assert case.narrative == "Detained in February.\n\nReleased after a week."
        assert case.household_notes == "a daughter and a cousin"
        assert case.answers == [Answer("has_passport", ["no"])]
    imported = AuditEntry.objects.get(action="case.bundle_imported")
    assert imported.target == f"case:{case.pk}"
    assert imported.details["partner"] == partner.pk
    assert AuditEntry.objects.filter(action="case.opened", target=f"case:{case.pk}").exists()
    page = _text(client.get(f"/cases/{case.code}/consent/"))
    assert "Referred to us by Refuge Nord (their case C-7KQ2XM)" in page


def test_the_same_bundle_opens_once(org: Organisation, vault: Vault) -> None:
    our_key()
    _partner, secret = add_partner(org)
    data = from_partner(secret, content(kind="transfer"))
    client = _coordinator(org)
    assert _upload(client, data).status_code == 302  # type: ignore[attr-defined]
    again = _upload(client, data)
    assert again.status_code == 400  # type: ignore[attr-defined]
    code = Case.objects.get().code
    assert f"This bundle was already opened, as case {code}." in _text(again)
    assert Case.objects.count() == 1
    refused = AuditEntry.objects.get(action="case.bundle_refused")
    assert refused.details == {"refusal": "duplicate"}
    assert refused.outcome == "denied"


def test_a_bundle_not_signed_by_a_checked_partner_is_refused(
    org: Organisation, vault: Vault
) -> None:
    our_key()
    stranger = sealing.ExchangeSecret.generate()
    client = _coordinator(org)
    response = _upload(client, from_partner(stranger, content()))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "not among your partners" in _text(response)
    _partner, unchecked = add_partner(org, checked=False)
    response = _upload(client, from_partner(unchecked, content()))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert Case.objects.count() == 0
    assert ReceivedBundle.objects.count() == 0
    assert [e.details for e in AuditEntry.objects.filter(action="case.bundle_refused")] == [
        {"refusal": "unknown_sender"},
        {"refusal": "unknown_sender"},
    ]


def test_an_altered_bundle_or_one_for_another_organisation_is_refused(
    org: Organisation, vault: Vault
) -> None:
    our_key()
    _partner, secret = add_partner(org)
    data = bytearray(from_partner(secret, content()))
    data[len(data) // 2] ^= 0x40
    elsewhere = sealing.seal_bundle_for(
        sealing.ExchangeSecret.generate().public, bundles.encode(content()), secret
    )
    client = _coordinator(org)
    for sent in (bytes(data), elsewhere, b"", b"%PDF-1.7 not a bundle"):
        response = _upload(client, sent)
        assert response.status_code == 400  # type: ignore[attr-defined]
        page = _text(response)
        assert "cannot be opened with your organisation's partner key" in page or (
            "The submitted file is empty." in page
        )
    assert Case.objects.count() == 0


def test_a_bundle_this_version_cannot_read_is_refused(org: Organisation, vault: Vault) -> None:
    our_key()
    _partner, secret = add_partner(org)
    client = _coordinator(org)
    for payload in (b"{not json", bundles.encode(content(principals=2))):
        response = _upload(client, from_partner(secret, payload))
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "cannot read" in _text(response)
    with pytest.raises(referrals.ImportRefused, match="far too large"):
        referrals.import_bundle(b"\x00" * (referrals.BUNDLE_MAX_BYTES + 1), by=org.coordinator)
    assert Case.objects.count() == 0


def test_opening_a_bundle_needs_identitys_keys(org: Organisation, vault: Vault) -> None:
    our_key()
    _partner, secret = add_partner(org)
    other = make_user("coord2", Role.COORDINATOR, teams=(org.team,))
    keys.grant(vault.keyring, "intake", other.pk, by="cli")
    client = Client()
    sign_in(client, other)
    response = _upload(client, from_partner(secret, content()))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "needs the keys of the identity compartment" in _text(response)
    assert Case.objects.count() == 0


def test_the_page_gives_our_key_to_those_who_import(org: Organisation, vault: Vault) -> None:
    client = _coordinator(org)
    assert "no partner key yet" in _text(client.get("/cases/import/"))
    our_key()
    key = exchange.own_key()
    assert key is not None
    page = _text(client.get("/cases/import/"))
    assert sealing.partner_key_text(key) in page
    assert sealing.fingerprint(key) in page
    for user in (org.caseworker, org.outsider, org.admin):
        other = Client()
        sign_in(other, user)
        assert other.get("/cases/import/").status_code == 404


def test_the_command_line_opens_a_bundle(
    org: Organisation, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    our_key()
    _partner, secret = add_partner(org)
    path = tmp_path / "from-refuge.spbundle"
    path.write_bytes(from_partner(secret, content()))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    call_command("cases", "import-bundle", str(path), "--as", "coord", stdout=out)
    code = Case.objects.get().code
    assert out.getvalue().strip() == f"Opened as case {code} (3 people), referral from Refuge Nord."
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="already opened"):
        call_command("cases", "import-bundle", str(path), "--as", "coord")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="may not import"):
        call_command("cases", "import-bundle", str(path), "--as", "case")


def test_our_partner_key_is_pinned_and_sealed_to_identity(org: Organisation, vault: Vault) -> None:
    from safepassage.vault.errors import NotInCompartment, Tampered, VaultSealed
    from safepassage.vault.models import ExchangeKey

    public = exchange.make_key(by="cli")
    stored = ExchangeKey.objects.get()
    assert bytes(stored.box_public) == public.box
    with pytest.raises(VaultSealed):
        exchange.own_secrets()
    with using_keyring(keyring_of(org.outsider)), pytest.raises(NotInCompartment):
        exchange.own_secrets()
    with using_keyring(keyring_of(org.caseworker)):
        assert [secret.public for secret in exchange.own_secrets()] == [public]
    newer = exchange.make_key(by="cli")
    assert exchange.own_key() == newer
    with using_keyring(keyring_of(org.caseworker)):
        assert [s.public for s in exchange.own_secrets()] == [newer, public]
    ExchangeKey.objects.filter(current=True).update(box_public=public.box)
    with pytest.raises(Tampered):
        exchange.own_key()
