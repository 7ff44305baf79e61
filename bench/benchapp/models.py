from django.db import models

from safepassage.vault.fields import EncryptedJSONField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment


class PlainCase(models.Model):
    code = models.CharField(max_length=12)
    name = models.TextField()
    alias = models.TextField()
    contact = models.TextField()
    location = models.TextField()
    summary = models.TextField()

    class Meta:
        app_label = "benchapp"


class PlainGroupedCase(models.Model):
    """PlainCase's values in the shape our cases store them (identity
    together, the story apart), without encryption."""

    code = models.CharField(max_length=12)
    identity = models.JSONField()
    summary = models.TextField()

    class Meta:
        app_label = "benchapp"


class GroupedCase(SealedModel):
    """As cases.Case stores a person: one ciphertext per row and compartment
    (name, alias, contact and place in identity; the story in casework)."""

    code = models.CharField(max_length=12)
    identity = EncryptedJSONField(compartment=Compartment.IDENTITY)
    summary = EncryptedTextField(compartment=Compartment.CASEWORK)

    class Meta:
        app_label = "benchapp"


class SealedCase(SealedModel):
    """One ciphertext per field."""

    code = models.CharField(max_length=12)
    name = EncryptedTextField(compartment=Compartment.IDENTITY)
    alias = EncryptedTextField(compartment=Compartment.IDENTITY)
    contact = EncryptedTextField(compartment=Compartment.IDENTITY)
    location = EncryptedTextField(compartment=Compartment.IDENTITY)
    summary = EncryptedTextField(compartment=Compartment.CASEWORK)

    class Meta:
        app_label = "benchapp"


class PlainRequest(models.Model):
    """The intake form's answers stored as they are: the comparison for the
    intake load benchmark, never part of the platform."""

    payload = models.JSONField()

    class Meta:
        app_label = "benchapp"


class SealedPerson(SealedModel):
    name = EncryptedTextField(compartment=Compartment.IDENTITY, searchable=True)

    class Meta:
        app_label = "benchapp"
