"""The way out: hosts and their pathways (reference data), each person's
travel documents, applications to a host's pathway, journeys with their
legs and arrival, and the asylum claim in the host country.

Plain, for lists, reminders and statistics: kinds, statuses, dates, the
number of legs, the host and its country, the embassy or office (which
names nobody). Sealed to identity: what a document says (its number,
who issued it), where each leg goes, how and with whom, where they
arrived and who met them, the claim's reference number. Sealed to
casework: the notes.

Hosts and pathways live here, not in placement, because applications
point at them and cases never imports placement (DESIGN.md): placement
builds capacity and proposals on these rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.core import Case, Person
from safepassage.cases.opening import encode, read_stored
from safepassage.vault.fields import EncryptedField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

# --- Hosts and pathways ----------------------------------------------------------------


class HostKind(models.TextChoices):
    COUNTRY = "country", _("country")
    PARTNER = "partner", _("partner organisation")


class Host(models.Model):
    """A country that takes people in, or a partner organisation that
    brings them there. Retired rather than deleted: applications keep
    naming it."""

    kind = models.CharField(max_length=10, choices=HostKind.choices, default=HostKind.COUNTRY)
    # ISO 3166-1 alpha-2: the country itself, or where a partner works.
    country = models.CharField(max_length=2, blank=True)
    name_en = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("host")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="country") | ~Q(country=""), name="a_host_country_has_a_code"
            ),
            models.UniqueConstraint(
                fields=["country"], condition=Q(kind="country"), name="one_host_per_country"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class PathwayKind(models.TextChoices):
    HUMANITARIAN_VISA = "humanitarian_visa", _("humanitarian visa")
    RESETTLEMENT = "resettlement", _("resettlement programme")
    PRIVATE_SPONSORSHIP = "private_sponsorship", _("private sponsorship")
    FAMILY_REUNIFICATION = "family_reunification", _("family reunification")
    SHORT_STAY_VISA = "short_stay_visa", _("short-stay visa")
    STUDY_OR_WORK = "study_or_work", _("study or work visa")
    OTHER = "other", _("other")


class Pathway(models.Model):
    """A visa or a programme of a host, and its rules in words."""

    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="pathways")
    kind = models.CharField(max_length=24, choices=PathwayKind.choices)
    name_en = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    # Who qualifies, what to bring, how long it takes: public rules, no person.
    rules = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["host__name_en", "name_en"]
        verbose_name = _("pathway")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_en)


# --- What is sealed --------------------------------------------------------------------


class DocumentDetails(msgspec.Struct, kw_only=True):
    number: str = ""
    issued_by: str = ""
    issued_on: str = ""  # as written on the document
    issued_at: str = ""  # the place


class LegDetails(msgspec.Struct, kw_only=True):
    origin: str = ""
    destination: str = ""
    transport: str = ""
    escort: str = ""


class ArrivalDetails(msgspec.Struct, kw_only=True):
    place: str = ""  # a town or region, no address
    met_by: str = ""


class StructField(EncryptedField):
    """A msgspec struct stored as JSON (read tolerantly: opening.read_stored)."""

    struct: ClassVar[type[msgspec.Struct]]

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, self.struct):
            raise TypeError(f"{self.name} holds a {self.struct.__name__}")
        return encode(value)

    def decode(self, raw: bytes) -> Any:
        return read_stored(raw, self.struct)


class DocumentDetailsField(StructField):
    struct = DocumentDetails


class LegDetailsField(StructField):
    struct = LegDetails


class ArrivalDetailsField(StructField):
    struct = ArrivalDetails


# --- A person's travel documents -------------------------------------------------------


class DocumentKind(models.TextChoices):
    INTERNAL_PASSPORT = "internal_passport", _("internal passport")
    FOREIGN_PASSPORT = "foreign_passport", _("foreign-travel passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
    IDENTITY_CARD = "identity_card", _("identity card")
    MILITARY_ID = "military_id", _("military service record")
    REFUGEE_TRAVEL = "refugee_travel", _("refugee travel document")
    OTHER = "other", _("other document")


class DocumentStatus(models.TextChoices):
    NONE = "none", _("none yet")
    APPLIED = "applied", _("applied for")
    ISSUED = "issued", _("issued")
    LOST = "lost", _("lost")
    SEIZED = "seized", _("seized")


class TravelDocument(SealedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="travel_documents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="travel_documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.NONE
    )
    # Plain: the reminders of documents about to expire read it.
    expires_on = models.DateField(null=True, blank=True)
    details = DocumentDetailsField(compartment=Compartment.IDENTITY, null=True)
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("travel document")
        indexes = [
            models.Index(fields=["expires_on"], name="document_expires"),
            # Reminders of given cases: their documents' state from the index.
            models.Index(fields=["case", "status", "expires_on"], name="document_case"),
        ]

    def __str__(self) -> str:
        return f"travel document {self.pk}"


# --- Applications ----------------------------------------------------------------------


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Application(SealedModel):
    """An application to a host's pathway for some people of the case.
    ``host`` is the pathway's, kept on the row for lists by host."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applications")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="applications")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="applications")
    # The embassy, consulate or office, as "Embassy of France, Moscow":
    # names nobody, so plain.
    office = models.CharField(max_length=200, blank=True)
    appointment_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    people = models.ManyToManyField(Person, related_name="applications", blank=True)
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["submitted_on", "appointment_on", "id"]
        verbose_name = _("application")
        indexes = [
            models.Index(fields=["appointment_on"], name="application_appointment"),
            # Reminders of given cases: their appointments from the index.
            models.Index(
                fields=["case", "appointment_on", "submitted_on", "decision"],
                name="application_case",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}"


# --- Journeys --------------------------------------------------------------------------


class JourneyStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDER_WAY = "under_way", _("under way")
    COMPLETED = "completed", _("completed")
    ABORTED = "aborted", _("aborted")


class Journey(SealedModel):
    """A journey out, leg by leg, and where it ended. Only dates, the
    status and the host country are plain; where, how and with whom are
    sealed to identity, and removed a set time after arrival
    (travel.purge_journey_details)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journeys")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="journeys"
    )
    status = models.CharField(
        max_length=10, choices=JourneyStatus.choices, default=JourneyStatus.PLANNED
    )
    arrived_on = models.DateField(null=True, blank=True)
    arrived_in = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.PROTECT, related_name="arrivals"
    )
    arrival = ArrivalDetailsField(compartment=Compartment.IDENTITY, null=True)
    # When the legs' details (and who met them) were removed.
    details_purged_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        verbose_name = _("journey")
        indexes = [models.Index(fields=["arrived_on"], name="journey_arrived")]

    def __str__(self) -> str:
        return f"journey {self.pk}"


class JourneyLeg(SealedModel):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveSmallIntegerField(default=0)
    departs_on = models.DateField()
    arrives_on = models.DateField(null=True, blank=True)
    # None once purged.
    details = LegDetailsField(compartment=Compartment.IDENTITY, null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "departs_on", "id"]
        verbose_name = _("leg of a journey")

    def __str__(self) -> str:
        return f"journey leg {self.pk}"


# --- Asylum ----------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    PREPARING = "preparing", _("being prepared")
    LODGED = "lodged", _("lodged")
    INTERVIEWED = "interviewed", _("interview held")
    DECIDED = "decided", _("decided")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ClaimOutcome(models.TextChoices):
    REFUGEE = "refugee", _("refugee status granted")
    SUBSIDIARY = "subsidiary", _("subsidiary protection")
    HUMANITARIAN = "humanitarian", _("humanitarian status")
    REFUSED = "refused", _("refused")
    APPEAL = "appeal", _("refused, under appeal")


# Outcomes that protect: the case may then be "protected".
PROTECTION = (ClaimOutcome.REFUGEE, ClaimOutcome.SUBSIDIARY, ClaimOutcome.HUMANITARIAN)


class AsylumClaim(SealedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="asylum_claims")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="asylum_claims")
    # The office that decides (as "BAMF", "OFPRA"): names nobody, so plain.
    authority = models.CharField(max_length=120, blank=True)
    reference = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    status = models.CharField(
        max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.PREPARING
    )
    lodged_on = models.DateField(null=True, blank=True)
    interview_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=ClaimOutcome.choices, blank=True)
    people = models.ManyToManyField(Person, related_name="asylum_claims", blank=True)
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["lodged_on", "id"]
        verbose_name = _("asylum claim")

    def __str__(self) -> str:
        return f"asylum claim {self.pk}"
