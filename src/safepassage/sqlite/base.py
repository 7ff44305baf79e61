"""Django's SQLite backend, reading UUID columns without uuid.UUID's parsing.

SQLite keeps a UUID as its 32 hexadecimal digits, and Django turns each one
back into a ``uuid.UUID`` as rows are read. ``uuid.UUID(text)`` spends most
of its microsecond on forms our columns never hold (braces, hyphens, the
``urn:uuid:`` prefix). Every encrypted row has a UUID key (vault.fields'
SealedModel), so a list page of a thousand cases pays that a thousand times.
Here a value of exactly 32 letters and digits becomes the same UUID directly;
anything else goes to uuid.UUID as before, and raises its errors.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.backends.sqlite3 import base, operations

_new = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def uuid_from_column(text: str) -> uuid.UUID:
    """``uuid.UUID(text)``, faster for the 32 hexadecimal digits SQLite holds."""
    if len(text) == 32 and text.isalnum():
        # What uuid.UUID does with such a value, without its string handling:
        # no sign, space or separator can reach int(), so 32 digits in base 16
        # are always within 0 .. 2**128 - 1. Letters beyond f raise ValueError.
        value = _new(uuid.UUID)
        _set(value, "int", int(text, 16))
        _set(value, "is_safe", _UNKNOWN)
        return value
    return uuid.UUID(text)


class DatabaseOperations(operations.DatabaseOperations):
    def convert_uuidfield_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None:
            value = uuid_from_column(value)
        return value


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
