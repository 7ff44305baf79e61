"""Referrals and transfers to partner organisations, and bundles received
from them.

A *referral* gives a partner a copy: the case stays ours. A *transfer*
hands the case over once the partner accepts (recorded with
``answer_transfer``); the workflow then closes it as transferred. Both
make a bundle (cases.bundles, sealed to the partner's key and signed with
ours by vault.bundles), after ``consent.require_consent`` in the same
transaction, and nothing goes over the network: a coordinator downloads
the bundle and carries it to the partner.

On the other side ``import_bundle`` opens a bundle with our partner key,
checks that a partner whose key someone verified signed it, and opens it
as a new case in stage "received".
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Organisation, User
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.cases import actions, bundles, stages
from safepassage.cases.consent import (
    ConsentChanged,
    Consented,
    ConsentError,
    refused,
    require_consent,
)
from safepassage.cases.models import (
    Case,
    ConsentKind,
    Part,
    PartnerOrganisation,
    Person,
    ReceivedBundle,
    SentBundle,
    SentStatus,
    ShareKind,
    Stage,
)
from safepassage.cases.opening import Identity, Opening
from safepassage.vault import bundles as sealing
from safepassage.vault import exchange
from safepassage.vault.errors import Tampered

# A bundle holds text and the details of documents, never files: a few
# hundred kilobytes at most. Anything far larger is not one of ours.
BUNDLE_MAX_BYTES = 8 * 1024 * 1024


class ShareRefused(ConsentError):
    """A referral or transfer that cannot be made (the partner, the case)."""


class ImportRefused(ConsentError):
    """A bundle that was not opened: nothing was stored. ``code`` names why
    (for the audit log), ``message`` says it to the reader."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def partner_key(partner: PartnerOrganisation) -> sealing.PartnerKey:
    """The partner's key as recorded, checked against its pin (Tampered if
    it was changed in the database)."""
    key = sealing.PartnerKey(
        bytes(partner.box_key), bytes(partner.verify_key) if partner.verify_key else None
    )
    sealing.check_partner_key(partner.pin, f"partnerorganisation:{partner.pk}", key)
    return key


def transferred_to(case: Case) -> SentBundle | None:
    """The accepted transfer of ``case``, if it was handed over."""
    found = SentBundle.objects.filter(
        case=case, kind=ShareKind.TRANSFER, status=SentStatus.ACCEPTED
    ).select_related("partner")
    return found.first()


def _check_share(case: Case, partner: PartnerOrganisation, kind: str, parts: list[str]) -> None:
    if kind not in ShareKind.values:
        raise ShareRefused(_("Choose a referral or a transfer."))
    if not parts or any(part not in Part.values for part in parts):
        raise ShareRefused(_("Choose what the bundle holds."))
    if not partner.active:
        raise ShareRefused(_("This partner organisation is no longer active."))
    if not partner.verified:
        raise ShareRefused(
            _(
                "Nobody has checked this partner's key with them yet: an administrator "
                "compares its fingerprint with them, by phone or in person, first."
            )
        )
    done = transferred_to(case)
    if done is not None:
        raise ShareRefused(
            _("This case was transferred to %(partner)s: it is theirs now.")
            % {"partner": done.partner.name}
        )
    pending = SentBundle.objects.filter(
        case=case, kind=ShareKind.TRANSFER, status=SentStatus.SENT
    ).select_related("partner")
    if kind == ShareKind.TRANSFER and (waiting := pending.first()) is not None:
        raise ShareRefused(
            _(
                "A transfer of this case to %(partner)s waits for their answer: record it "
                "before transferring again."
            )
            % {"partner": waiting.partner.name}
        )


def share(
    case: Case,
    partner: PartnerOrganisation,
    *,
    kind: str,
    parts: list[str],
    by: User,
    override_reason: str = "",
) -> SentBundle:
    """Refer or transfer ``case`` to ``partner``: consent checked for
    every person, the bundle made and kept to be downloaded, audited.
    ConsentMissing, OverrideRefused or ShareRefused change nothing (the
    refusal for consent is audited)."""
    parts = sorted(set(parts))
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            _check_share(locked, partner, kind, parts)
            consented = require_consent(
                locked,
                ConsentKind.PARTNER,
                partner,
                by=by,
                parts=parts,
                override_reason=override_reason,
            )
            return _make_bundle(locked, partner, kind, parts, consented, by)
    except ConsentError as refusal:
        if not isinstance(refusal, ShareRefused):
            refused(by, case, refusal, action=kind)
        raise


def _make_bundle(
    case: Case,
    partner: PartnerOrganisation,
    kind: str,
    parts: list[str],
    consented: Consented,
    by: User,
) -> SentBundle:
    made = timezone.now()
    sent = SentBundle(
        id=uuid.uuid4(),
        case=case,
        partner=partner,
        kind=kind,
        parts=parts,
        people=case.people.count(),
        override=consented.override,
        made_by=by,
        made_on=timezone.localdate(),
    )
    content = bundles.build(
        case,
        bundle_id=sent.id,
        kind=kind,
        sender=Organisation.current().name,
        partner=partner,
        parts=parts,
        consented=consented,
        made=made,
    )
    sealed = sealing.seal_bundle_for(
        partner_key(partner), bundles.encode(content), exchange.signing_secret()
    )
    sent.bundle = sealed
    sent.digest = hashlib.sha256(sealed).hexdigest()
    sent.save(force_insert=True)
    record(
        by,
        "case.referred" if kind == ShareKind.REFERRAL else "case.transfer_sent",
        case,
        partner=partner.pk,
        bundle=str(sent.pk),
        people=sent.people,
        parts=parts,
        override=str(consented.override.pk) if consented.override is not None else None,
    )
    return sent


def downloaded(sent: SentBundle, *, by: User) -> bytes:
    """The bundle as made, its download audited."""
    record(by, "case.bundle_downloaded", sent.case, bundle=str(sent.pk), partner=sent.partner_id)
    return bytes(sent.bundle)


@transaction.atomic
def answer_transfer(sent: SentBundle, *, accepted: bool, on: datetime.date, by: User) -> SentBundle:
    """Record the partner's answer to a transfer (the day they gave it).
    An answer recorded meanwhile by someone else changes nothing."""
    if sent.kind != ShareKind.TRANSFER:
        raise ShareRefused(_("Only a transfer waits for the partner's answer."))
    if on > timezone.localdate() or on < sent.made_on:
        raise ShareRefused(_("The answer's day is between the day the bundle was made and today."))
    status = SentStatus.ACCEPTED if accepted else SentStatus.DECLINED
    changed = SentBundle.objects.filter(pk=sent.pk, status=SentStatus.SENT).update(
        status=status, answered_on=on, answered_by=by
    )
    if not changed:
        raise ConsentChanged(
            _("The partner's answer was already recorded by someone else. Nothing was saved.")
        )
    sent.status, sent.answered_on, sent.answered_by = status, on, by
    record(
        by,
        "case.transfer_accepted" if accepted else "case.transfer_declined",
        sent.case,
        partner=sent.partner_id,
        bundle=str(sent.pk),
    )
    if accepted:
        _close_handed_over(sent, by)
    return sent


def _close_handed_over(sent: SentBundle, by: User) -> None:
    """The case is the partner's now: it is closed, saying to whom it
    went, where it stood on the way (not if it already left it, or is
    locked: the page then shows the transfer and a coordinator decides)."""
    case = sent.case
    reason = _("Transferred to %(partner)s, who accepted it.") % {"partner": sent.partner.name}
    if stages.problems_of(case, Stage.CLOSED, by, reason):
        return
    stages.move_case(case, to=Stage.CLOSED, by=by, reason=reason)


# --- Receiving ----------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    case: Case
    received: ReceivedBundle
    content: bundles.Content


def _sender(opened: sealing.OpenedBundle) -> PartnerOrganisation:
    for partner in PartnerOrganisation.objects.filter(active=True).exclude(verify_key=None):
        if partner.verify_key is None or bytes(partner.verify_key) != opened.sender:
            continue
        try:
            partner_key(partner)
        except Tampered:
            continue
        if partner.verified:
            return partner
    raise ImportRefused(
        "unknown_sender",
        _(
            "This bundle is signed by an organisation that is not among your partners, or "
            "whose key nobody has checked with them yet. An administrator adds the partner "
            "with the key they give, and checks its fingerprint with them, first."
        ),
    )


def _refuse(by: User, code: str, message: str) -> ImportRefused:
    record(by, "case.bundle_refused", None, outcome=Outcome.DENIED, refusal=code)
    return ImportRefused(code, message)


def import_bundle(data: bytes, *, by: User) -> Imported:
    """Open a bundle sent to us as a new case in stage "received" (needs
    identity's keys: our partner key is sealed to it). ImportRefused, audited,
    for a bundle too large, altered, for another organisation, signed by
    someone who is not a checked partner, unreadable, or already opened;
    nothing is stored then."""
    if len(data) > BUNDLE_MAX_BYTES:
        raise _refuse(by, "too_large", _("This file is far too large to be a bundle."))
    try:
        opened = sealing.open_bundle_with_any(exchange.own_secrets(), data)
    except sealing.BundleRefused:
        raise _refuse(
            by,
            "unreadable",
            _(
                "This bundle cannot be opened with your organisation's partner key: it was "
                "sealed for another organisation, or changed on the way (even one byte), or "
                "it is not a bundle. Ask the partner to send it again."
            ),
        ) from None
    try:
        partner = _sender(opened)
        content = bundles.decode(opened.payload)
    except ImportRefused as refusal:
        raise _refuse(by, refusal.code, refusal.message) from None
    except bundles.Unreadable:
        raise _refuse(
            by,
            "unreadable",
            _("This bundle was made by a version of safepassage that this one cannot read."),
        ) from None
    bundle_id = uuid.UUID(hex=content.manifest.bundle)
    earlier = ReceivedBundle.objects.filter(pk=bundle_id).select_related("case").first()
    if earlier is not None:
        message = _("This bundle was already opened, as case %(code)s.") % {
            "code": earlier.case.code
        }
        raise _refuse(by, "duplicate", message)
    with transaction.atomic():
        case = _open_case(content, bundle_id, by)
        received = ReceivedBundle.objects.create(
            id=bundle_id,
            case=case,
            partner=partner,
            kind=content.manifest.kind,
            their_code=content.manifest.sender_case[:20],
            their_stage=content.manifest.stage[:20],
            made_on=datetime.datetime.fromisoformat(content.manifest.made).date(),
            digest=hashlib.sha256(data).hexdigest(),
            imported_by=by,
        )
        record(
            by,
            "case.bundle_imported",
            case,
            partner=partner.pk,
            bundle=str(bundle_id),
            people=len(content.people),
            parts=[part for part in content.manifest.parts if part in Part.values],
        )
    return Imported(case, received, content)


def _open_case(content: bundles.Content, bundle_id: uuid.UUID, by: User) -> Case:
    ordered = sorted(content.people, key=lambda person: person.position)
    principal = next(person for person in ordered if person.role == "principal")
    members = [person for person in ordered if person is not principal]
    case = actions.open_case(
        Opening(
            source=f"bundle:{bundle_id.hex}",
            principal=principal.identity or Identity(),
            members=[member.identity or Identity() for member in members],
            household_notes=content.household_notes,
            narrative=[content.narrative],
            answers=content.answers,
        ),
        by=by,
    )
    for position, person in enumerate([principal, *members]):
        if person.minor is not None:
            Person.objects.filter(case=case, position=position).update(minor=person.minor)
    return case
