"""The organisation's own partner key: the key pair partners seal bundles
to, and that signs the bundles it sends (vault.bundles).

Its public half is plain and pinned (an HMAC under the server's secret,
checked before it is printed or used), so a key swapped in the database
is refused rather than given to partners. Its private half is sealed to
the identity compartment (``ExchangeKey.secret``): a bundle holds who the
people of a case are, so only those who may read identity open one or
sign one. Like every sealed value it is covered by identity's recovery
wrap (K custodians open it), re-encrypted when identity is rotated, and
can be made by anyone, with no keys (it is sealed to identity's public
key), as ``safepassage keys partner-key`` does.

A new key (``--new``) becomes current; older ones stay, so bundles
already on their way to us still open.
"""

from __future__ import annotations

import base64

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.vault import bundles
from safepassage.vault.errors import NotInitialised, Tampered
from safepassage.vault.models import ExchangeKey


def _public(stored: ExchangeKey) -> bundles.PartnerKey:
    key = bundles.PartnerKey(bytes(stored.box_public), bytes(stored.verify_key))
    bundles.check_partner_key(stored.pin, f"own:{stored.pk}", key)
    return key


def own_key() -> bundles.PartnerKey | None:
    """Our current partner key's public half (no keys needed), or None
    before one was made. Tampered if the stored key is not the one made."""
    stored = ExchangeKey.objects.filter(current=True).first()
    return None if stored is None else _public(stored)


@transaction.atomic
def make_key(*, by: object) -> bundles.PartnerKey:
    """A new partner key, current from now on (the older ones kept for
    bundles on their way). Needs no keys."""
    secret = bundles.ExchangeSecret.generate()
    public = secret.public
    ExchangeKey.objects.filter(current=True).update(current=False)
    stored = ExchangeKey(box_public=public.box, verify_key=public.verify, current=True)
    stored.pin = bundles.pin_partner_key(f"own:{stored.pk}", public)
    stored.secret = base64.b64encode(secret.to_bytes()).decode()
    stored.save(force_insert=True)
    record(by, "vault.partner_key_made", stored, key=bundles.fingerprint(public).replace(" ", ""))
    return public


def own_secrets() -> list[bundles.ExchangeSecret]:
    """Every partner key of ours, private halves opened, the current one
    first: needs the identity compartment's keys (VaultSealed or
    NotInCompartment without them)."""
    return [_opened(stored) for stored in ExchangeKey.objects.order_by("-current", "-created")]


def _opened(stored: ExchangeKey) -> bundles.ExchangeSecret:
    secret = bundles.ExchangeSecret.from_bytes(base64.b64decode(stored.secret))
    if secret.public != _public(stored):
        raise Tampered("a partner key does not match its public half")
    return secret


def signing_secret() -> bundles.ExchangeSecret:
    """The current partner key's private half, to sign a bundle we send."""
    stored = ExchangeKey.objects.filter(current=True).first()
    if stored is None:
        raise NotInitialised("no partner key yet (safepassage keys partner-key)")
    return _opened(stored)
