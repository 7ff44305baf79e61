"""Partner organisations: the reference data administrators keep, each
change audited.

A partner's key is the text their ``safepassage keys partner-key``
printed (or an X25519 public key in base64). Nothing is sealed to it
until someone compared its fingerprint with them out of band and said so
(``verify_partner``); a new key clears that, and is pinned (an HMAC under
the server's secret) so that a key swapped in the database is refused.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases.consent import ConsentChanged, ConsentError
from safepassage.cases.models import PartnerOrganisation
from safepassage.vault import bundles


class PartnerError(ConsentError):
    """A partner not saved: the message says why."""


def read_key(text: str) -> bundles.PartnerKey:
    try:
        return bundles.parse_partner_key(text)
    except bundles.BadPartnerKey:
        raise PartnerError(
            _(
                "This is not a partner key. Paste the whole line their “safepassage keys "
                "partner-key” printed (it starts with spk1:), or an X25519 public key in base64."
            )
        ) from None


def fingerprint(partner: PartnerOrganisation) -> str:
    """The fingerprint of the partner's key as recorded, to read aloud."""
    return bundles.fingerprint(read_key(partner.public_key))


def _set_key(partner: PartnerOrganisation, key: bundles.PartnerKey, text: str) -> None:
    partner.public_key = " ".join(text.split())
    partner.box_key = key.box
    partner.verify_key = key.verify
    partner.pin = bundles.pin_partner_key(f"partnerorganisation:{partner.pk}", key)
    partner.verified_by = None
    partner.verified_on = None


def _name_taken(name: str, besides: int | None = None) -> bool:
    same = PartnerOrganisation.objects.filter(name__iexact=name)
    return (same if besides is None else same.exclude(pk=besides)).exists()


@transaction.atomic
def add_partner(*, name: str, contact: str, key_text: str, by: User | str) -> PartnerOrganisation:
    key = read_key(key_text)
    name = " ".join(name.split())
    if not name:
        raise PartnerError(_("Give the organisation's name."))
    if _name_taken(name):
        raise PartnerError(_("A partner organisation of this name is already listed."))
    partner = PartnerOrganisation(name=name, contact=contact.strip(), box_key=b"", pin="")
    partner.save(force_insert=True)  # the pin names the row
    _set_key(partner, key, key_text)
    partner.save(update_fields=["public_key", "box_key", "verify_key", "pin"])
    record(by, "partner.added", partner, key=bundles.fingerprint(key).replace(" ", ""))
    return partner


@transaction.atomic
def change_partner(
    partner: PartnerOrganisation,
    *,
    name: str,
    contact: str,
    key_text: str,
    active: bool,
    version: int,
    by: User,
) -> PartnerOrganisation:
    """Save a partner as edited from ``version``; a change saved meanwhile
    by someone else keeps this one from being saved (ConsentChanged)."""
    locked = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
    if locked.version != version:
        raise ConsentChanged(
            _(
                "Someone else changed this partner organisation while you were editing it. "
                "Nothing was saved: here it is as it is now."
            )
        )
    name = " ".join(name.split())
    if not name:
        raise PartnerError(_("Give the organisation's name."))
    if _name_taken(name, besides=locked.pk):
        raise PartnerError(_("A partner organisation of this name is already listed."))
    key = read_key(key_text)
    changed = []
    if name != locked.name:
        changed.append("name")
    if contact.strip() != locked.contact:
        changed.append("contact")
    if active != locked.active:
        changed.append("active")
    key_changed = key.raw != bytes(locked.box_key) + bytes(locked.verify_key or b"")
    if key_changed:
        changed.append("public_key")
        _set_key(locked, key, key_text)
    locked.name, locked.contact, locked.active = name, contact.strip(), active
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    record(
        by,
        "partner.changed",
        locked,
        changed=changed,
        key=bundles.fingerprint(key).replace(" ", "") if key_changed else None,
    )
    return locked


@transaction.atomic
def verify_partner(partner: PartnerOrganisation, *, version: int, by: User) -> PartnerOrganisation:
    """Record that ``by`` compared the key's fingerprint with the partner,
    out of band, today."""
    changed = PartnerOrganisation.objects.filter(pk=partner.pk, version=version).update(
        verified_by=by, verified_on=timezone.localdate(), version=F("version") + 1
    )
    if not changed:
        raise ConsentChanged(
            _(
                "Someone else changed this partner organisation meanwhile (perhaps its key). "
                "Nothing was saved: check the fingerprint again."
            )
        )
    partner.refresh_from_db()
    record(by, "partner.verified", partner, key=fingerprint(partner).replace(" ", ""))
    return partner
