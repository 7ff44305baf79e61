"""Opening many rows at once (list pages): the same plaintext as reading
one value at a time, and the same refusals."""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safepassage.vault import _bulk, bulk, crypto, rotation
from safepassage.vault.errors import NotInCompartment, Tampered, VaultSealed
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def _raw(row: Specimen, field: str) -> bytes:
    return bytes(Specimen.objects.filter(pk=row.pk).values_list(field, flat=True).get())


def _rows(vault: Vault, count: int) -> list[Specimen]:
    with using_keyring(vault.keyring):
        return [
            Specimen.objects.create(
                name=f"Амина {n}", story="s" * n, details={"n": n, "place": f"Гудермес {n}"}
            )
            for n in range(count)
        ]


def test_it_opens_every_row_as_reading_one_by_one_does(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 4)  # several batches and a short last one
    _rows(vault, 11)
    with using_keyring(vault.keyring):
        one_by_one = [(r.name, r.story, r.details) for r in Specimen.objects.order_by("label")]
        opened = list(Specimen.objects.order_by("label").opened())
        assert all("name" in row.__dict__ and "details" in row.__dict__ for row in opened)
        assert [(r.name, r.story, r.details) for r in opened] == one_by_one
    assert len(one_by_one) == 11


def test_it_opens_only_the_fields_named(vault: Vault) -> None:
    _rows(vault, 3)
    with using_keyring(vault.keyring):
        rows = list(Specimen.objects.opened("story"))
        assert all("story" in row.__dict__ and "name" not in row.__dict__ for row in rows)
        with pytest.raises(ValueError, match="label"):
            list(Specimen.objects.opened("label"))


def test_a_tampered_value_is_left_to_fail_on_reading(vault: Vault) -> None:
    first, second, third = _rows(vault, 3)
    Specimen.objects.filter(pk=second.pk).update(name=_raw(first, "name"))  # moved
    flipped = bytearray(_raw(third, "story"))
    flipped[-3] ^= 1
    Specimen.objects.filter(pk=third.pk).update(story=bytes(flipped))
    with using_keyring(vault.keyring):
        rows = {row.pk: row for row in Specimen.objects.opened()}
        assert rows[first.pk].name == "Амина 0"
        assert "name" not in rows[second.pk].__dict__
        with pytest.raises(Tampered):
            _ = rows[second.pk].name
        with pytest.raises(Tampered):
            _ = rows[third.pk].story
        assert rows[third.pk].name == "Амина 2"


def test_compartments_not_held_stay_sealed(org: Organisation, vault: Vault) -> None:
    _rows(vault, 2)
    with using_keyring(keyring_of(org.outsider)):  # documentation only
        rows = list(Specimen.objects.opened())
        assert not any("name" in row.__dict__ or "story" in row.__dict__ for row in rows)
        with pytest.raises(NotInCompartment):
            _ = rows[0].name
    with using_keyring(keyring_of(org.caseworker)):
        assert sorted(row.name for row in Specimen.objects.opened()) == ["Амина 0", "Амина 1"]


def test_without_keys_nothing_is_opened(vault: Vault) -> None:
    _rows(vault, 2)
    rows = list(Specimen.objects.opened())
    with pytest.raises(VaultSealed):
        _ = rows[0].name


def test_values_sealed_by_the_public_are_read_the_usual_way(
    org: Organisation, vault: Vault
) -> None:
    Specimen.objects.create(request={"help": "please"})  # no keys: a sealed box
    with using_keyring(keyring_of(org.coordinator)):
        (row,) = Specimen.objects.opened()
        assert "request" not in row.__dict__
        assert row.request == {"help": "please"}


def test_older_key_versions_open_too(vault: Vault) -> None:
    rows = _rows(vault, 4)
    rotation.rotate(vault.keyring, "identity", by="cli", batch_size=2, max_batches=1)
    with using_keyring(vault.keyring):
        versions = {bytes(_raw(r, "name"))[4:8] for r in rows}
        assert len(versions) == 2  # half rewritten, half not
        opened = {row.pk: row.name for row in Specimen.objects.opened("name")}
    assert sorted(opened.values()) == [f"Амина {n}" for n in range(4)]


def test_plaintext_the_instance_holds_is_not_replaced(vault: Vault) -> None:
    (row,) = _rows(vault, 1)
    with using_keyring(vault.keyring):
        loaded = Specimen.objects.get(pk=row.pk)
        loaded.name = "changed, not saved"
        assert bulk.open_rows([loaded]) == 2  # story and details
        assert loaded.name == "changed, not saved"


def test_deferred_columns_are_skipped_and_loaded_when_read(vault: Vault) -> None:
    _rows(vault, 2)
    with using_keyring(vault.keyring):
        rows = list(Specimen.objects.only("label", "name").opened())
        assert all("name" in row.__dict__ for row in rows)
        assert sorted(row.story for row in rows) == ["", "s"]


# --- the C loop against the one-value path -------------------------------------------


Keys = dict[bytes, tuple[bytes, crypto.Cipher]]


def _open_many(
    keys: Keys, values: list[bytes], prefix: bytes, rows: list[bytes]
) -> list[bytes | None]:
    """decrypt_into on fresh dictionaries: each value's plaintext, or None."""
    states: list[dict[str, object]] = [{"v_sealed": value} for value in values]
    opened = crypto.decrypt_into(keys, states, "v_sealed", "v", prefix, rows, bytes)
    assert opened == sum("v" in state for state in states)
    for state, value in zip(states, values, strict=True):
        assert state["v_sealed"] is value  # the stored bytes are left as they were
    return [state.get("v") for state in states]  # type: ignore[misc]


XCHACHA, AEGIS = crypto.XCHACHA20POLY1305, crypto.AEGIS256
HEADER = b"SP\x01\x02\x00\x00\x00\x01"
OTHER_HEADER = b"SP\x01\x02\x00\x00\x00\x02"
AEGIS_HEADER = b"SP\x03\x02\x00\x00\x00\x01"
KEY = crypto.random_key()
OTHER_KEY = crypto.random_key()
AEGIS_KEY = crypto.random_key()
ALL_KEYS: Keys = {HEADER: (KEY, XCHACHA), OTHER_HEADER: (OTHER_KEY, XCHACHA)}
ALL_KEYS[AEGIS_HEADER] = (AEGIS_KEY, AEGIS)


def _value(kind: str, plaintext: bytes, prefix: bytes, row: bytes) -> bytes:
    """A value made well, or spoilt in one of the ways a database can spoil it."""
    header = {"other key": OTHER_HEADER, "aegis": AEGIS_HEADER}.get(kind, HEADER)
    key, cipher = ALL_KEYS[header]
    if kind == "other cipher":  # XChaCha20-Poly1305's header, AEGIS-256's ciphertext
        cipher = AEGIS
    place = prefix + (row + b"x" if kind == "other row" else row)
    if kind == "bad padding":
        sealed = crypto._encrypt_padded(key, plaintext + b"\x00" * 40, header + place, cipher)
    elif kind == "no padding":  # ends in 0x01: never a padding's last byte
        sealed = crypto._encrypt_padded(key, plaintext + b"\x01", header + place, cipher)
    else:
        sealed = crypto.encrypt(key, plaintext, header + place, cipher)
    value = header + sealed
    if kind == "flipped":
        value = value[:-1] + bytes([value[-1] ^ 0x40])
    if kind == "truncated":
        value = value[: len(value) // 3]
    if kind == "unknown header":
        value = b"SP\x01\x02\x00\x00\x00\x09" + value[8:]
    return value


KINDS = [
    "good",
    "good",
    "aegis",
    "aegis",
    "other cipher",
    "other key",
    "other row",
    "flipped",
    "truncated",
    "unknown header",
    "bad padding",
    "no padding",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.binary(max_size=300) | st.text(max_size=80).map(str.encode),
            st.binary(min_size=0, max_size=40),
        ),
        min_size=1,
        max_size=30,
    ),
    prefix=st.binary(max_size=60),
)
@example(items=[("no padding", b"\x80", b"")], prefix=b"")  # 0x80 alone would be padding
@example(
    items=[("aegis", b"a", b"1"), ("good", b"x", b"2"), ("other cipher", b"c", b"3")], prefix=b""
)
def test_the_loop_agrees_with_one_value_at_a_time(
    items: list[tuple[str, bytes, bytes]], prefix: bytes
) -> None:
    keys = ALL_KEYS
    values = [_value(kind, plaintext, prefix, row) for kind, plaintext, row in items]
    rows = [row for _kind, _plaintext, row in items]
    expected: list[bytes | None] = []
    for value, row in zip(values, rows, strict=True):
        held = keys.get(value[:8])
        try:
            expected.append(
                None
                if held is None
                else crypto.decrypt(held[0], value, value[:8] + prefix + row, 8, held[1])
            )
        except Tampered:
            expected.append(None)
    assert _open_many(keys, values, prefix, rows) == expected
    for (kind, plaintext, _row), got in zip(items, expected, strict=True):
        assert (got == plaintext) if kind in ("good", "aegis", "other key") else got is None


def test_a_long_place_opens() -> None:
    prefix = b"p" * 600
    value = _value("good", b"text", prefix, b"row")
    keys = {HEADER: (KEY, XCHACHA)}
    assert _open_many(keys, [value, value], prefix, [b"row", b"other"]) == [b"text", None]


@pytest.mark.parametrize("kind", ["good", "aegis"])
def test_large_values_open(kind: str) -> None:
    plaintext = os.urandom(200_000)
    value = _value(kind, plaintext, b"p:", b"1")
    assert _open_many(ALL_KEYS, [value] * 3, b"p:", [b"1"] * 3) == [plaintext] * 3


def test_values_are_put_into_instances_as_text_or_decoded() -> None:
    prefix, rows = b"p:", [b"1", b"2", b"3", b"4", b"5"]
    values = [_value("good", "Зелимхан".encode(), prefix, row) for row in rows]
    states: list[dict[str, object]] = [
        {"v_sealed": values[0]},
        {"v_sealed": memoryview(values[1])},  # as a database driver may hand it
        {"v_sealed": values[2], "v": "assigned"},  # plaintext held: left alone
        {"v_sealed": None},  # NULL in the database
        {},  # column not loaded
    ]
    assert (
        crypto.decrypt_into({HEADER: (KEY, XCHACHA)}, states, "v_sealed", "v", prefix, rows, None)
        == 2
    )
    assert [state.get("v") for state in states] == ["Зелимхан", "Зелимхан", "assigned", None, None]
    decoded = [{"v_sealed": values[0]}]
    crypto.decrypt_into(
        {HEADER: (KEY, XCHACHA)}, decoded, "v_sealed", "v", prefix, rows[:1], bytes.upper
    )
    assert decoded[0]["v"] == "Зелимхан".encode().upper()


def test_a_value_that_does_not_decode_raises_as_reading_it_alone_does() -> None:
    value = _value("good", b"\xff\xfe not text", b"p:", b"1")
    with pytest.raises(UnicodeDecodeError):
        crypto.decrypt_into(
            {HEADER: (KEY, XCHACHA)}, [{"v_sealed": value}], "v_sealed", "v", b"p:", [b"1"], None
        )

    def refuse(raw: bytes) -> object:
        raise ValueError("not JSON")

    with pytest.raises(ValueError, match="not JSON"):
        crypto.decrypt_into(
            {HEADER: (KEY, XCHACHA)}, [{"v_sealed": value}], "v_sealed", "v", b"p:", [b"1"], refuse
        )


def test_wrong_arguments_are_refused() -> None:
    value = _value("good", b"x", b"p:", b"1")
    with pytest.raises(ValueError, match="one row"):
        _open_many({HEADER: (KEY, XCHACHA)}, [value], b"p:", [])
    with pytest.raises(Tampered, match="wrong size"):
        _open_many({HEADER: (KEY[:16], XCHACHA)}, [value], b"p:", [b"1"])
    with pytest.raises(TypeError):
        _open_many({HEADER: (KEY, XCHACHA)}, [value], b"p:", ["1"])  # type: ignore[list-item]
    states = [{"v_sealed": value}]
    cipher = (XCHACHA.address, XCHACHA.nonce_bytes, XCHACHA.tag_bytes)
    for ciphers, suites, error in [
        ((cipher,), b"\x01", "names no cipher"),
        ((cipher,), b"", "wrong size"),
        ((cipher,) * 5, b"\x00", "too many"),
        (((0, 24, 16),), b"\x00", "no libsodium function"),
        (((XCHACHA.address, -1, 16),), b"\x00", "negative"),
        ((XCHACHA.address,), b"\x00", "a cipher is"),
    ]:
        with pytest.raises((ValueError, TypeError), match=error):
            _bulk.open_into(
                ciphers, states, "v_sealed", "v", b"p:", [b"1"], HEADER, KEY, suites, None
            )  # type: ignore[arg-type]
    assert "v" not in states[0]
    with pytest.raises(TypeError):
        crypto.decrypt_into(
            {HEADER: (KEY, XCHACHA)}, [[value]], "v_sealed", "v", b"p:", [b"1"], None
        )  # type: ignore[list-item]


@given(
    keys=st.lists(
        st.uuids()
        | st.integers()
        | st.text(max_size=20)
        | st.sampled_from([uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID(int=2**64)]),
        max_size=20,
    )
)
def test_row_ids_are_named_as_the_fields_name_them(keys: list[object]) -> None:
    states = [{"id": key} for key in keys]
    assert _bulk.row_ids(states, "id", uuid.UUID) == [bulk._row_id(key) for key in keys]


def test_row_ids_need_their_keys() -> None:
    with pytest.raises(KeyError):
        _bulk.row_ids([{"other": 1}], "id", uuid.UUID)
    with pytest.raises(TypeError):
        _bulk.row_ids([("id", 1)], "id", uuid.UUID)  # type: ignore[list-item]
