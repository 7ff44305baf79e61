"""The access functions of cases, one per model: the same 404 for what
does not exist and for what this person may not see (each refusal
audited, accounts.access.deny)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db.models import Q, QuerySet

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Host,
    Journey,
    JourneyLeg,
    Pathway,
    Person,
    TravelDocument,
)
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


# --- Travel: documents, applications, journeys, asylum claims; hosts ------------------
# (travel.py). A record of a case the user may not see is the same 404
# as one that does not exist, and so is a record of another case.


def may_read_identity(user: User, case: Case) -> bool:
    """Provisional (the workflow adds the rule for cases not yet accepted):
    whether the user's keys open the identity compartment."""
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds("identity")


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
