"""How the case page reads a case's travel records: rows of plain values
in the reader's language, each sealed value opened only for a reader
whose keys hold its compartment (None for anyone else, which the page
says), in a fixed number of queries however many records there are."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safepassage.cases import kept
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Journey,
    JourneyLeg,
    Person,
    Role,
    TravelDocument,
)
from safepassage.cases.models.travel import ArrivalDetails, DocumentDetails, LegDetails


def _language() -> str:
    return (get_language() or "en")[:2]


@dataclass
class DocumentRow:
    id: uuid.UUID
    kind: str
    status: str
    expires_on: date | None
    expired: bool
    details: DocumentDetails | None
    notes: str | None


@dataclass
class PersonDocuments:
    id: uuid.UUID
    label: str
    documents: list[DocumentRow] = field(default_factory=list)


@dataclass
class ApplicationRow:
    id: uuid.UUID
    host: str
    pathway: str
    office: str
    appointment_on: date | None
    submitted_on: date | None
    decision: str
    decision_code: str
    decided_on: date | None
    people: list[str]
    notes: str | None


@dataclass
class LegRow:
    id: uuid.UUID
    departs_on: date
    arrives_on: date | None
    details: LegDetails | None
    purged: bool


@dataclass
class JourneyRow:
    id: uuid.UUID
    status: str
    application: str
    legs: list[LegRow]
    arrived_on: date | None
    arrived_in: str
    arrival: ArrivalDetails | None
    purged_on: date | None
    notes: str | None


@dataclass
class ClaimRow:
    id: uuid.UUID
    host: str
    authority: str
    reference: str | None
    status: str
    lodged_on: date | None
    interview_on: date | None
    decided_on: date | None
    outcome: str
    people: list[str]
    notes: str | None


def person_labels(case: Case, *, identity: bool) -> dict[uuid.UUID, str]:
    """Each person of the case by name for a reader of identity, else by
    their place in the household ("the principal", "member 2")."""
    rows = kept.opened_people(case) if identity else kept.people(case)
    labels = {}
    for number, person in enumerate(rows, start=1):
        if person.role == Role.PRINCIPAL:
            place = _("the principal")
        else:
            place = _("member %(number)d") % {"number": number}
        name = person.identity.name.strip() if identity else ""
        labels[person.pk] = f"{name} ({place})" if name else place
    return labels


def documents_by_person(
    case: Case, labels: dict[uuid.UUID, str], today: date, *, identity: bool, casework: bool
) -> list[PersonDocuments]:
    people = {pk: PersonDocuments(pk, label) for pk, label in labels.items()}
    documents = TravelDocument.objects.filter(case=case).order_by("kind", "id")
    sealed = [name for name, held in (("details", identity), ("notes", casework)) if held]
    for document in documents.opened(*sealed) if sealed else documents:
        owner = people.get(document.person_id)
        if owner is None:
            continue
        owner.documents.append(
            DocumentRow(
                id=document.pk,
                kind=document.get_kind_display(),
                status=document.get_status_display(),
                expires_on=document.expires_on,
                expired=document.expires_on is not None and document.expires_on < today,
                details=document.details if identity else None,
                notes=document.notes if casework else None,
            )
        )
    return list(people.values())


def applications(
    case: Case, labels: dict[uuid.UUID, str], *, casework: bool
) -> list[ApplicationRow]:
    language = _language()
    rows = (
        Application.objects.filter(case=case)
        .select_related("host", "pathway")
        .prefetch_related(Prefetch("people", queryset=Person.objects.only("pk")))
    )
    return [
        ApplicationRow(
            id=application.pk,
            host=application.host.name(language),
            pathway=application.pathway.name(language),
            office=application.office,
            appointment_on=application.appointment_on,
            submitted_on=application.submitted_on,
            decision=application.get_decision_display(),
            decision_code=application.decision,
            decided_on=application.decided_on,
            people=[labels.get(p.pk, "") for p in application.people.all()],  # type: ignore[misc]
            notes=application.notes if casework else None,
        )
        for application in (rows.opened("notes") if casework else rows)
    ]


def _application_label(application: Application | None) -> str:
    if application is None:
        return ""
    language = _language()
    return f"{application.host.name(language)}: {application.pathway.name(language)}"


def journeys(case: Case, *, identity: bool, casework: bool) -> list[JourneyRow]:
    legs = JourneyLeg.objects.order_by("position", "departs_on", "id")
    rows = (
        Journey.objects.filter(case=case)
        .select_related("arrived_in", "application__host", "application__pathway")
        .prefetch_related(Prefetch("legs", queryset=legs.opened() if identity else legs))
    )
    sealed = [name for name, held in (("arrival", identity), ("notes", casework)) if held]
    language = _language()
    found = []
    for journey in rows.opened(*sealed) if sealed else rows:
        found.append(
            JourneyRow(
                id=journey.pk,
                status=journey.get_status_display(),
                application=_application_label(journey.application),
                legs=[
                    LegRow(
                        id=leg.pk,
                        departs_on=leg.departs_on,
                        arrives_on=leg.arrives_on,
                        details=leg.details if identity else None,
                        purged=getattr(leg, "details_sealed", None) is None,
                    )
                    for leg in journey.legs.all()  # type: ignore[misc]
                ],
                arrived_on=journey.arrived_on,
                arrived_in=journey.arrived_in.name(language) if journey.arrived_in else "",
                arrival=journey.arrival if identity else None,
                purged_on=journey.details_purged_on,
                notes=journey.notes if casework else None,
            )
        )
    return found


def asylum_claims(
    case: Case, labels: dict[uuid.UUID, str], *, identity: bool, casework: bool
) -> list[ClaimRow]:
    language = _language()
    rows = (
        AsylumClaim.objects.filter(case=case)
        .select_related("host")
        .prefetch_related(Prefetch("people", queryset=Person.objects.only("pk")))
    )
    sealed = [name for name, held in (("reference", identity), ("notes", casework)) if held]
    return [
        ClaimRow(
            id=claim.pk,
            host=claim.host.name(language),
            authority=claim.authority,
            reference=claim.reference if identity else None,
            status=claim.get_status_display(),
            lodged_on=claim.lodged_on,
            interview_on=claim.interview_on,
            decided_on=claim.decided_on,
            outcome=claim.get_outcome_display() if claim.outcome else "",
            people=[labels.get(p.pk, "") for p in claim.people.all()],  # type: ignore[misc]
            notes=claim.notes if casework else None,
        )
        for claim in (rows.opened(*sealed) if sealed else rows)
    ]
