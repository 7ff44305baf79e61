"""The access functions of cases, one per model: the same 404 for what
does not exist and for what this person may not see (each refusal
audited, accounts.access.deny)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases.models import Case, Consent, PartnerOrganisation, Person, SentBundle
from safepassage.vault.keyring import current_keyring_or_none


def get_case_for(user: User, code: str) -> Case:
    """Staff who work cases see a case of their team, or any case if they
    oversee every team; the same 404 otherwise as for a case that does not exist."""
    case = Case.objects.filter(code=code[:12]).first()
    if case is None:
        raise deny(user, "case", "case:unknown")
    if not user.is_active:
        raise deny(user, "case", case)
    if not user.can(Perm.VIEW_CASES):
        raise deny(user, "case", case)
    if case.team_id is not None and case.team_id in user.team_ids:
        return case
    if user.can(Perm.VIEW_ALL_TEAMS):
        return case
    if case.team_id is None and case.opened_by_id == user.pk:
        return case
    raise deny(user, "case", case)


def get_person_for(user: User, code: str, person_id: str) -> Person:
    """A person of a case ``user`` may see (get_case_for); the same 404 for
    a person who does not exist, of another case, or of a case not theirs."""
    case = get_case_for(user, code)
    try:
        wanted = uuid.UUID(str(person_id))
    except ValueError:
        raise deny(user, "person", case) from None
    person = Person.objects.filter(pk=wanted, case=case).first()
    if person is None:
        raise deny(user, "person", case)
    return person


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases get_case_for lets ``user`` see, as one query (for lists
    and searches): the same rule, condition by condition."""
    if not user.is_active:
        return Case.objects.none()
    if not user.can(Perm.VIEW_CASES):
        return Case.objects.none()
    if user.can(Perm.VIEW_ALL_TEAMS):
        return Case.objects.all()
    return Case.objects.filter(Q(team_id__in=user.team_ids) | Q(team=None, opened_by_id=user.pk))


# --- Consent, referrals and transfers ------------------------------------------------


def may_read_identity(user: User, case: Case) -> bool:
    """Whether ``user`` reads who the people of ``case`` are. Provisional
    (the workflow adds the rule that, until a case is accepted, only
    verifiers and coordinators do): whether their keys hold identity."""
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("identity")


def get_consent_for(user: User, code: str, consent_id: str) -> Consent:
    """A consent record of a case ``user`` may see; the same 404 otherwise."""
    case = get_case_for(user, code)
    try:
        wanted = uuid.UUID(str(consent_id))
    except ValueError:
        raise deny(user, "consent", case) from None
    consent = Consent.objects.filter(pk=wanted, case=case).select_related("person").first()
    if consent is None:
        raise deny(user, "consent", case)
    return consent


def get_sent_bundle_for(user: User, code: str, bundle_id: str) -> SentBundle:
    """A referral or transfer of a case ``user`` may see, for those who
    share cases; the same 404 otherwise."""
    case = get_case_for(user, code)
    if not user.can(Perm.SHARE_CASES):
        raise deny(user, Perm.SHARE_CASES.value, case)
    try:
        wanted = uuid.UUID(str(bundle_id))
    except ValueError:
        raise deny(user, "bundle", case) from None
    sent = SentBundle.objects.filter(pk=wanted, case=case).select_related("partner").first()
    if sent is None:
        raise deny(user, "bundle", case)
    return sent


def get_partner_for(user: User, partner_id: int) -> PartnerOrganisation:
    """A partner organisation, for those who keep the list; the same 404
    for one that does not exist."""
    if not user.is_active:
        raise deny(user, "partner", f"partnerorganisation:{partner_id}")
    if not user.can(Perm.MANAGE_PARTNERS):
        raise deny(user, Perm.MANAGE_PARTNERS.value, f"partnerorganisation:{partner_id}")
    partner = PartnerOrganisation.objects.filter(pk=partner_id).first()
    if partner is None:
        raise deny(user, "partner", f"partnerorganisation:{partner_id}")
    return partner


def visible_partners(user: User) -> QuerySet[PartnerOrganisation]:
    """The partner list: whole for those who keep it, the active ones for
    those who share cases, nothing for anyone else."""
    if not user.is_active:
        return PartnerOrganisation.objects.none()
    if user.can(Perm.MANAGE_PARTNERS):
        return PartnerOrganisation.objects.all()
    if user.can(Perm.SHARE_CASES):
        return PartnerOrganisation.objects.filter(active=True)
    return PartnerOrganisation.objects.none()
