"""Partner organisations: reference data administrators keep (each change
audited), their keys read from the text a partner gives, a fingerprint
to check with them by phone, and nothing sealed to a key until someone
says they did."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.cases.models import PartnerOrganisation
from safepassage.vault import bundles
from tests.base import Organisation, Vault, comparable, sign_in
from tests.cases.sharing import add_partner, our_key

pytestmark = pytest.mark.django_db


def _admin(org: Organisation) -> Client:
    client = Client()
    sign_in(client, org.admin)
    return client


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_an_administrator_adds_a_partner_and_checks_its_key(
    org: Organisation, vault: Vault
) -> None:
    secret = bundles.ExchangeSecret.generate()
    text = bundles.partner_key_text(secret.public)
    client = _admin(org)
    response = client.post(
        "/cases/partners/new/",
        {"name": " Refuge  Nord ", "contact": "office@refuge.example", "public_key": text},
    )
    assert response.status_code == 302
    partner = PartnerOrganisation.objects.get()
    assert partner.name == "Refuge Nord"
    assert bytes(partner.box_key) == secret.public.box
    assert bytes(partner.verify_key) == secret.public.verify
    assert not partner.verified
    assert AuditEntry.objects.get(action="partner.added").target == (
        f"partnerorganisation:{partner.pk}"
    )
    fingerprint = bundles.fingerprint(secret.public)
    page = _text(client.get("/cases/partners/"))
    assert fingerprint in page
    assert "not yet" in page
    response = client.post(f"/cases/partners/{partner.pk}/verify/", {"version": partner.version})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.verified_by, partner.verified) == (org.admin, True)
    checked = AuditEntry.objects.get(action="partner.verified")
    assert checked.details == {"key": fingerprint.replace(" ", "")}


def test_a_partner_key_is_read_in_either_form(org: Organisation, vault: Vault) -> None:
    secret = bundles.ExchangeSecret.generate()
    full = bundles.partner_key_text(secret.public)
    assert full.startswith("spk1:")
    assert bundles.parse_partner_key("  " + full[:20] + "\n" + full[20:]) == secret.public
    alone = bundles.PartnerKey(secret.public.box)
    assert bundles.parse_partner_key(bundles.partner_key_text(alone)) == alone
    assert bundles.fingerprint(secret.public) != bundles.fingerprint(alone)
    low_order = bundles.partner_key_text(bundles.PartnerKey(bytes(32)))
    for wrong in ("", "hello", "spk1:" + "A" * 40, full[:-4], "A" * 44, "spk1:" + full, low_order):
        with pytest.raises(bundles.BadPartnerKey):
            bundles.parse_partner_key(wrong)


def test_bad_input_is_shown_again_and_nothing_saved(org: Organisation, vault: Vault) -> None:
    add_partner(org)
    client = _admin(org)
    key = bundles.partner_key_text(bundles.ExchangeSecret.generate().public)
    for data, message in [
        ({"name": "Other", "public_key": "not a key"}, "This is not a partner key."),
        ({"name": "refuge nord", "public_key": key}, "already listed"),
        ({"name": "", "public_key": key}, "This field is required."),
    ]:
        response = client.post("/cases/partners/new/", data)
        assert response.status_code == 400
        assert message in _text(response)
    assert PartnerOrganisation.objects.count() == 1


def test_a_new_key_must_be_checked_again(org: Organisation, vault: Vault) -> None:
    partner, _secret = add_partner(org)
    assert partner.verified
    fresh = bundles.partner_key_text(bundles.ExchangeSecret.generate().public)
    response = _admin(org).post(
        f"/cases/partners/{partner.pk}/",
        {
            "name": partner.name,
            "contact": partner.contact,
            "public_key": fresh,
            "active": "on",
            "version": partner.version,
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert not partner.verified
    assert partner.public_key == fresh
    changed = AuditEntry.objects.get(action="partner.changed")
    assert changed.details["changed"] == ["public_key"]


def test_two_administrators_do_not_overwrite_each_other(org: Organisation, vault: Vault) -> None:
    partner, _secret = add_partner(org)
    seen = partner.version
    data = {
        "name": partner.name,
        "contact": "new@refuge.example",
        "public_key": partner.public_key,
        "active": "on",
        "version": seen,
    }
    client = _admin(org)
    assert client.post(f"/cases/partners/{partner.pk}/", data).status_code == 302
    stale = client.post(f"/cases/partners/{partner.pk}/", {**data, "contact": "old@x.example"})
    assert stale.status_code == 400
    assert "Someone else changed this partner organisation" in _text(stale)
    assert "new@refuge.example" in _text(stale)  # shown as it is now
    partner.refresh_from_db()
    assert partner.contact == "new@refuge.example"
    stale_check = client.post(f"/cases/partners/{partner.pk}/verify/", {"version": seen})
    assert stale_check.status_code == 302
    assert AuditEntry.objects.filter(action="partner.verified").count() == 1  # add_partner's


def test_only_administrators_keep_the_list(org: Organisation, vault: Vault) -> None:
    partner, _secret = add_partner(org)
    our_key()
    coordinator = Client()
    sign_in(coordinator, org.coordinator)
    page = _text(coordinator.get("/cases/partners/"))  # those who share read it
    assert "Refuge Nord" in page
    assert "Add a partner organisation" not in page
    assert "Our partner key" in page
    for user in (org.coordinator, org.caseworker, org.outsider):
        client = Client()
        sign_in(client, user)
        missing = client.get("/cases/partners/999999/")
        assert missing.status_code == 404
        for response in (
            client.get(f"/cases/partners/{partner.pk}/"),
            client.get("/cases/partners/new/"),
            client.post(f"/cases/partners/{partner.pk}/verify/", {"version": partner.version}),
        ):
            assert response.status_code == 404
            assert comparable(response) == comparable(missing)
    caseworker = Client()
    sign_in(caseworker, org.caseworker)
    assert caseworker.get("/cases/partners/").status_code == 404
    assert _admin(org).get("/cases/partners/999999/").status_code == 404
