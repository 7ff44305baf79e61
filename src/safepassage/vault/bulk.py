"""Opening many rows at once, for list pages.

Reading an encrypted attribute opens that one value: a few microseconds,
most of them Python's and cffi's, not libsodium's. A page of a thousand
cases opens thousands of values, so a list page asks for its rows opened
in batches instead (``Model.objects.filter(...).opened()``): the values of
each field that the current keyring can open with its data keys go to
libsodium in one call (``crypto.decrypt_into``, a C loop in _bulk.c), which
leaves each plaintext on its instance.

Nothing changes about what can be read: a value of a compartment the
keyring does not hold, a value sealed to a public key (written by the
public form) and a value that fails to open are left exactly as they were,
so reading them goes the usual way and raises the usual error
(NotInCompartment, Tampered). Without a keyring, nothing is opened.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.db import models

from safepassage.vault import _bulk, crypto
from safepassage.vault.fields import EncryptedField, EncryptedTextField, _data_keys
from safepassage.vault.keyring import current_keyring_or_none

BATCH = 500  # rows opened per call (Django reads rows from the cursor 100 at a time)


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


def _row_id(pk: object) -> bytes:
    """A row's id as its values' associated data names it (vault.fields)."""
    return (pk.hex if type(pk) is uuid.UUID else str(pk)).encode()


def open_rows(instances: Sequence[models.Model], field_names: Iterable[str] | None = None) -> int:
    """Open the encrypted fields of ``instances`` (all of one model) that the
    current keyring can open, in one libsodium call per field. Returns how
    many values were opened."""
    if not instances:
        return 0
    keyring = current_keyring_or_none()
    if keyring is None:
        return 0
    table = _data_keys(keyring)
    model = type(instances[0])
    pk_name = model._meta.pk.attname
    states = [instance.__dict__ for instance in instances]
    rows = _bulk.row_ids(states, pk_name, uuid.UUID)  # [_row_id(state[pk_name]) ...] in C
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
        opened += crypto.decrypt_into(
            keys,
            states,
            field.attname,
            field.name,
            field._place_prefix,
            rows,
            None if type(field).decode is EncryptedTextField.decode else field.decode,
        )
    return opened
