"""Need-to-know by cryptography: grants, revocation, password changes and
resets, and public keys the database cannot swap."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.accounts import actions
from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.vault import crypto, keys
from safepassage.vault.errors import NotInCompartment, Tampered, WrongPassword
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import CompartmentKey, KeyGrant
from tests.base import PASSWORD, Organisation, Vault, keyring_of, sign_in
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def test_an_outsider_cannot_open_a_compartment_even_with_the_database(
    org: Organisation, vault: Vault
) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Amina")
    outsider_private = keys.unlock_user_key(org.outsider.pk, PASSWORD)
    # Every grant in the database, tried with the outsider's private key.
    opened = 0
    for grant in KeyGrant.objects.exclude(user=org.outsider):
        with pytest.raises(Tampered):
            crypto.open_sealed(outsider_private, bytes(grant.wrapped))
    for grant in KeyGrant.objects.filter(user=org.outsider):
        crypto.open_sealed(outsider_private, bytes(grant.wrapped))
        opened += 1
    assert opened == 1  # documentation only
    with using_keyring(keyring_of(org.outsider)), pytest.raises(NotInCompartment):
        _ = Specimen.objects.get(pk=row.pk).name


def test_a_user_key_needs_the_password(org: Organisation, vault: Vault) -> None:
    with pytest.raises(WrongPassword):
        keys.unlock_user_key(org.caseworker.pk, "not the password")


def test_a_member_grants_a_compartment_from_the_vault_page(
    org: Organisation, vault: Vault, client: Client
) -> None:
    sign_in(client, org.coordinator)
    page = client.get("/vault/").content.decode()
    assert "You hold this compartment." in page
    response = client.post("/vault/intake/grant/", {"intake-user": org.caseworker.pk})
    assert response.status_code == 302
    assert keyring_of(org.caseworker).holds("intake")
    entry = AuditEntry.objects.filter(action="vault.granted").last()
    assert entry is not None
    assert entry.details == {"compartment": "intake", "versions": 1}


def test_only_a_holder_can_grant(org: Organisation, vault: Vault, client: Client) -> None:
    # The coordinator may manage compartments but does not hold documentation.
    sign_in(client, org.coordinator)
    response = client.post("/vault/documentation/grant/", {"documentation-user": org.caseworker.pk})
    assert response.status_code == 404
    assert not keyring_of(org.caseworker).holds("documentation")


def test_a_role_without_the_permission_cannot_grant(
    org: Organisation, vault: Vault, client: Client
) -> None:
    sign_in(client, org.caseworker)
    response = client.post("/vault/identity/grant/", {"identity-user": org.outsider.pk})
    assert response.status_code == 404
    assert client.post("/vault/nowhere/grant/", {}).status_code == 404


def test_revoking_ends_the_members_sessions(org: Organisation, vault: Vault) -> None:
    member, coordinator = Client(), Client()
    sign_in(member, org.caseworker)
    sign_in(coordinator, org.coordinator)
    response = coordinator.post(f"/vault/identity/revoke/{org.caseworker.pk}/")
    assert response.status_code == 302
    assert not keyring_of(org.caseworker).holds("identity")
    assert member.get("/").status_code == 302  # logged out
    assert AuditEntry.objects.filter(action="vault.revoked").count() == 1


def test_a_password_change_rewraps_the_key_and_keeps_access(
    org: Organisation, vault: Vault, client: Client
) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Amina")
    before = bytes(org.caseworker.vault_key.public_key)
    sign_in(client, org.caseworker)
    new = "lantern meadow copper river"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    org.caseworker.vault_key.refresh_from_db()
    assert bytes(org.caseworker.vault_key.public_key) != before
    with pytest.raises(WrongPassword):
        keys.unlock_user_key(org.caseworker.pk, PASSWORD)
    with using_keyring(keyring_of(org.caseworker, new)):
        assert Specimen.objects.get(pk=row.pk).name == "Amina"


def test_a_reset_leaves_no_compartments_and_loses_no_data(org: Organisation, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Amina")
    temporary = actions.reset_password(org.caseworker, by=org.admin)
    assert keyring_of(org.caseworker, temporary).compartments() == set()
    entry = AuditEntry.objects.get(action="staff.password_reset")
    assert entry.details == {"grants_lost": 2}
    # Another member still reads; a member grants again.
    coordinator_keys = keyring_of(org.coordinator)
    with using_keyring(coordinator_keys):
        assert Specimen.objects.get(pk=row.pk).name == "Amina"
    keys.grant(coordinator_keys, "identity", org.caseworker.pk, by=org.coordinator)
    with using_keyring(keyring_of(org.caseworker, temporary)):
        assert Specimen.objects.get(pk=row.pk).name == "Amina"


def test_a_swapped_compartment_public_key_is_refused(org: Organisation, vault: Vault) -> None:
    attacker = crypto.new_key_pair()
    CompartmentKey.objects.filter(compartment="intake").update(public_key=attacker.public)
    with pytest.raises(Tampered):
        Specimen.objects.create(request={"help": "please"})


def test_a_swapped_user_public_key_is_refused(org: Organisation, vault: Vault) -> None:
    attacker = crypto.new_key_pair()
    org.outsider.vault_key.public_key = attacker.public
    org.outsider.vault_key.save()
    with pytest.raises(Tampered):
        keys.grant(vault.keyring, "identity", org.outsider.pk, by="cli")


def test_keys_appear_at_login_and_not_before(org: Organisation, vault: Vault) -> None:
    client = Client()
    client.post("/login/", {"username": "case", "password": PASSWORD})
    assert "sp_vault" in client.cookies
    session = client.session
    assert "sp_vault_pending" in session
    assert "sp_vault" not in session


def test_the_session_table_alone_opens_nothing(org: Organisation, vault: Vault) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.test import RequestFactory

    from safepassage.vault import session as vault_session

    client = Client()
    sign_in(client, org.caseworker)
    stored = Session.objects.get()
    raw = stored.session_data.encode()
    for bundle in keyring_of(org.caseworker).bundles():
        for secret in (bundle.data_key, bundle.private_key):
            assert secret not in raw
            assert secret.hex().encode() not in raw

    def load(cookie: str | None) -> object:
        request = RequestFactory().get("/")
        request.user = org.caseworker
        request.session = SessionStore(session_key=stored.session_key)
        if cookie is not None:
            request.COOKIES[vault_session.COOKIE] = cookie
        return vault_session.load(request)

    assert load(None) is None
    assert load("AAAA" * 11) is None  # a guessed cookie
    keyring = load(client.cookies[vault_session.COOKIE].value)
    assert keyring is not None
    assert keyring.compartments() == {"identity", "casework"}


def test_staff_log_in_with_their_e_mail_address(org: Organisation, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        actions.set_identity(org.caseworker, name="Amina K", email="Amina@Example.org", by="cli")
    client = Client()
    response = client.post("/login/", {"username": "amina@example.org", "password": PASSWORD})
    assert response["Location"] == "/login/code/"
    assert User.objects.filter(username="case").exists()


def test_the_dashboard_says_which_compartments_one_holds(
    org: Organisation, vault: Vault, client: Client
) -> None:
    sign_in(client, org.caseworker)
    html = client.get("/").content.decode()
    assert "Identity (names, contacts, places, travel); Casework" in html
    sign_in(client, org.auditor)
    assert "Compartments you hold:\n    none" in client.get("/").content.decode()
