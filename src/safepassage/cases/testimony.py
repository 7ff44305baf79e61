"""Handing a person's testimony over to the documentation: the one road
from a case to the documentation side (DESIGN.md: documentation never
imports cases).

``hand_over_testimony`` goes ahead only when the person has a current
consent to testimony for documentation; without one, someone who may
override consent can still hand it over with a written reason (the
override kept and audited, as for a share), and then the originals of
evidence about them never leave in a dossier. It calls documentation's
public function that makes a pseudonymous victim (a code, nothing else)
with the consent recorded, and keeps the code it was given, sealed to
casework, so the same person is not handed over twice. The audit entry
here names the case; the one there names only the documentation's code.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.consent import (
    ConsentError,
    ConsentMissing,
    Lacking,
    current_consents,
    make_override,
    target_of,
)
from safepassage.cases.models import Case, ConsentKind, HandedOverTestimony, Person
from safepassage.documentation.consent import receive_from_casework

TESTIMONY = ConsentKind.TESTIMONY


class AlreadyHandedOver(ConsentError):
    """This person's testimony went to the documentation before."""


def may_hand_over(user: User) -> bool:
    """Handing over shares something of a case: those who share cases do it."""
    return user.is_active and user.can(Perm.SHARE_CASES)


def handover_of(person: Person) -> HandedOverTestimony | None:
    return HandedOverTestimony.objects.filter(person=person).first()


@transaction.atomic
def hand_over_testimony(
    person: Person, *, by: User, originals: bool, override_reason: str = ""
) -> HandedOverTestimony:
    """Make ``person`` a pseudonymous victim in the documentation, with
    their consent. ``originals``: they agreed that the originals of
    evidence about them may be handed over in a dossier. Without a current
    testimony consent, ConsentMissing (nothing made), unless an override
    reason is given by someone who may override (else OverrideRefused)."""
    case = Case.objects.select_for_update().get(pk=person.case_id)
    if HandedOverTestimony.objects.filter(person=person).exists():
        raise AlreadyHandedOver(
            _("This person's testimony was handed over to the documentation already.")
        )
    consent = current_consents(case, TESTIMONY, target_of(TESTIMONY)).get(person.pk)
    override = None
    if consent is None or consent.withdrawn_on is not None:
        had = consent is not None
        refusal = ConsentMissing(TESTIMONY, [Lacking(person, (), withdrawn=had, has_consent=had)])
        override = make_override(case, refusal, by=by, reason=override_reason)
        consent = None
    documented = receive_from_casework(
        by,
        given_on=consent.given_on if consent is not None else timezone.localdate(),
        originals=originals and override is None,
        overridden=override is not None,
    )
    handover = HandedOverTestimony(
        case=case,
        person=person,
        consent=consent,
        override=override,
        originals=originals and override is None,
        by=by,
    )
    handover.documentation_code = documented.code
    handover.save(force_insert=True)
    record(
        by,
        "case.testimony_handed_over",
        case,
        person=str(person.pk),
        originals=handover.originals,
        override=str(override.pk) if override is not None else None,
    )
    return handover
