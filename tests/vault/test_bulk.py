"""Opening many rows at once (list pages): the same plaintext as reading
one value at a time, and the same refusals, on both paths (the compiled
loop where it was built, Python everywhere)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safepassage.vault import bulk, crypto, fields, rotation
from safepassage.vault.binding import associated_data, row_id
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


def test_a_list_page_opens_its_rows(vault: Vault) -> None:
    """Also run without the compiled loop: `make test` runs tests/vault once
    more with tests.vault.without_compiled_loop."""
    _rows(vault, 3)
    with using_keyring(vault.keyring):
        page = list(Specimen.objects.order_by("label").opened())
        assert all("name" in row.__dict__ and "details" in row.__dict__ for row in page)
        assert [row.name for row in page] == ["Амина 0", "Амина 1", "Амина 2"]
        assert [row.details["place"] for row in page] == ["Гудермес 0", "Гудермес 1", "Гудермес 2"]
    print(bulk.accelerator_status())


ROOT = Path(__file__).resolve().parents[2]
needs_loop = pytest.mark.skipif(
    bulk.compiled_loop is None, reason="the compiled loop was not built (no C compiler)"
)


@pytest.mark.parametrize(
    "built",
    [
        pytest.param(True, id="built", marks=needs_loop),
        pytest.param(False, id="not built"),
    ],
)
def test_check_says_which_path_list_pages_take(tmp_path: Path, built: bool) -> None:
    code = "import sys; from safepassage.cli import main; sys.exit(main(['check']))"
    if not built:
        code = "import tests.vault.without_compiled_loop; " + code
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPASSAGE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment["SAFEPASSAGE_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    if built:
        assert (
            first == "Vault: list pages open values in the compiled loop (safepassage.vault._bulk)."
        )
    else:
        assert first.startswith("Vault: list pages open values in Python: the compiled loop")
        assert "cannot be imported (cannot import name '_bulk'" in first  # ImportError's words
        assert "where a C compiler and Python's headers are present" in first
    assert "System check identified no issues" in done.stdout


# --- both paths against the one-value path -------------------------------------------


Keys = dict[bytes, tuple[bytes, crypto.Cipher]]
OpenValues = Callable[..., int]

PATHS = [
    pytest.param(bulk.open_values_in_python, id="python"),
    pytest.param(bulk.open_values_compiled, id="compiled", marks=needs_loop),
]
path_in_use = pytest.mark.parametrize("path", PATHS)


def _places(prefix: bytes) -> Callable[[bytes], bytes]:
    """A field's place_of: its place, then the row's id."""
    return lambda row: prefix + row


def _open_many(
    path: OpenValues, keys: Keys, values: list[bytes], prefix: bytes, rows: list[bytes]
) -> list[bytes | None]:
    """One path on fresh dictionaries: each value's plaintext, or None."""
    states: list[dict[str, object]] = [{"v_sealed": value} for value in values]
    opened = path(keys, states, "v_sealed", "v", _places(prefix), rows, bytes)
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
    if kind == "other row":  # sealed for another row: moved
        row += b"x"
    associated = associated_data(header, _places(prefix)(row))
    if kind == "bad padding":  # more zeros than a padding block
        padded = plaintext + b"\x80" + b"\x00" * 40
        sealed = crypto._encrypt_padded(key, padded, associated, cipher)
    elif kind == "no padding":  # ends in 0x01: never a padding's last byte
        sealed = crypto._encrypt_padded(key, plaintext + b"\x01", associated, cipher)
    elif kind == "short padding":  # well formed, but shorter than a block
        sealed = crypto._encrypt_padded(key, plaintext[:20] + b"\x80", associated, cipher)
    else:
        sealed = crypto.encrypt(key, plaintext, associated, cipher)
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
    "short padding",
]


def _one_by_one(
    keys: Keys, values: list[bytes], prefix: bytes, rows: list[bytes]
) -> list[bytes | None]:
    """What reading each value alone gives: its plaintext, or None for Tampered."""
    found: list[bytes | None] = []
    for value, row in zip(values, rows, strict=True):
        held = keys.get(value[:8])
        associated = associated_data(value[:8], _places(prefix)(row))
        try:
            found.append(
                None if held is None else crypto.decrypt(held[0], value, associated, 8, held[1])
            )
        except Tampered:
            found.append(None)
    return found


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
@example(items=[("short padding", b"", b"1")], prefix=b"p:")  # whole, but not a block long
@example(
    items=[("aegis", b"a", b"1"), ("good", b"x", b"2"), ("other cipher", b"c", b"3")], prefix=b""
)
def test_both_paths_agree_with_one_value_at_a_time(
    items: list[tuple[str, bytes, bytes]], prefix: bytes
) -> None:
    values = [_value(kind, plaintext, prefix, row) for kind, plaintext, row in items]
    rows = [row for _kind, _plaintext, row in items]
    expected = _one_by_one(ALL_KEYS, values, prefix, rows)
    assert _open_many(bulk.open_values_in_python, ALL_KEYS, values, prefix, rows) == expected
    if bulk.compiled_loop is not None:
        assert _open_many(bulk.open_values_compiled, ALL_KEYS, values, prefix, rows) == expected
    assert _open_many(bulk.open_values, ALL_KEYS, values, prefix, rows) == expected
    for (kind, plaintext, _row), got in zip(items, expected, strict=True):
        assert (got == plaintext) if kind in ("good", "aegis", "other key") else got is None


def test_a_field_s_place_is_its_own_then_the_row_s(vault: Vault) -> None:
    """What the compiled loop is handed (place_of(b"") and each row id)
    makes the place the one-value path binds to."""
    (row,) = _rows(vault, 1)
    for field in bulk.encrypted_fields(Specimen):
        place = field.associated(row)
        assert place == field.place_of(b"") + row_id(row.pk)
        assert place == fields.place(Specimen, field.name, row.pk)


@given(
    st.uuids()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from([uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID(int=2**64)])
)
def test_a_row_id_is_a_uuid_s_hex_digits_or_the_key_as_text(pk: object) -> None:
    expected = pk.hex if isinstance(pk, uuid.UUID) else str(pk)
    assert row_id(pk) == expected.encode()


@path_in_use
def test_a_long_place_opens(path: OpenValues) -> None:
    prefix = b"p" * 600
    value = _value("good", b"text", prefix, b"row")
    keys = {HEADER: (KEY, XCHACHA)}
    assert _open_many(path, keys, [value, value], prefix, [b"row", b"other"]) == [b"text", None]


@path_in_use
@pytest.mark.parametrize("kind", ["good", "aegis"])
def test_large_values_open(path: OpenValues, kind: str) -> None:
    plaintext = os.urandom(200_000)
    value = _value(kind, plaintext, b"p:", b"1")
    assert _open_many(path, ALL_KEYS, [value] * 3, b"p:", [b"1"] * 3) == [plaintext] * 3


@path_in_use
def test_values_are_put_into_instances_as_text_or_decoded(path: OpenValues) -> None:
    rows = [b"1", b"2", b"3", b"4", b"5"]
    values = [_value("good", "Зелимхан".encode(), b"p:", row) for row in rows]
    states: list[dict[str, object]] = [
        {"v_sealed": values[0]},
        {"v_sealed": memoryview(values[1])},  # as a database driver may hand it
        {"v_sealed": values[2], "v": "assigned"},  # plaintext held: left alone
        {"v_sealed": None},  # NULL in the database
        {},  # column not loaded
    ]
    keys = {HEADER: (KEY, XCHACHA)}
    assert path(keys, states, "v_sealed", "v", _places(b"p:"), rows, None) == 2
    assert [state.get("v") for state in states] == ["Зелимхан", "Зелимхан", "assigned", None, None]
    decoded = [{"v_sealed": values[0]}]
    path(keys, decoded, "v_sealed", "v", _places(b"p:"), rows[:1], bytes.upper)
    assert decoded[0]["v"] == "Зелимхан".encode().upper()


@path_in_use
def test_a_value_that_does_not_decode_raises_as_reading_it_alone_does(path: OpenValues) -> None:
    value = _value("good", b"\xff\xfe not text", b"p:", b"1")
    keys, places = {HEADER: (KEY, XCHACHA)}, _places(b"p:")
    with pytest.raises(UnicodeDecodeError):
        path(keys, [{"v_sealed": value}], "v_sealed", "v", places, [b"1"], None)

    def refuse(raw: bytes) -> object:
        raise ValueError("not JSON")

    with pytest.raises(ValueError, match="not JSON"):
        path(keys, [{"v_sealed": value}], "v_sealed", "v", places, [b"1"], refuse)


def test_wrong_arguments_are_refused() -> None:
    value = _value("good", b"x", b"p:", b"1")
    keys, places = {HEADER: (KEY, XCHACHA)}, _places(b"p:")
    states = [{"v_sealed": value}]
    with pytest.raises(ValueError, match="one row"):
        bulk.open_values(keys, states, "v_sealed", "v", places, [], None)
    for wrong in ({HEADER: (KEY[:16], XCHACHA)}, {HEADER[:4]: (KEY, XCHACHA)}):
        with pytest.raises(ValueError, match="wrong size"):
            bulk.open_values(wrong, states, "v_sealed", "v", places, [b"1"], None)
    for path in (bulk.open_values_in_python, bulk.open_values):
        with pytest.raises(TypeError):
            path(keys, states, "v_sealed", "v", places, ["1"], None)  # type: ignore[list-item]
        with pytest.raises(TypeError):
            path(keys, [[value]], "v_sealed", "v", places, [b"1"], None)  # type: ignore[list-item]
    assert "v" not in states[0]


@needs_loop
def test_the_compiled_loop_refuses_what_it_is_not_handed_right() -> None:
    value = _value("good", b"x", b"p:", b"1")
    states = [{"v_sealed": value}]
    loop = bulk.compiled_loop
    assert loop is not None
    unpad = crypto.libsodium_address(crypto.PAD_SYMBOL)
    address = crypto.libsodium_address(XCHACHA.decrypt_symbol)
    cipher = (address, XCHACHA.nonce_bytes, XCHACHA.tag_bytes, 32)
    key = (HEADER, KEY, 0)
    for ciphers, keys, error in [
        ((cipher,), ((HEADER, KEY, 1),), "names no cipher"),
        ((cipher,), ((HEADER, KEY[:16], 0),), "wrong size"),
        ((cipher,), ((HEADER[:4], KEY, 0),), "wrong size"),
        ((cipher,), (("header", KEY, 0),), "a key is"),
        ((cipher,) * 5, (key,), "too many"),
        (((0, 24, 16, 32),), (key,), "no libsodium function"),
        (((address, -1, 16, 32),), (key,), "negative"),
        (((address,),), (key,), "a cipher is"),
        ((address,), (key,), "a cipher is"),
    ]:
        with pytest.raises((ValueError, TypeError), match=error):
            loop.open_into(
                ciphers,  # type: ignore[arg-type]
                unpad,
                32,
                8,
                keys,  # type: ignore[arg-type]
                states,
                "v_sealed",
                "v",
                b"p:",
                [b"1"],
                None,
            )
    for unpad_at, block, header_bytes, error in [
        (0, 32, 8, "no libsodium function"),
        (unpad, 0, 8, "have a size"),
        (unpad, 32, 0, "have a size"),
    ]:
        with pytest.raises(ValueError, match=error):
            loop.open_into(
                (cipher,), unpad_at, block, header_bytes, (key,), states, "v_sealed", "v", b"p:",
                [b"1"], None,
            )  # fmt: skip
    with pytest.raises(ValueError, match="one row"):
        loop.open_into((cipher,), unpad, 32, 8, (key,), states, "v_sealed", "v", b"p:", [], None)
    with pytest.raises(TypeError, match="row ids are bytes"):
        loop.open_into((cipher,), unpad, 32, 8, (key,), states, "v_sealed", "v", b"p:", ["1"], None)  # type: ignore[list-item]
    assert "v" not in states[0]
    assert (
        loop.open_into(
            (cipher,), unpad, 32, 8, (key,), states, "v_sealed", "v", b"p:", [b"1"], None
        )
        == 1
    )
    assert states[0]["v"] == "x"
