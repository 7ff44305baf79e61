"""The access functions of cases, one per model: the same 404 for what
does not exist and for what this person may not see (each refusal
audited, accounts.access.deny)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db.models import Q, QuerySet

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS, Perm
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Consent,
    Host,
    Journey,
    JourneyLeg,
    Note,
    PartnerOrganisation,
    Pathway,
    Person,
    SafeHouse,
    SentBundle,
    Stay,
    Task,
    TravelDocument,
)
from safepassage.vault.keyring import current_keyring_or_none

IDENTITY = "identity"


def get_case_for(user: User, code: str) -> Case:
    """Staff who work cases see a case of their team, or any case if they
    oversee every team; the same 404 otherwise as for a case that does not exist."""
    # Its team and assignee come along: every page of a case names them.
    case = Case.objects.filter(code=code[:12]).select_related("team", "assignee").first()
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


def case_rule(user: User) -> Q:
    """get_case_for's rule as one condition on cases: the cases ``user``
    may see. Empty (every case) for those who oversee every team; it is
    moved onto the records of a case with conditions.through."""
    if not user.is_active or not user.can(Perm.VIEW_CASES):
        return Q(pk__in=[])
    if user.can(Perm.VIEW_ALL_TEAMS):
        return Q()
    return Q(team_id__in=user.team_ids) | Q(team=None, opened_by_id=user.pk)


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases get_case_for lets ``user`` see, as one query (for lists
    and searches): the same rule, condition by condition (case_rule)."""
    rule = case_rule(user)
    if rule == Q(pk__in=[]):
        return Case.objects.none()
    return Case.objects.filter(rule)


# --- workflow: who reads who the person is -----------------------------------------


def may_read_identity(user: User, case: Case) -> bool:
    """Whether ``user`` may read the identity of ``case`` (its people's
    names, contacts, places): until the case is accepted, only those who
    verify cases (verifiers and coordinators); after, anyone who may see
    it. Identity's keys are needed too: cryptography has the last word.
    Everyone else sees the case's code. The caller has ``case`` from
    get_case_for (or visible_cases)."""
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds(IDENTITY):
        return False
    if not user.is_active:
        return False
    if case.accepted_on is not None:
        return True
    return user.can(Perm.VERIFY_CASES)


def staff_who_see(case: Case) -> QuerySet[User]:
    """The staff get_case_for lets see ``case`` (active, allowed to see
    cases), as one query: the same rule, seen from the case (for the
    assignee's choices)."""
    every_team = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_ALL_TEAMS in perms]
    seeing = Q(role_grants__role__in=every_team)
    if case.team_id is not None:
        seeing |= Q(memberships__team_id=case.team_id)
    else:
        seeing |= Q(pk=case.opened_by_id)
    staff = User.objects.filter(seeing, is_active=True).distinct().prefetch_related("role_grants")
    return staff.order_by("username")


def identity_cases(user: User) -> QuerySet[Case]:
    """The cases whose identity ``user`` may read (may_read_identity), as
    one query: for the name search."""
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds(IDENTITY):
        return Case.objects.none()
    visible = visible_cases(user)
    if user.can(Perm.VERIFY_CASES):
        return visible
    return visible.filter(accepted_on__isnull=False)


# --- Safe houses and stays (cases.safehouses, cases.stays) -------------------------


def visible_safe_houses(user: User) -> QuerySet[SafeHouse]:
    """The houses ``user`` sees by their label and occupancy."""
    if not user.is_active:
        return SafeHouse.objects.none()
    if not user.can(Perm.VIEW_SAFE_HOUSES):
        return SafeHouse.objects.none()
    return SafeHouse.objects.all()


def get_safe_house_for(user: User, house_id: str, *, manage: bool = False) -> SafeHouse:
    """A safe house by its id, for staff who work with safe houses (or,
    with ``manage``, who manage them): its label and occupancy. Where it is
    needs more (may_know_location). The same 404 for a house that does not
    exist and one this person may not see."""
    try:
        wanted = uuid.UUID(str(house_id))
    except ValueError:
        raise deny(user, "safehouse", "safehouse:unknown") from None
    house = SafeHouse.objects.filter(pk=wanted).first()
    if house is None:
        raise deny(user, "safehouse", "safehouse:unknown")
    if not user.is_active:
        raise deny(user, "safehouse", house)
    if not user.can(Perm.VIEW_SAFE_HOUSES):
        raise deny(user, "safehouse", house)
    if manage and not user.can(Perm.MANAGE_SAFE_HOUSES):
        raise deny(user, "safehouse", house)
    return house


def cleared_house_ids(user: User) -> frozenset[uuid.UUID]:
    """The houses ``user`` is cleared for, by name or through a team (one query)."""
    if not user.is_active:
        return frozenset()
    return frozenset(
        SafeHouse.objects.filter(Q(cleared_staff=user) | Q(cleared_teams__in=user.team_ids))
        .values_list("pk", flat=True)
        .distinct()
    )


def may_know_location(user: User, house: SafeHouse) -> bool:
    """Whether ``user`` may read where ``house`` is (its address, directions,
    host, and its region when sealed): cleared for it, by name or through a
    team, and holding identity's keys. Anyone else sees its label."""
    if not user.is_active:
        return False
    if not user.can(Perm.VIEW_SAFE_HOUSES):
        return False
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("identity"):
        return False
    return house.pk in cleared_house_ids(user)


def may_place(user: User, case: Case) -> bool:
    """Whether ``user`` may place ``case`` in a safe house and record its
    stays: those who manage houses, for any case they see; caseworkers,
    for a case of their team."""
    if not user.is_active:
        return False
    if not user.can(Perm.PLACE_IN_SAFE_HOUSES):
        return False
    if user.can(Perm.MANAGE_SAFE_HOUSES):
        return True
    return case.team_id is not None and case.team_id in user.team_ids


def get_case_stays_for(user: User, code: str) -> Case:
    """A case whose stays ``user`` may see: a case they see (get_case_for),
    for staff who work with safe houses; the same 404 otherwise."""
    case = get_case_for(user, code)
    if not user.can(Perm.VIEW_SAFE_HOUSES):
        raise deny(user, "stay", case)
    return case


def get_case_to_place_for(user: User, code: str) -> Case:
    """A case ``user`` may see and place (get_case_stays_for, may_place);
    the same 404 otherwise."""
    case = get_case_stays_for(user, code)
    if not may_place(user, case):
        raise deny(user, "stay", case)
    return case


def get_stay_for(user: User, code: str, stay_id: str, *, change: bool = False) -> Stay:
    """A stay of a case whose stays ``user`` may see (get_case_stays_for), or, with
    ``change``, may place (may_place); the same 404 for a stay that does
    not exist, of another case, or of a case not theirs."""
    case = get_case_to_place_for(user, code) if change else get_case_stays_for(user, code)
    try:
        wanted = uuid.UUID(str(stay_id))
    except ValueError:
        raise deny(user, "stay", case) from None
    stay = Stay.objects.filter(pk=wanted, case=case).select_related("house", "case").first()
    if stay is None:
        raise deny(user, "stay", case)
    return stay


# --- Travel: documents, applications, journeys, asylum claims; hosts ------------------
# (travel.py). A record of a case the user may not see is the same 404
# as one that does not exist, and so is a record of another case.


def _record_of(user: User, case: Case, model: type[Any], record_id: str, what: str) -> Any:
    try:
        wanted = uuid.UUID(str(record_id))
    except ValueError:
        raise deny(user, what, case) from None
    found = model.objects.filter(pk=wanted, case=case).first()
    if found is None:
        raise deny(user, what, case)
    return found


def get_travel_document_for(user: User, code: str, document_id: str) -> TravelDocument:
    case = get_case_for(user, code)
    return cast(TravelDocument, _record_of(user, case, TravelDocument, document_id, "document"))


def get_application_for(user: User, code: str, application_id: str) -> Application:
    case = get_case_for(user, code)
    return cast(Application, _record_of(user, case, Application, application_id, "application"))


def get_journey_for(user: User, code: str, journey_id: str) -> Journey:
    case = get_case_for(user, code)
    return cast(Journey, _record_of(user, case, Journey, journey_id, "journey"))


def get_journey_leg_for(user: User, code: str, journey_id: str, leg_id: str) -> JourneyLeg:
    journey = get_journey_for(user, code, journey_id)
    try:
        wanted = uuid.UUID(str(leg_id))
    except ValueError:
        raise deny(user, "journey_leg", journey.case) from None
    leg = JourneyLeg.objects.filter(pk=wanted, journey=journey).first()
    if leg is None:
        raise deny(user, "journey_leg", journey.case)
    return leg


def get_asylum_claim_for(user: User, code: str, claim_id: str) -> AsylumClaim:
    case = get_case_for(user, code)
    return cast(AsylumClaim, _record_of(user, case, AsylumClaim, claim_id, "asylum_claim"))


def get_host_for(user: User, host_id: int) -> Host:
    """Hosts are kept by those who manage them (coordinators, administrators)."""
    require(user, Perm.MANAGE_HOSTS)
    host = Host.objects.filter(pk=host_id).first()
    if host is None:
        raise deny(user, "host", f"host:{host_id}")
    return host


def get_pathway_for(user: User, pathway_id: int) -> Pathway:
    require(user, Perm.MANAGE_HOSTS)
    pathway = Pathway.objects.filter(pk=pathway_id).select_related("host").first()
    if pathway is None:
        raise deny(user, "pathway", f"pathway:{pathway_id}")
    return pathway


# --- Consent, referrals and transfers ------------------------------------------------


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


# --- Notes and tasks (cases.notes, cases.tasks) ------------------------------------


def get_note_for(user: User, code: str, note_id: str, *, own: bool = False) -> Note:
    """A note of a case ``user`` may see (get_case_for), or, with ``own``,
    one they wrote (to change it); the same 404 for a note that does not
    exist, of another case, of a case not theirs, or someone else's."""
    case = get_case_for(user, code)
    try:
        wanted = uuid.UUID(str(note_id))
    except ValueError:
        raise deny(user, "note", case) from None
    note = Note.objects.filter(pk=wanted, case=case).select_related("author").first()
    if note is None:
        raise deny(user, "note", case)
    if own and note.author_id != user.pk:
        raise deny(user, "note", case)
    return note


def get_task_for(user: User, code: str, task_id: str) -> Task:
    """A task of a case ``user`` may see (get_case_for), for those who
    give tasks; the same 404 for a task that does not exist, of another
    case, or of a case not theirs."""
    case = get_case_for(user, code)
    if not user.can(Perm.ASSIGN_TASKS):
        raise deny(user, Perm.ASSIGN_TASKS.value, case)
    try:
        wanted = uuid.UUID(str(task_id))
    except ValueError:
        raise deny(user, "task", case) from None
    task = Task.objects.filter(pk=wanted, case=case).select_related("owner", "case").first()
    if task is None:
        raise deny(user, "task", case)
    return task


def may_own_tasks(user: User) -> bool:
    """Whether ``user`` can be given a task (on a case they see: staff_who_see)."""
    return user.is_active and user.can(Perm.VIEW_CASES) and user.can(Perm.ASSIGN_TASKS)
