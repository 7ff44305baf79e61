"""Consent: what each person of a case agreed to, and the check every
share makes.

Recording consent (``record_consent``) writes a new record and makes the
one it replaces superseded; withdrawing (``withdraw_consent``) marks the
current record withdrawn. Neither edits a record in any other way, so the
history of what a person agreed to, and when, stays whole.

``require_consent`` is the one check before anything of a case leaves
the organisation (a referral or a transfer to a partner, later a host
government or the documentation side): every person of the case needs a
current consent of that kind, to that partner or country, covering the
parts shared. Otherwise it raises ConsentMissing, which says who lacks
what; a coordinator who may override consent can share anyway with a
written reason, kept sealed to casework and audited as an override.

The case page shows this part as a section (``section``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.cases.access import may_read_identity
from safepassage.cases.models import (
    Case,
    Consent,
    ConsentKind,
    ConsentOverride,
    HandedOverTestimony,
    Part,
    PartnerOrganisation,
    Person,
    Role,
)
from safepassage.documentation.consent import given_again_in_casework, withdrawn_in_casework
from safepassage.vault import bulk
from safepassage.vault.errors import NotInCompartment, VaultSealed

# Preconditions of stages that live here (cases/stages.py collects them):
# consent guards shares, not stages.
REQUIREMENTS: dict[str, Callable[[Case], str | None]] = {}

# Kinds of consent that share something of the case, and so say what.
SHARING = {ConsentKind.PARTNER, ConsentKind.HOST_GOVERNMENT, ConsentKind.TESTIMONY}


class ConsentError(Exception):
    """A consent action refused; ``message`` is translated, safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConsentChanged(ConsentError):
    """Someone recorded or withdrew a consent of this case meanwhile: nothing was saved."""


def target_of(kind: str, partner: PartnerOrganisation | None = None, country: str = "") -> str:
    """What a consent is about, as the one key its current record is found by."""
    if kind == ConsentKind.PARTNER:
        return f"partner:{partner.pk}" if partner is not None else ""
    if kind == ConsentKind.HOST_GOVERNMENT:
        return "country:" + " ".join(country.split()).casefold()
    return ""


def consent_state(case: Case) -> str:
    """A token that changes whenever a consent of the case is recorded or
    withdrawn (records are never deleted): forms carry it, and an action
    given an older one changes nothing (ConsentChanged)."""
    counts = Consent.objects.filter(case=case).aggregate(
        total=Count("pk"), withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False))
    )
    return f"{counts['total']}.{counts['withdrawn']}"


def _check_seen(case: Case, seen: str | None) -> None:
    if seen is not None and seen != consent_state(case):
        raise ConsentChanged(
            _(
                "Someone recorded or withdrew a consent of this case since you opened the "
                "page. Nothing was saved: check what is recorded now, then try again."
            )
        )


@transaction.atomic
def record_consent(
    person: Person,
    *,
    kind: str,
    given_on: datetime.date,
    method: str,
    explanation: str,
    by: User,
    partner: PartnerOrganisation | None = None,
    country: str = "",
    scope: Iterable[str] = (),
    seen: str | None = None,
) -> Consent:
    """Record what ``person`` agreed to. The record it replaces (the same
    kind, partner or country) is kept, marked superseded."""
    case = Case.objects.select_for_update().get(pk=person.case_id)
    _check_seen(case, seen)
    parts = sorted(set(scope))
    if kind not in ConsentKind.values or any(part not in Part.values for part in parts):
        raise ConsentError(_("Choose what they agreed to from the list."))
    if kind == ConsentKind.PARTNER and (partner is None or not partner.active):
        raise ConsentError(_("Choose the partner organisation they agreed to share with."))
    if kind == ConsentKind.HOST_GOVERNMENT and not country.strip():
        raise ConsentError(_("Name the country whose government they agreed to share with."))
    if kind in SHARING and not parts:
        raise ConsentError(_("Say what they agreed to share."))
    if given_on > timezone.localdate():
        raise ConsentError(_("Consent cannot be given on a day still to come."))
    if not explanation.strip():
        raise ConsentError(_("Write what was explained to them."))
    target = target_of(kind, partner, country)
    previous = (
        Consent.objects.select_for_update()
        .filter(person=person, kind=kind, target=target, superseded_by=None)
        .first()
    )
    consent = Consent(
        case=case,
        person=person,
        kind=kind,
        partner=partner if kind == ConsentKind.PARTNER else None,
        country=" ".join(country.split()) if kind == ConsentKind.HOST_GOVERNMENT else "",
        target=target,
        scope=[] if kind == ConsentKind.STATISTICS else parts,
        given_on=given_on,
        method=method,
        recorded_by=by,
        number=(Consent.objects.filter(case=case).aggregate(Max("number"))["number__max"] or 0) + 1,
    )
    consent.explanation = explanation.strip()
    if previous is not None:
        # Foreign keys are checked at commit: the old record leaves the
        # current slot, pointing at the new one, before that is written.
        Consent.objects.filter(pk=previous.pk).update(superseded_by_id=consent.pk)
    consent.save(force_insert=True)
    record(
        by,
        "case.consent_recorded",
        case,
        person=str(person.pk),
        consent=kind,
        partner=consent.partner_id,
        method=method,
        parts=consent.scope,
        replaces=str(previous.pk) if previous is not None else None,
    )
    if kind == ConsentKind.TESTIMONY:
        _given_again(person, on=given_on, by=by)
    return consent


def _given_again(person: Person, *, on: datetime.date, by: User) -> None:
    """A consent to testimony recorded for someone whose testimony was
    handed over after they withdrew it (or under an override, without
    it): the documentation is told they gave it again (tell_documentation),
    at once when ``by`` holds the casework keys. An untold withdrawal
    before it is not told any more: the documentation hears the latest."""
    handover = HandedOverTestimony.objects.select_for_update().filter(person_id=person.pk).first()
    if handover is None:
        return
    overridden = handover.override_id is not None and handover.given_again_on is None
    if handover.withdrawn_on is None and not overridden:
        return
    handover.given_again_on, handover.given_again_told = on, False
    handover.withdrawn_on, handover.withdrawal_told = None, False
    handover.save(
        update_fields=["given_again_on", "given_again_told", "withdrawn_on", "withdrawal_told"]
    )
    tell_documentation(handover, by=by)


@transaction.atomic
def withdraw_consent(consent: Consent, *, on: datetime.date, by: User) -> Consent:
    """Mark the current record withdrawn, on the day the person said so.
    A record superseded or already withdrawn meanwhile changes nothing
    (ConsentChanged). A consent to testimony whose testimony was handed
    over is withdrawn in the documentation too (tell_documentation), at once
    when ``by`` holds the casework keys, else when someone who does asks
    from the person's page."""
    if on > timezone.localdate():
        raise ConsentError(_("Consent cannot be withdrawn on a day still to come."))
    if on < consent.given_on:
        raise ConsentError(_("Consent cannot be withdrawn before the day it was given."))
    changed = Consent.objects.filter(pk=consent.pk, superseded_by=None, withdrawn_on=None).update(
        withdrawn_on=on, withdrawn_by=by
    )
    if not changed:
        raise ConsentChanged(
            _(
                "This consent was withdrawn or recorded again by someone else meanwhile. "
                "Nothing was saved: check what is recorded now."
            )
        )
    consent.withdrawn_on, consent.withdrawn_by = on, by
    record(
        by,
        "case.consent_withdrawn",
        consent.case,
        person=str(consent.person_id),
        consent=consent.kind,
        partner=consent.partner_id,
    )
    if consent.kind == ConsentKind.TESTIMONY:
        handover = HandedOverTestimony.objects.filter(person_id=consent.person_id).first()
        if handover is not None:
            handover.withdrawn_on, handover.withdrawal_told = on, False
            handover.given_again_on, handover.given_again_told = None, False
            handover.save(
                update_fields=[
                    "withdrawn_on",
                    "withdrawal_told",
                    "given_again_on",
                    "given_again_told",
                ]
            )
            tell_documentation(handover, by=by)
    return consent


def tell_documentation(handover: HandedOverTestimony, *, by: User) -> bool:
    """Tell the documentation that the person handed over as a victim
    withdrew their consent to testimony (their victim's consent there
    becomes "nothing": documentation.consent.withdrawn_in_casework) or
    gave it again (testimony allowed again, not the originals:
    given_again_in_casework). It needs the victim's code, sealed to
    casework: False, and still to be told, when ``by`` does not hold the
    casework keys."""
    if not handover.untold:
        return False
    try:
        code = handover.documentation_code
    except (NotInCompartment, VaultSealed):
        return False
    again = handover.given_again_untold
    flag = "given_again_told" if again else "withdrawal_told"
    day = "given_again_on" if again else "withdrawn_on"
    with transaction.atomic():
        # Told once, whoever asks at the same time, and only the change
        # still recorded (not one another change replaced meanwhile).
        claimed = HandedOverTestimony.objects.filter(
            pk=handover.pk, **{flag: False, day: getattr(handover, day)}
        ).update(**{flag: True})
        setattr(handover, flag, True)
        if not claimed:
            return False
        if again and handover.given_again_on is not None:
            given_again_in_casework(by, code=code, on=handover.given_again_on)
        elif handover.withdrawn_on is not None:
            withdrawn_in_casework(by, code=code, on=handover.withdrawn_on)
        record(
            by,
            "case.testimony_consent_given_again_told"
            if again
            else "case.testimony_withdrawal_told",
            handover.case,
            person=str(handover.person_id),
        )
    return True


# --- The check before a share --------------------------------------------------------


@dataclass(frozen=True)
class Lacking:
    """One person without the consent a share needs: ``parts`` are what
    their current consent does not cover (everything asked when they have
    none); ``withdrawn`` when they had one and withdrew it."""

    person: Person
    parts: tuple[str, ...]
    withdrawn: bool = False
    has_consent: bool = False


class ConsentMissing(ConsentError):
    """The typed refusal: who lacks which consent for this share."""

    def __init__(
        self,
        purpose: str,
        lacking: Sequence[Lacking],
        *,
        partner: PartnerOrganisation | None = None,
        country: str = "",
    ) -> None:
        self.purpose = purpose
        self.lacking = list(lacking)
        self.partner = partner
        self.country = country
        # The message names nobody (it may be logged); sentences() does.
        super().__init__(f"consent missing for {purpose}: {len(self.lacking)} people")

    def sentences(self, name: Callable[[Person], str]) -> list[str]:
        """One translated sentence per person lacking, naming them with ``name``."""
        if not self.lacking:
            return [
                _(
                    "Nobody of this case has a record of their own yet: give each person "
                    "their own record, then record their consent."
                )
            ]
        what = describe_purpose(self.purpose, self.partner, self.country)
        found = []
        for lacking in self.lacking:
            values = {"person": name(lacking.person), "what": what}
            if lacking.withdrawn:
                found.append(_("%(person)s withdrew their consent to %(what)s.") % values)
            elif lacking.has_consent:
                values["parts"] = "; ".join(str(Part(part).label) for part in lacking.parts)
                found.append(
                    _("The consent of %(person)s to %(what)s does not cover: %(parts)s.") % values
                )
            else:
                found.append(_("%(person)s has not agreed to %(what)s.") % values)
        return found


class OverrideRefused(ConsentError):
    """An override asked by someone who may not override consent."""


def describe_purpose(purpose: str, partner: PartnerOrganisation | None, country: str) -> str:
    if purpose == ConsentKind.PARTNER and partner is not None:
        return _("sharing with %(partner)s") % {"partner": partner.name}
    if purpose == ConsentKind.HOST_GOVERNMENT and country:
        return _("sharing with the government of %(country)s") % {"country": country}
    return str(ConsentKind(purpose).label)


@dataclass(frozen=True)
class Consented:
    """What allowed a share: each person's current consent (None for
    those an override covers) and the override, if any."""

    purpose: str
    consents: dict[uuid.UUID, Consent | None]
    override: ConsentOverride | None = None


def current_consents(case: Case, kind: str, target: str) -> dict[uuid.UUID, Consent]:
    """The record in force or last withdrawn, per person, for this kind and target."""
    found = Consent.objects.filter(case=case, kind=kind, target=target, superseded_by=None)
    return {consent.person_id: consent for consent in found}


def require_consent(
    case: Case,
    purpose: str,
    partner: PartnerOrganisation | None = None,
    *,
    by: User,
    country: str = "",
    parts: Iterable[str] = (),
    override_reason: str = "",
) -> Consented:
    """Every person of ``case`` has consented to ``purpose`` (with this
    partner, or this country's government), covering ``parts``; else
    ConsentMissing. With ``override_reason``, someone who may override
    consent goes ahead anyway: the override is kept (its reason sealed to
    casework) and audited; anyone else gets OverrideRefused. Call it in
    the share's own transaction, so a consent withdrawn meanwhile counts."""
    wanted = tuple(sorted(set(parts)))
    people = list(case.people.order_by("position"))
    consents = current_consents(case, purpose, target_of(purpose, partner, country))
    lacking = []
    for person in people:
        consent = consents.get(person.pk)
        if consent is None:
            lacking.append(Lacking(person, wanted))
        elif consent.withdrawn_on is not None:
            lacking.append(Lacking(person, wanted, withdrawn=True, has_consent=True))
        elif missing := tuple(part for part in wanted if part not in consent.scope):
            lacking.append(Lacking(person, missing, has_consent=True))
    in_force = {pk: c for pk, c in consents.items() if c.withdrawn_on is None}
    if people and not lacking:
        return Consented(purpose, {person.pk: in_force[person.pk] for person in people})
    refusal = ConsentMissing(purpose, lacking, partner=partner, country=country)
    if not override_reason.strip() or not people:
        raise refusal
    override = make_override(
        case, refusal, by=by, reason=override_reason, partner=partner, country=country
    )
    covered: dict[uuid.UUID, Consent | None] = {
        person.pk: in_force.get(person.pk) for person in people
    }
    for item in lacking:
        covered[item.person.pk] = None
    return Consented(purpose, covered, override)


def make_override(
    case: Case,
    refusal: ConsentMissing,
    *,
    by: User,
    reason: str,
    partner: PartnerOrganisation | None = None,
    country: str = "",
) -> ConsentOverride:
    """Go ahead although ``refusal`` says whose consent lacks: only for
    someone who may override consent, with a written reason (sealed to
    casework); the override is kept and audited. Else OverrideRefused."""
    reason = reason.strip()
    if not reason:
        raise refusal
    if not by.is_active or not by.can(Perm.OVERRIDE_CONSENT):
        raise OverrideRefused(_("Only those who may override consent can share without it."))
    override = ConsentOverride(
        case=case,
        purpose=refusal.purpose,
        partner=partner,
        country=country,
        lacking=[str(item.person.pk) for item in refusal.lacking],
        by=by,
    )
    override.reason = reason
    override.save(force_insert=True)
    record(
        by,
        "case.consent_overridden",
        case,
        consent=refusal.purpose,
        partner=partner.pk if partner is not None else None,
        people=len(refusal.lacking),
        override=str(override.pk),
    )
    return override


def refused(by: User, case: Case, refusal: ConsentError, *, action: str) -> None:
    """Audit a share refused for want of consent (outside the share's
    transaction, which was rolled back)."""
    lacking = len(refusal.lacking) if isinstance(refusal, ConsentMissing) else 0
    record(
        by,
        "case.consent_refused",
        case,
        outcome=Outcome.DENIED,
        sharing=action,
        people=lacking,
        override=isinstance(refusal, OverrideRefused),
    )


# --- Names in the reader's words -----------------------------------------------------


def person_label(person: Person) -> str:
    """A person without their name: the principal, or the household member's number."""
    if person.role == Role.PRINCIPAL:
        return _("the principal")
    return _("household member %(number)s") % {"number": person.position}


def namer(user: User, case: Case, people: Iterable[Person]) -> Callable[[Person], str]:
    """How a page names the people of a case for ``user``: by their name
    when they may read identity (and it is recorded), else by their place."""
    names: dict[uuid.UUID, str] = {}
    if may_read_identity(user, case):
        listed = list(people)
        bulk.open_rows(listed, ["identity"])
        for person in listed:
            given = person.identity.name.strip()
            if given:
                names[person.pk] = f"{given} ({person_label(person)})"

    def name_of(person: Person) -> str:
        return names.get(person.pk) or person_label(person).capitalize()

    return name_of


# --- The case page's section ---------------------------------------------------------


def section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The consent section of the case page (cases/sections/consent.html)."""
    from safepassage.cases.consent_page import section_context

    return section_context(request, case)
