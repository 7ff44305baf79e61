"""One case with a record of every kind, for the contracts that walk every
page and every access function of cases: its household (Zelim and his
sister Kheda), a stay in a safe house, a travel document, an application,
a journey with a leg and its arrival, an asylum claim, consents and a
referral to a partner organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safepassage.cases import notes, referrals, tasks
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Consent,
    Journey,
    JourneyLeg,
    Note,
    PartnerOrganisation,
    SafeHouse,
    SentBundle,
    Stay,
    Task,
    TravelDocument,
)
from safepassage.cases.models.travel import DocumentDetails
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, keyring_of
from tests.cases import safehouse_helpers as houses
from tests.cases import travel_helpers as travel
from tests.cases.sharing import add_partner, consent, household, our_key

# What the pages of this case may show to those who may read its identity,
# and nobody else: who its people are and how they travel, and (PLACES)
# where the house they stay in is.
IDENTITY = (
    "Zelim Daudov",
    "Kheda Daudova",
    "+7 928 000 11 22",
    "Argun",
    "Grozny",
    "75 1234567",
    "Berlin",
    "Quarteera",
    "BAMF-REF-778",
)
PLACES = (houses.ADDRESS, houses.DIRECTIONS)


@dataclass
class World:
    case: Case
    house: SafeHouse
    stay: Stay
    document: TravelDocument
    application: Application
    journey: Journey
    leg: JourneyLeg
    claim: AsylumClaim
    consent: Consent
    partner: PartnerOrganisation
    sent: SentBundle
    note: Note
    task: Task

    def ids(self) -> dict[str, Any]:
        """The values of the cases app's URL parameters for this case's records."""
        return {
            "code": self.case.code,
            "house_id": self.house.pk,
            "stay_id": self.stay.pk,
            "document_id": self.document.pk,
            "application_id": self.application.pk,
            "journey_id": self.journey.pk,
            "leg_id": self.leg.pk,
            "claim_id": self.claim.pk,
            "consent_id": self.consent.pk,
            "bundle_id": self.sent.pk,
            "partner_id": self.partner.pk,
            "host_id": self.application.pathway.host_id,
            "pathway_id": self.application.pathway_id,
            "note_id": self.note.pk,
            "task_id": self.task.pk,
        }


def build(org: Organisation) -> World:
    """The case, of the team and accepted, with every kind of record
    (the vault's ceremony held: the ``vault`` fixture)."""
    our_key()
    case = household(org)
    house = houses.make_house(org, "House 7", capacity=3)
    stay = houses.arrive(org, houses.place(org, case, house, start=houses.days(-3)))
    user = org.coordinator
    principal = case.people.get(position=0)
    document = travel.document(user, principal, details=DocumentDetails(number="75 1234567"))
    application = travel.approved(user, case)
    trip = travel.journey(user, case, application=application)
    leg = travel.leg(user, trip)
    travel.arrive(user, trip)
    trip.refresh_from_db()
    with using_keyring(keyring_of(user)):
        claim = travel.claim(user, case, reference="BAMF-REF-778")
    partner, _secret = add_partner(org)
    consents = consent(user, case, partner)
    with using_keyring(keyring_of(user)):
        sent = referrals.share(case, partner, kind="referral", parts=["identity"], by=user)
    with using_keyring(keyring_of(user)):
        note = notes.add_note(case, text="Called: the visa appointment is confirmed.", by=user)
        task = tasks.add_task(
            case,
            title="Call about the visa appointment",
            owner=org.caseworker,
            due_on=houses.days(7),
            by=user,
        )
    case.refresh_from_db()
    return World(
        case,
        house,
        stay,
        document,
        application,
        trip,
        leg,
        claim,
        consents[0],
        partner,
        sent,
        note,
        task,
    )
