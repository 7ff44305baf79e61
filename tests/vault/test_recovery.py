"""Custodian recovery: K of N shares recover every compartment, fewer or
wrong shares give a clear error."""

from __future__ import annotations

import io
import re

import pytest
import shamir_mnemonic
from django.core.management import CommandError, call_command

from safepassage.audit.models import AuditEntry
from safepassage.vault import keys
from safepassage.vault.errors import RecoveryFailed, VaultError
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def test_any_k_of_n_shares_recover(vault: Vault) -> None:
    for pair in ([0, 1], [1, 2], [2, 0]):
        keyring = keys.recover([vault.shares[i] for i in pair])
        assert keyring.compartments() == {
            "intake",
            "identity",
            "casework",
            "documentation",
            "staff",
        }


def test_k_minus_one_shares_do_not(vault: Vault) -> None:
    with pytest.raises(RecoveryFailed, match="2 shares are needed, 1 were given"):
        keys.recover(vault.shares[:1])


def test_a_mistyped_share_is_named_as_such(vault: Vault) -> None:
    words = vault.shares[0].split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    with pytest.raises(RecoveryFailed, match="do not combine"):
        keys.recover([" ".join(words), vault.shares[1]])


def test_shares_of_another_ceremony_are_refused(vault: Vault) -> None:
    foreign = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], b"\x01" * 32)[0]
    with pytest.raises(RecoveryFailed, match="another recovery key"):
        keys.recover(foreign[:2])


def test_the_ceremony_happens_once(vault: Vault) -> None:
    with pytest.raises(VaultError, match="already held"):
        keys.hold_ceremony(custodians=3, threshold=2)


def test_the_ceremony_command_prints_the_shares_once(org: Organisation) -> None:
    out = io.StringIO()
    call_command(
        "keys", "init", "--custodians", "5", "--threshold", "3", "--grant", "admin", stdout=out
    )
    shares = re.findall(r"Share \d:\n  ([a-z ]+)\n", out.getvalue())
    assert len(shares) == 5
    assert keys.recover(shares[2:]).compartments()
    assert keyring_of(org.admin).holds("staff")
    entry = AuditEntry.objects.get(action="vault.ceremony_held")
    assert entry.details == {"threshold": 3, "custodians": 5, "granted": [org.admin.pk]}


def test_custodians_grant_a_compartment_to_someone(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(story="what happened")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(vault.shares[1:]) + "\n"))
    out = io.StringIO()
    call_command("keys", "recover", "--user", "outsider", "--compartment", "casework", stdout=out)
    assert "Granted casework" in out.getvalue()
    with using_keyring(keyring_of(org.outsider)):
        assert Specimen.objects.get(pk=row.pk).story == "what happened"


def test_the_recover_command_explains_too_few_shares(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(vault.shares[0] + "\n"))
    with pytest.raises(CommandError, match="2 shares are needed"):
        call_command("keys", "recover", "--user", "outsider", "--compartment", "casework")
