"""Encrypted fields: round trips, binding to their place, failing closed."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.vault import crypto, fields
from safepassage.vault.errors import NotInCompartment, Tampered, VaultError, VaultSealed
from safepassage.vault.fields import blind_index
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["aegis256", "xchacha20poly1305"])
def cipher(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test here runs with new values sealed by each AEAD."""
    with override_settings(VAULT_CIPHER=request.param):
        yield request.param


def _raw(row: Specimen, field: str) -> bytes:
    return bytes(Specimen.objects.filter(pk=row.pk).values_list(field, flat=True).get())


def _reload(row: Specimen) -> Specimen:
    return Specimen.objects.get(pk=row.pk)


def test_it_stores_ciphertext_and_reads_plaintext(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(
            name="Амина Кадырова", story="taken at night", details={"safe": True, "n": [1, 2]}
        )
        loaded = _reload(row)
        assert "name" not in loaded.__dict__  # opened only when read
        assert loaded.name_sealed.startswith(b"SP")
        assert loaded.name == "Амина Кадырова"
        assert loaded.story == "taken at night"
        assert loaded.details == {"safe": True, "n": [1, 2]}
    raw = _raw(row, "name")
    assert "Амина".encode() not in raw
    assert raw.startswith(b"SP")


def test_lengths_are_padded(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        short = Specimen.objects.create(name="Al")
        longer = Specimen.objects.create(name="Alexandra")
    assert len(_raw(short, "name")) == len(_raw(longer, "name"))


def test_a_ciphertext_moved_to_another_row_fails(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        first = Specimen.objects.create(name="first person")
        second = Specimen.objects.create(name="second person")
    Specimen.objects.filter(pk=second.pk).update(name=_raw(first, "name"))
    with using_keyring(vault.keyring), pytest.raises(Tampered):
        _ = _reload(second).name


def test_a_ciphertext_moved_to_another_column_fails(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="a name", contact="+7 900 000 00 00")
    Specimen.objects.filter(pk=row.pk).update(contact=_raw(row, "name"))
    with using_keyring(vault.keyring), pytest.raises(Tampered):
        _ = _reload(row).contact


def test_a_ciphertext_moved_to_another_compartment_fails(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="a name", story="a story")
    Specimen.objects.filter(pk=row.pk).update(story=_raw(row, "name"))
    with using_keyring(vault.keyring), pytest.raises(Tampered):
        _ = _reload(row).story


@pytest.mark.parametrize("position", [0, 5, 12, 40, -1])
def test_a_flipped_byte_fails(vault: Vault, position: int) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
    raw = bytearray(_raw(row, "name"))
    raw[position] ^= 0x01
    Specimen.objects.filter(pk=row.pk).update(name=bytes(raw))
    with using_keyring(vault.keyring), pytest.raises(Tampered):
        _ = _reload(row).name


def test_a_truncated_ciphertext_fails(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
    Specimen.objects.filter(pk=row.pk).update(name=_raw(row, "name")[:20])
    with using_keyring(vault.keyring), pytest.raises(Tampered):
        _ = _reload(row).name


def test_reading_without_keys_is_refused(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
    loaded = _reload(row)
    with pytest.raises(VaultSealed):
        _ = loaded.name


def test_writing_without_keys_is_refused(vault: Vault) -> None:
    with pytest.raises(VaultSealed):
        Specimen.objects.create(name="someone")


def test_a_user_reads_only_their_compartments(org: Organisation, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone", story="what happened")
    with using_keyring(keyring_of(org.caseworker)):
        loaded = _reload(row)
        assert loaded.name == "someone"
    with using_keyring(keyring_of(org.outsider)):
        loaded = _reload(row)
        with pytest.raises(NotInCompartment):
            _ = loaded.name
        with pytest.raises(NotInCompartment):
            _ = loaded.story


def test_plaintext_never_reaches_the_database_another_way(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
        with pytest.raises(VaultError):
            Specimen.objects.filter(pk=row.pk).update(name="in clear")
        with pytest.raises(VaultError):
            list(Specimen.objects.filter(name="someone"))


def test_the_public_can_write_to_a_public_field_without_keys(
    org: Organisation, vault: Vault
) -> None:
    row = Specimen.objects.create(request={"help": "please", "where": "Grozny"})
    raw = _raw(row, "request")
    assert b"Grozny" not in raw
    with using_keyring(keyring_of(org.coordinator)):
        assert _reload(row).request == {"help": "please", "where": "Grozny"}
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(NotInCompartment):
        _ = _reload(row).request


def test_saving_an_unread_row_keeps_its_ciphertext(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
    before = _raw(row, "name")
    loaded = _reload(row)
    loaded.label = "changed"
    loaded.save()  # no keys needed: the encrypted value was not touched
    assert _raw(row, "name") == before


def test_blind_index_finds_the_same_contact_written_differently(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(contact="+7 (928) 000-11-22")
        Specimen.objects.create(contact="+7 928 999 99 99")
        index = blind_index(Specimen, "contact_index", "+79280001122")
    assert list(Specimen.objects.filter(contact_index=index)) == [row]
    assert "9280001122" not in index


def test_blind_indexes_differ_between_fields_and_installations(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        first = blind_index(Specimen, "contact_index", "@amina")
    assert len(first) == 32
    # The index key comes from the compartment: another ceremony, another index.
    from safepassage.vault.keyring import Bundle, Keyring

    other = Keyring([Bundle.generate("identity", 1)])
    with using_keyring(other):
        assert blind_index(Specimen, "contact_index", "@amina") != first


def test_the_table_holds_no_plaintext(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        Specimen.objects.create(name="Zelimkhan Sentinel", contact="@zelim_sentinel")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM specimens_specimen")
        rows = cursor.fetchall()
    flat = b"".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        for row in rows
        for v in row
    )
    assert b"Sentinel" not in flat
    assert b"zelim" not in flat


text = st.text(max_size=2000)
json_values = st.recursive(
    # Integers of any size and floats of any kind, infinities among them:
    # what json.dumps writes must come back exactly, whichever decoder reads it.
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=text, details=json_values)
def test_any_value_round_trips(vault: Vault, name: str, details: object) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name=name, details=details)
        loaded = _reload(row)
        assert loaded.name == name
        assert loaded.details == details
        (opened,) = Specimen.objects.filter(pk=row.pk).opened()  # the batch path
        assert (opened.name, opened.details) == (name, details)


def test_json_beyond_what_strict_decoders_read_round_trips(vault: Vault) -> None:
    details = {"big": 2**200, "negative": -(2**70), "nan": float("nan"), "inf": float("-inf")}
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(details=details)
        for loaded in (_reload(row), *Specimen.objects.filter(pk=row.pk).opened()):
            assert loaded.details["big"] == 2**200
            assert type(loaded.details["big"]) is int
            assert loaded.details["negative"] == -(2**70)
            assert math.isnan(loaded.details["nan"])
            assert loaded.details["inf"] == float("-inf")


def test_a_deferred_value_is_loaded_when_read(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone", story="what happened")
        loaded = Specimen.objects.only("label").get(pk=row.pk)
        assert loaded.name == "someone"
        assert loaded.story == "what happened"


def test_refreshing_a_row_forgets_the_plaintext_it_held(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="before")
        other = Specimen.objects.get(pk=row.pk)
        other.name = "after"
        other.save()
        assert row.name == "before"
        row.refresh_from_db(fields=["name"])
        assert row.name == "after"
        other.name = "again"
        other.save()
        row.refresh_from_db()
        assert row.name == "again"


def test_plaintext_and_ciphertext_are_never_confused(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="someone")
        copy = Specimen(label="copy")
        copy.name_sealed = _raw(row, "name")  # a ciphertext copied from another row
        copy.save()
        with pytest.raises(Tampered):
            _ = _reload(copy).name
        loaded = _reload(row)
        loaded.name = b"SP\x01\x02\x00\x00\x00\x01 looks like a ciphertext"
        with pytest.raises(TypeError):  # assigned bytes are plaintext, and text is wanted
            loaded.save()


def test_encrypted_fields_take_no_default() -> None:
    from safepassage.vault.fields import EncryptedTextField

    with pytest.raises(VaultError, match="default"):
        EncryptedTextField(compartment="identity", default="a name")


KINDS = {"xchacha20poly1305": 1, "aegis256": 3}


def test_values_of_either_cipher_open_side_by_side(vault: Vault, cipher: str) -> None:
    with using_keyring(vault.keyring):
        first = Specimen.objects.create(name="Ислам", details={"n": 1})
        other = "aegis256" if cipher == "xchacha20poly1305" else "xchacha20poly1305"
        with override_settings(VAULT_CIPHER=other):
            second = Specimen.objects.create(name="Хеда", details={"n": 2})
        assert _raw(first, "name")[2] == KINDS[cipher]
        assert _raw(second, "name")[2] == KINDS[other]
        assert [_reload(first).name, _reload(second).name] == ["Ислам", "Хеда"]
        opened = {row.pk: row.name for row in Specimen.objects.opened("name")}
        assert opened == {first.pk: "Ислам", second.pk: "Хеда"}


def test_a_value_relabelled_as_the_other_cipher_fails(vault: Vault, cipher: str) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Ислам")
        raw = bytearray(_raw(row, "name"))
        raw[2] = KINDS["aegis256"] if raw[2] == KINDS["xchacha20poly1305"] else 1
        Specimen.objects.filter(pk=row.pk).update(name_sealed=bytes(raw))
        with pytest.raises(Tampered):
            _ = _reload(row).name
        (opened,) = Specimen.objects.opened("name")
        with pytest.raises(Tampered):
            _ = opened.name


def test_an_unknown_cipher_setting_is_refused(vault: Vault) -> None:
    with (
        using_keyring(vault.keyring),
        override_settings(VAULT_CIPHER="rot13"),
        pytest.raises(ImproperlyConfigured, match="VAULT_CIPHER"),
    ):
        Specimen.objects.create(name="x")


def test_each_cipher_has_its_own_key(vault: Vault) -> None:
    """AEGIS-256 values are sealed with a sub-key of the data key, never the
    data key that XChaCha20-Poly1305 values use."""
    with using_keyring(vault.keyring), override_settings(VAULT_CIPHER="aegis256"):
        row = Specimen.objects.create(name="Ислам")
    raw = _raw(row, "name")
    header, version = raw[:8], int.from_bytes(raw[4:8], "big")
    data_key = vault.keyring.bundle("identity", version).data_key
    associated = header + fields.place(Specimen, "name", row.pk.hex)
    with pytest.raises(Tampered):
        crypto.decrypt(data_key, raw, associated, 8, crypto.AEGIS256)
    key = fields.cipher_key(data_key, fields.KIND_AEGIS)
    assert key != data_key
    assert crypto.decrypt(key, raw, associated, 8, crypto.AEGIS256) == "Ислам".encode()
    assert fields.cipher_key(data_key, fields.KIND_SYMMETRIC) == data_key
