"""A test-only model with every kind of encrypted field, so the vault's
fields are exercised before the features that will use them exist."""

from __future__ import annotations

from django.db import models

from safepassage.vault.fields import (
    BlindIndexField,
    EncryptedJSONField,
    EncryptedTextField,
    SealedModel,
    normalise_handle,
)
from safepassage.vault.models import Compartment


class Specimen(SealedModel):
    label = models.CharField(max_length=20, blank=True)
    name = EncryptedTextField(compartment=Compartment.IDENTITY, searchable=True, null=True)
    contact = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    contact_index = BlindIndexField(
        source="contact", compartment=Compartment.IDENTITY, normaliser=normalise_handle
    )
    story = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    details = EncryptedJSONField(compartment=Compartment.CASEWORK, null=True)
    request = EncryptedJSONField(compartment=Compartment.INTAKE, public_writes=True, null=True)

    class Meta:
        app_label = "specimens"
