"""Verification against infiltration: the checks made before a case is
trusted, and their outcome (cases.verification holds the rules).

A verification is one round of checks on a case; a case may have several
(a new round starts after an outcome that is not "verified", when the case
is screened again). Only what identifies nobody is plain: the kind of each
check, what it found, who made it and when; every note and reason is free
text that can name people, sealed to casework (anyone may write it, as a
verifier may hold intake's keys only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.core import Case
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment


class Outcome(models.TextChoices):
    VERIFIED = "verified", _("verified")
    NOT_VERIFIED = "not_verified", _("not verified")
    SUSPECTED_INFILTRATION = "suspected_infiltration", _("suspected infiltration")


class CheckKind(models.TextChoices):
    INTERVIEW = "interview", _("interview")
    REFERENCE = "reference", _("reference")
    CONSISTENCY = "consistency", _("consistency between accounts")
    DOCUMENTS = "documents", _("document check")


class Finding(models.TextChoices):
    SUPPORTS = "supports", _("supports their account")
    INCONCLUSIVE = "inconclusive", _("inconclusive")
    DOUBTS = "doubts", _("raises doubts")


class Referee(models.TextChoices):
    """Who gave a reference."""

    TRUSTED_CONTACT = "trusted_contact", _("a trusted contact")
    PARTNER = "partner", _("a partner organisation")


class Verification(SealedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verifications")
    # The round's place among the case's rounds (1, 2, ...).
    number = models.PositiveSmallIntegerField()
    started_on = models.DateField(default=timezone.localdate)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Empty until the round is finished.
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True, default="")
    finished_on = models.DateField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True, null=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("verification")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_verification_per_number")
        ]

    def __str__(self) -> str:
        return f"verification {self.pk}"

    @property
    def finished(self) -> bool:
        return bool(self.outcome)


class Check(SealedModel):
    """One item of the checklist: an interview, a reference, the accounts
    compared, the documents checked."""

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=12, choices=CheckKind.choices)
    finding = models.CharField(max_length=12, choices=Finding.choices)
    # For a reference: who gave it.
    referee = models.CharField(max_length=16, choices=Referee.choices, blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The check's place in its round (1, 2, ...), and its day.
    number = models.PositiveSmallIntegerField()
    on = models.DateField(default=timezone.localdate)
    note = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True, null=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("verification check")

    def __str__(self) -> str:
        return f"check {self.pk}"
