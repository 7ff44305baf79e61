"""Cases: one person (and household) on the way to safety.

This is the minimal case record that intake opens; the casework issue adds
the workflow (stages, verification, safe houses, documents, travel). The
person's identity goes to the identity compartment, the narrative to
casework; both can be written by someone who holds neither (sealed to the
compartment's public key), so a verifier can open a case from a request."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team
from safepassage.vault.fields import EncryptedJSONField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_code() -> str:
    return "C-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Stage(models.TextChoices):
    RECEIVED = "received", _("received")
    SCREENING = "screening", _("screening")


class Case(SealedModel):
    code = models.CharField(max_length=12, unique=True, default=new_case_code)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIVED)
    urgency = models.PositiveSmallIntegerField(default=0)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    opened_on = models.DateField(default=timezone.localdate)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Names, contacts, where the person is, household members.
    identity = EncryptedJSONField(compartment=Compartment.IDENTITY, public_writes=True)
    # What happened and what help is needed.
    narrative = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True)

    class Meta:
        ordering = ["-opened_on", "code"]
        verbose_name = _("case")

    def __str__(self) -> str:
        return self.code
