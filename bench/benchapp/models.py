from django.conf import settings
from django.db import models
from django.utils import timezone

from safepassage.intake.models import new_request_code
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
    """The intake form's answers stored as they are, alone: the lower bound
    of the intake load benchmark, never part of the platform."""

    payload = models.JSONField()

    class Meta:
        app_label = "benchapp"


class PlainSubmission(models.Model):
    """intake.Submission without its encryption: the same columns and
    indexes for everything that is not a key or a ciphertext, and the
    answers as plain JSON. The comparison of the intake load benchmark."""

    code = models.CharField(max_length=12, unique=True, default=new_request_code)
    received_on = models.DateField(default=timezone.localdate)
    urgency = models.PositiveSmallIntegerField(default=0)
    flood = models.BooleanField(default=False)
    status = models.CharField(max_length=10, default="new")
    status_reason = models.CharField(max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    receipt_lookup = models.CharField(max_length=64, unique=True)
    indexed = models.BooleanField(default=False)
    fingerprint = models.JSONField(default=list, blank=True)
    last_activity = models.DateField(default=timezone.localdate)

    class Meta:
        app_label = "benchapp"
        indexes = [models.Index(fields=["status", "urgency", "received_on"])]


class SealedPerson(SealedModel):
    name = EncryptedTextField(compartment=Compartment.IDENTITY, searchable=True)

    class Meta:
        app_label = "benchapp"
