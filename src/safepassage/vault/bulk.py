"""Opening many rows at once, for list pages.

Reading an encrypted attribute opens that one value: a few microseconds,
most of them Python's and cffi's, not libsodium's. A page of a thousand
cases opens thousands of values, so a list page asks for its rows opened
in batches instead (``Model.objects.filter(...).opened()``): the values of
each field that the current keyring can open with its data keys are opened
in one call (``open_values``), which leaves each plaintext on its instance.

Two paths give the same results, and a test holds them equal:

- the compiled loop (``_bulk.c``), an optional accelerator built at install
  where a C compiler is at hand: one C call into libsodium per batch;
- the same loop in Python, everywhere else, through ``crypto.decrypt``.

What a value is bound to (vault.binding) and how it is padded (vault.crypto)
are defined once, in Python: the compiled loop is handed the field's place,
each row's id, the header's size, the padding block and libsodium's own
unpadding, and does only the mechanical work.

Nothing changes about what can be read: a value of a compartment the
keyring does not hold, a value sealed to a public key (written by the
public form) and a value that fails to open are left exactly as they were,
so reading them goes the usual way and raises the usual error
(NotInCompartment, Tampered). Without a keyring, nothing is opened.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

from django.db import models

from safepassage.vault import crypto
from safepassage.vault.binding import associated_data, row_id
from safepassage.vault.errors import Tampered
from safepassage.vault.fields import (
    HEADER_BYTES,
    EncryptedField,
    EncryptedTextField,
    _data_keys,
)
from safepassage.vault.keyring import current_keyring_or_none

compiled_loop: ModuleType | None
why_not_compiled = ""
try:
    from safepassage.vault import _bulk as compiled_loop
except ImportError as error:  # not built: no C compiler at install (setup.py)
    compiled_loop, why_not_compiled = None, str(error)

BATCH = 500  # rows opened per call (Django reads rows from the cursor 100 at a time)

Keys = dict[bytes, tuple[bytes, crypto.Cipher]]  # by header: the key and its cipher
Decode = Callable[[bytes], object] | None
PlaceOf = Callable[[bytes], bytes]  # a row's id to its place (EncryptedField.place_of)


def accelerator_status() -> str:
    """Which path list pages take, in a sentence (``safepassage check``)."""
    if compiled_loop is not None:
        return "Vault: list pages open values in the compiled loop (safepassage.vault._bulk)."
    return (
        "Vault: list pages open values in Python: the compiled loop cannot be imported "
        f"({why_not_compiled}). It is built at install where a C compiler and Python's "
        "headers are present; without it everything works, and list pages of many rows "
        "are slower. Install again with a compiler to build it."
    )


def encrypted_fields(
    model: type[models.Model], names: Iterable[str] | None = None
) -> list[EncryptedField]:
    found = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
    if names is None:
        return found
    wanted = set(names)
    unknown = wanted - {f.name for f in found}
    if unknown:
        raise ValueError(f"not encrypted fields of {model.__name__}: {sorted(unknown)}")
    return [f for f in found if f.name in wanted]


def open_rows(instances: Sequence[models.Model], field_names: Iterable[str] | None = None) -> int:
    """Open the encrypted fields of ``instances`` (all of one model) that the
    current keyring can open, one batch per field. Returns how many values
    were opened."""
    if not instances:
        return 0
    keyring = current_keyring_or_none()
    if keyring is None:
        return 0
    table = _data_keys(keyring)
    model = type(instances[0])
    pk_name = model._meta.pk.attname
    states = [instance.__dict__ for instance in instances]
    rows = [row_id(state[pk_name]) for state in states]
    opened = 0
    for field in encrypted_fields(model, field_names):
        keys = {
            header: (key, cipher)
            for header, (owner, key, cipher) in table.items()
            if owner == field.compartment
        }
        if not keys:
            continue
        # Rows whose plaintext the instance already holds (read or
        # assigned), or whose column was not loaded, are left alone, as are
        # values of a key the keyring lacks and values that fail: reading
        # them takes the usual path and raises its error.
        opened += open_values(
            keys,
            states,
            field.attname,
            field.name,
            field.place_of,
            rows,
            None if type(field).decode is EncryptedTextField.decode else field.decode,
        )
    return opened


def open_values(
    keys: Keys,
    states: list[dict[str, object]],
    stored: str,
    name: str,
    place_of: PlaceOf,
    rows: list[bytes],
    decode: Decode,
) -> int:
    """Opens many values into instances: for every ``states[i]`` (an
    instance's ``__dict__``) that holds bytes at ``stored`` and nothing at
    ``name``, sets ``states[i][name]`` to what reading the value alone gives,
    ``crypto.decrypt(key, value, associated_data(header, place_of(rows[i])),
    HEADER_BYTES, cipher)`` where ``header`` is the value's own and
    ``keys[header]`` is ``(key, cipher)``, decoded as UTF-8 when ``decode``
    is None, else by ``decode``. Values with no key for their header, or
    that ``decrypt`` refuses with Tampered, are left as they were. Returns
    how many opened. In the compiled loop where it was built, else in
    Python."""
    if len(rows) != len(states):
        raise ValueError("one row per instance")
    if any(len(h) != HEADER_BYTES or len(k) != crypto.KEY_BYTES for h, (k, _c) in keys.items()):
        raise ValueError("a key or header has the wrong size")
    if compiled_loop is None:
        return open_values_in_python(keys, states, stored, name, place_of, rows, decode)
    return open_values_compiled(keys, states, stored, name, place_of, rows, decode)


def open_values_in_python(
    keys: Keys,
    states: list[dict[str, object]],
    stored: str,
    name: str,
    place_of: PlaceOf,
    rows: list[bytes],
    decode: Decode,
) -> int:
    """``open_values`` in Python: the path wherever the loop was not built."""
    opened = 0
    for state, row in zip(states, rows, strict=True):
        if type(state) is not dict:
            raise TypeError("states are dictionaries")
        value: Any = state.get(stored)  # bytes, or a memoryview from some drivers
        if value is None or name in state:  # NULL or not loaded; or plaintext held
            continue
        header = bytes(value[:HEADER_BYTES])
        held = keys.get(header)
        if held is None:
            continue
        associated = associated_data(header, place_of(row))
        try:
            plaintext = crypto.decrypt(held[0], value, associated, HEADER_BYTES, held[1])
        except Tampered:
            continue
        state[name] = plaintext.decode("utf-8") if decode is None else decode(plaintext)
        opened += 1
    return opened


def open_values_compiled(
    keys: Keys,
    states: list[dict[str, object]],
    stored: str,
    name: str,
    place_of: PlaceOf,
    rows: list[bytes],
    decode: Decode,
) -> int:
    """``open_values`` in the compiled loop, handed what it applies: a place
    is the field's place followed by the row's id (``place_of(b"") +
    row``), which the loop puts together."""
    if compiled_loop is None:
        raise RuntimeError("the compiled loop was not built")
    ciphers = list(dict.fromkeys(cipher for _key, cipher in keys.values()))
    table = tuple(
        (_address(c.decrypt_symbol), c.nonce_bytes, c.tag_bytes, crypto.KEY_BYTES) for c in ciphers
    )
    numbered = tuple((header, key, ciphers.index(cipher)) for header, (key, cipher) in keys.items())
    return compiled_loop.open_into(
        table,
        _address(crypto.PAD_SYMBOL),
        crypto.PAD_BLOCK,
        HEADER_BYTES,
        numbered,
        states,
        stored,
        name,
        place_of(b""),
        rows,
        decode,
    )


@functools.cache
def _address(symbol: str) -> int:
    return crypto.libsodium_address(symbol)
