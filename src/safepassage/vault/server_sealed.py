"""Values sealed with a key of the server's own, for what the server must
read before anyone has logged in: a staff member's authenticator secret,
which the login checks after the password.

The key is derived from the server's secret (``SAFEPASSAGE_SECRET_KEY``),
which production keeps outside the database (the environment or a file),
so a copy of the database alone opens none of these values. Someone who
also holds the server's secret does; that is why only values the server
itself must read on its own are sealed this way, and everything that names
or describes a person goes to a compartment instead (docs/decisions.md).

Like every ciphertext, a value is bound to its place (its row and column):
moved to another row it fails to open with Tampered.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from safepassage.vault import crypto
from safepassage.vault.errors import Tampered

MAGIC = b"SPS1"  # a value sealed with the server's key, format 1
_SALT = "safepassage.vault.server-sealed"


def _key(secret: str | bytes) -> bytes:
    return salted_hmac(_SALT, "key", secret=secret, algorithm="sha256").digest()


def seal_with_server_key(plaintext: bytes, place: bytes) -> bytes:
    """Encrypt ``plaintext`` with the server's key, bound to ``place``."""
    return MAGIC + crypto.encrypt(_key(settings.SECRET_KEY), plaintext, MAGIC + place)


def open_with_server_key(sealed: bytes, place: bytes) -> bytes:
    """The plaintext of a value sealed with the server's key (or an earlier
    one still listed in ``SECRET_KEY_FALLBACKS``) for ``place``."""
    if not sealed.startswith(MAGIC):
        raise Tampered("not a value sealed with the server's key")
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        try:
            return crypto.decrypt(_key(secret), sealed, MAGIC + place, len(MAGIC))
        except Tampered:
            continue
    raise Tampered("the value was sealed for another place or by another server")
