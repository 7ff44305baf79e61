"""What the consent section of a case shows (cases/sections/consent.html):
each person's consents, current and past, in the reader's words; the
forms to record and withdraw them; referrals and transfers made and the
form to make one, for those allowed. What was explained is shown to
members of casework only; people are named for those who may read
identity, and by their place in the household otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases import kept
from safepassage.cases.consent import consent_state, describe_purpose, namer
from safepassage.cases.consent_forms import AnswerForm, ConsentForm, ShareForm, WithdrawForm
from safepassage.cases.models import (
    Case,
    Consent,
    ConsentMethod,
    Part,
    PartnerOrganisation,
    Person,
    ReceivedBundle,
    SentBundle,
    SentStatus,
    ShareKind,
)
from safepassage.cases.referrals import is_accepted_transfer, transferred_to
from safepassage.vault.keyring import current_keyring_or_none


@dataclass
class ConsentLine:
    consent: Consent
    what: str
    covers: str
    method: str
    explanation: str | None
    in_force: bool
    withdraw_form: WithdrawForm | None = None


@dataclass
class PersonConsents:
    person: Person
    name: str
    current: list[ConsentLine] = field(default_factory=list)
    past: list[ConsentLine] = field(default_factory=list)


@dataclass
class SentLine:
    sent: SentBundle
    kind: str
    covers: str
    status: str
    answer_form: AnswerForm | None = None


@dataclass
class Section:
    case: Case
    people: list[PersonConsents]
    record_form: ConsentForm | None
    share_form: ShareForm | None
    sent: list[SentLine]
    received: ReceivedBundle | None
    transferred: SentBundle | None
    explanations_readable: bool
    # Sentences of a share just refused: who lacks which consent.
    refusal: list[str] = field(default_factory=list)
    # Partners exist but none has a checked key yet.
    partners_waiting: bool = False


def covers(parts: list[str]) -> str:
    return "; ".join(str(Part(part).label) for part in parts if part in Part.values)


def _line(consent: Consent, readable: bool, may_withdraw: bool) -> ConsentLine:
    in_force = consent.current
    return ConsentLine(
        consent=consent,
        what=describe_purpose(consent.kind, consent.partner, consent.country),
        covers=covers(consent.scope),
        method=str(ConsentMethod(consent.method).label),
        explanation=consent.explanation if readable else None,
        in_force=in_force,
        withdraw_form=WithdrawForm(prefix=f"withdraw-{consent.pk.hex}")
        if in_force and may_withdraw
        else None,
    )


def _status(sent: SentBundle) -> str:
    if sent.status == SentStatus.SENT and sent.kind == ShareKind.TRANSFER:
        return _("waiting for their answer")
    if sent.status == SentStatus.SENT:
        return _("bundle made")
    day = date_format(sent.answered_on, "DATE_FORMAT") if sent.answered_on else ""
    if sent.status == SentStatus.ACCEPTED:
        return _("accepted on %(day)s") % {"day": day}
    return _("declined on %(day)s") % {"day": day}


def section_context(
    request: HttpRequest,
    case: Case,
    *,
    record_form: ConsentForm | None = None,
    share_form: ShareForm | None = None,
    refusal: list[str] | None = None,
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    keyring = current_keyring_or_none()
    readable = keyring is not None and keyring.holds("casework")
    may_record = user.can(Perm.RECORD_CONSENT)
    may_share = user.can(Perm.SHARE_CASES)
    people = kept.people(case)
    name = namer(user, case, people)
    found = Consent.objects.filter(case=case).select_related("partner", "recorded_by")
    consents = list(found.opened("explanation") if readable else found)
    by_person = {person.pk: PersonConsents(person, name(person)) for person in people}
    for consent in consents:
        entry = by_person.get(consent.person_id)
        if entry is None:
            continue
        line = _line(consent, readable, may_record)
        (entry.current if consent.superseded_by_id is None else entry.past).append(line)
    seen = consent_state(case)
    # The active partners, read once for the forms' choices and the notice.
    partners = list(PartnerOrganisation.objects.filter(active=True))
    if record_form is None and may_record and people:
        record_form = ConsentForm(
            people=people, name=name, initial={"seen": seen}, partners=partners
        )
    sent_lines = []
    if may_share:
        # Every bundle of the case, read once: the accepted transfer among them.
        sent_rows = list(SentBundle.objects.filter(case=case).select_related("partner"))
        transferred = next((sent for sent in sent_rows if is_accepted_transfer(sent)), None)
        if share_form is None and transferred is None:
            share_form = ShareForm(may_override=user.can(Perm.OVERRIDE_CONSENT), partners=partners)
        for sent in sent_rows:
            waiting = sent.kind == ShareKind.TRANSFER and sent.status == SentStatus.SENT
            sent_lines.append(
                SentLine(
                    sent=sent,
                    kind=_("Transfer") if sent.kind == ShareKind.TRANSFER else _("Referral"),
                    covers=covers(sent.parts),
                    status=_status(sent),
                    answer_form=AnswerForm(prefix=f"answer-{sent.pk.hex}") if waiting else None,
                )
            )
    else:
        transferred = transferred_to(case)
    has_partners = bool(partners)
    usable = any(partner.verified_on is not None for partner in partners)
    return {
        "consent": Section(
            case=case,
            people=list(by_person.values()),
            record_form=record_form if may_record else None,
            share_form=share_form if may_share and transferred is None else None,
            sent=sent_lines,
            received=ReceivedBundle.objects.filter(case=case).select_related("partner").first(),
            transferred=transferred,
            explanations_readable=readable,
            refusal=refusal or [],
            partners_waiting=may_share and has_partners and not usable,
        )
    }
