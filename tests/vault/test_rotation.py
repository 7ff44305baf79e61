"""Key rotation: interrupted half-way and resumed, every value still opens
and nothing is lost; the old version goes when nothing uses it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from safepassage.audit.models import AuditEntry
from safepassage.vault import keys, rotation
from safepassage.vault.fields import Ciphertext
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import CompartmentKey, RotationJob
from safepassage.vault.search import search
from tests.base import Organisation, Vault, keyring_of
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db

NAMES = [f"Person {n} Магомедов" for n in range(23)]


@pytest.fixture
def rows(vault: Vault) -> list[Specimen]:
    with using_keyring(vault.keyring):
        return [
            Specimen.objects.create(name=name, contact=f"+7928000{n:04d}", story=f"story {n}")
            for n, name in enumerate(NAMES)
        ]


def _versions(field: str) -> set[int]:
    return {Ciphertext(bytes(v)).version for v in Specimen.objects.values_list(field, flat=True)}


def _all_open(keyring: object) -> None:
    with using_keyring(keyring):  # type: ignore[arg-type]
        loaded = {row.pk: row for row in Specimen.objects.all()}
        assert sorted(row.name for row in loaded.values()) == sorted(NAMES)
        assert all(row.story.startswith("story ") for row in loaded.values())


def test_an_interrupted_rotation_resumes_and_loses_nothing(
    org: Organisation, vault: Vault, rows: list[Specimen]
) -> None:
    recovered = keys.recover(vault.shares[:2])
    job = rotation.rotate(recovered, "identity", by="recovery", batch_size=5, max_batches=2)
    assert job.finished is None
    # Half-way: old and new versions side by side, and every value opens,
    # for members and for the custodians.
    assert _versions("name") == {1, 2}
    _all_open(keyring_of(org.coordinator))
    _all_open(keys.recover(vault.shares[1:]))
    # New writes use the new version at once.
    with using_keyring(keyring_of(org.coordinator)):
        extra = Specimen.objects.create(name="written during rotation")
    assert (
        Ciphertext(bytes(Specimen.objects.values_list("name", flat=True).get(pk=extra.pk))).version
        == 2
    )
    extra.delete()
    job = rotation.rotate(keys.recover(vault.shares[:2]), "identity", by="recovery", batch_size=5)
    assert job.finished is not None
    assert _versions("name") == {2}
    assert _versions("contact") == {2}
    assert set(
        CompartmentKey.objects.filter(compartment="identity").values_list("version", flat=True)
    ) == {2}
    _all_open(keyring_of(org.coordinator))
    _all_open(keyring_of(org.caseworker))
    # The blind index survives rotation.
    from safepassage.vault.fields import blind_index

    with using_keyring(keyring_of(org.caseworker)):
        index = blind_index(Specimen, "contact_index", "+79280000007")
        assert Specimen.objects.get(contact_index=index).name == NAMES[7]
        # So does the search directory.
        found = search(Specimen, "name", "Person 7 Magomedov", limit=1)
        assert found[0][0] == str(rows[7].pk)
    entry = AuditEntry.objects.get(action="vault.rotation_finished")
    assert entry.details["removed_versions"] == [1]


def test_other_compartments_are_untouched(vault: Vault, rows: list[Specimen]) -> None:
    rotation.rotate(keys.recover(vault.shares[:2]), "identity", by="recovery")
    assert _versions("story") == {1}


def test_the_command_pauses_and_resumes(
    vault: Vault, rows: list[Specimen], monkeypatch: pytest.MonkeyPatch
) -> None:
    shares = "\n".join(vault.shares[:2]) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(shares))
    out = io.StringIO()
    call_command("keys", "rotate", "casework", "--batch-size", "10", "--batches", "1", stdout=out)
    assert "Paused: 10 values re-encrypted so far" in out.getvalue()
    assert RotationJob.objects.get().finished is None
    monkeypatch.setattr("sys.stdin", io.StringIO(shares))
    out = io.StringIO()
    call_command("keys", "rotate", "casework", stdout=out)
    assert "casework now uses key version 2; 23 values re-encrypted" in out.getvalue()
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    assert "casework       v2 (current)" in status.getvalue()


def test_rotation_moves_every_value_to_the_cipher_in_use(vault: Vault) -> None:
    with using_keyring(vault.keyring), override_settings(VAULT_CIPHER="xchacha20poly1305"):
        for n, name in enumerate(NAMES):
            Specimen.objects.create(name=name, story=f"story {n}")
    assert {bytes(v)[2] for v in Specimen.objects.values_list("name_sealed", flat=True)} == {1}
    recovered = keys.recover(vault.shares[:2])
    with override_settings(VAULT_CIPHER="aegis256"):
        rotation.rotate(recovered, "identity", by="recovery", batch_size=5)
        rotation.rotate(recovered, "casework", by="recovery", batch_size=5)
    for field in ("name_sealed", "story_sealed"):
        stored = [bytes(v) for v in Specimen.objects.values_list(field, flat=True)]
        assert {value[2] for value in stored} == {3}  # AEGIS-256 with the data key
    _all_open(recovered)
