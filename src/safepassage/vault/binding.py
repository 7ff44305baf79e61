"""What an encrypted value is bound to: its associated data.

The one definition, for every path that writes or opens a field value
(vault.fields, one value at a time; vault.bulk, many at once, in Python or
in its compiled loop, which is handed the field's place and each row's id
as computed here and puts them after the value's header, as
``associated_data`` does). A value copied to another row, column or model,
or given another header, fails to open.
"""

from __future__ import annotations

import uuid

from django.db import models


def row_id(pk: object) -> bytes:
    """A row's id as its values' places name it: the 32 lowercase
    hexadecimal digits of a UUID key (its ``.hex``), else the key as text."""
    return b"%032x" % pk.int if type(pk) is uuid.UUID else str(pk).encode()


def place(model: type[models.Model], field_name: str, pk: object) -> bytes:
    """Where a value lives: model, field and row (``pk`` spelt by row_id)."""
    return f"{model._meta.label_lower}.{field_name}:".encode() + row_id(pk)


def associated_data(header: bytes, place: bytes) -> bytes:
    """What a value is bound to: its own header (so that the header is
    authenticated too), then its place."""
    return header + place
