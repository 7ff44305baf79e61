"""Consent, partner organisations, and the bundles sent to and received
from them.

A consent record says what one person of a case agreed to, when, how and
to whom it was explained. Records are never edited: recording again
supersedes the current record (``superseded_by``) and withdrawing marks
it withdrawn, both once, so the history stays whole. What was explained
is sealed to casework; the rest (kinds, dates, partner, host country,
what it covers) names nobody and stays plain, so the check before a share
needs no keys.

Partner organisations are reference data the administrators keep: a
name, a contact, and their public partner key (vault.bundles), whose
fingerprint someone checked with them out of band before anything is
sealed to it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.core import Case, Person
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment


class ConsentKind(models.TextChoices):
    PARTNER = "partner", _("sharing with a partner organisation")
    HOST_GOVERNMENT = "host_government", _("sharing with a host government")
    TESTIMONY = "testimony", _("testimony for documentation")
    STATISTICS = "statistics", _("counting in aggregate statistics")


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    MESSAGE = "message", _("by message")
    PHONE = "phone", _("by phone")


class Part(models.TextChoices):
    """What of a case a consent covers, and what a bundle holds."""

    IDENTITY = "identity", _("who they are (names, contacts, where they are)")
    NARRATIVE = "narrative", _("what happened (the story and the request's answers)")
    DOCUMENTS = "documents", _("the details of their documents")


class PartnerOrganisation(models.Model):
    """An organisation cases are referred or transferred to, or received
    from. ``public_key`` is the text they gave; ``box_key`` and
    ``verify_key`` are it read (vault.bundles.PartnerKey), pinned."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    public_key = models.TextField(_("partner key"))
    box_key = models.BinaryField(max_length=32)
    verify_key = models.BinaryField(max_length=32, null=True)
    pin = models.CharField(max_length=64)
    # Who compared the key's fingerprint with them, out of band, and when:
    # nothing is sealed to a key nobody checked.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    added_on = models.DateField(default=timezone.localdate)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def verified(self) -> bool:
        return self.verified_on is not None


class Consent(SealedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    partner = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A host government's country (the host country is plain metadata).
    country = models.CharField(max_length=80, blank=True)
    # What the consent is about, as one key ("partner:3", "country:france",
    # or "" for testimony and statistics): one current record per person,
    # kind and target.
    target = models.CharField(max_length=100, blank=True)
    # What it covers: values of Part.
    scope = models.JSONField(default=list)
    given_on = models.DateField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    # What was explained to them, in the caseworker's words (casework).
    explanation = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_on = models.DateField(default=timezone.localdate)
    # The order of the case's consent records (days only are kept, no times).
    number = models.PositiveIntegerField(default=0)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-number"]
        verbose_name = _("consent")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "target"],
                condition=Q(superseded_by__isnull=True),
                name="one_current_consent",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind"], name="consent_by_case")]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def current(self) -> bool:
        """In force: neither superseded nor withdrawn."""
        return self.superseded_by_id is None and self.withdrawn_on is None


class ConsentOverride(SealedModel):
    """A share made although consent was missing: who, when, for what,
    whose consent lacked, and the reason they wrote (casework)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_overrides")
    purpose = models.CharField(max_length=20, choices=ConsentKind.choices)
    partner = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(max_length=80, blank=True)
    # The people whose consent lacked, by their Person id.
    lacking = models.JSONField(default=list)
    reason = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"consent override {self.pk}"


class HandedOverTestimony(SealedModel):
    """A person of the case whose testimony went to the documentation:
    there they are a pseudonymous victim, known by a code this record
    keeps sealed to casework (documentation never learns the case). One
    per person: the same testimony is not handed over twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="testimony_handovers")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="handover")
    # The code of the victim they became in the documentation (P-7K3M9Q).
    documentation_code = EncryptedTextField(compartment=Compartment.CASEWORK)
    # The TESTIMONY consent that allowed it, or the override that did.
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override = models.ForeignKey(
        ConsentOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether they agreed that the originals of evidence about them leave in a dossier.
    originals = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField(default=timezone.localdate)
    # The day they withdrew their consent to testimony, after the
    # hand-over, and whether the documentation was told (it needs the code,
    # sealed to casework: told when someone holding its keys withdraws, or
    # later from the person's page).
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_told = models.BooleanField(default=False)
    # The day they gave it again (after a withdrawal, or after a hand-over
    # made under an override), and whether the documentation was told. A
    # withdrawal after that clears it, as this clears the withdrawal: the
    # documentation is told the latest of the two.
    given_again_on = models.DateField(null=True, blank=True)
    given_again_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"testimony hand-over {self.pk}"

    @property
    def withdrawal_untold(self) -> bool:
        return self.withdrawn_on is not None and not self.withdrawal_told

    @property
    def given_again_untold(self) -> bool:
        return self.given_again_on is not None and not self.given_again_told

    @property
    def untold(self) -> bool:
        """Whether the documentation has yet to hear of a change of consent."""
        return self.withdrawal_untold or self.given_again_untold


class ShareKind(models.TextChoices):
    REFERRAL = "referral", _("referral (they receive a copy; the case stays ours)")
    TRANSFER = "transfer", _("transfer (the case becomes theirs once they accept)")


class SentStatus(models.TextChoices):
    SENT = "sent", _("bundle made")
    ACCEPTED = "accepted", _("accepted by the partner")
    DECLINED = "declined", _("declined by the partner")


class SentBundle(models.Model):
    """A referral or a transfer: the bundle made for a partner, kept as
    made (sealed to the partner's key: this server cannot open it again),
    to be downloaded and carried to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sent_bundles")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ShareKind.choices)
    parts = models.JSONField(default=list)
    people = models.PositiveSmallIntegerField(default=0)
    override = models.ForeignKey(
        ConsentOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_on = models.DateField(default=timezone.localdate)
    bundle = models.BinaryField()
    # SHA-256 of the bundle, to compare with what the partner received.
    digest = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=SentStatus.choices, default=SentStatus.SENT)
    # The day the partner said yes or no to a transfer, and who recorded it.
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made_on"]

    def __str__(self) -> str:
        return f"sent bundle {self.pk}"


class ReceivedBundle(models.Model):
    """A bundle a partner sent, opened as a new case. Its id is the
    bundle's own, so the same bundle opens once."""

    id = models.UUIDField(primary_key=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="received_bundles")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ShareKind.choices)
    # The partner's own code for the case and its stage there (pseudonymous).
    their_code = models.CharField(max_length=20, blank=True)
    their_stage = models.CharField(max_length=20, blank=True)
    made_on = models.DateField()
    digest = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-imported_on"]

    def __str__(self) -> str:
        return f"received bundle {self.pk}"
