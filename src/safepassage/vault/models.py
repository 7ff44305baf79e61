"""The key hierarchy, as stored. Only public keys and wrapped secrets.

- RecoveryKey: its private half exists only as custodian shares (SLIP-39).
- CompartmentKey: one version of a compartment's key set (an X25519 key pair,
  a data key, a blind-index key). The secret part (the "bundle") is stored
  only wrapped: to the recovery key (RecoveryWrap) and to each member's user
  key (KeyGrant).
- UserKey: a staff member's X25519 key pair; the private half is encrypted
  under a key derived from their password with Argon2id.
- ExchangeKey: the organisation's partner key (vault.exchange), its private
  half sealed to the identity compartment.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safepassage.vault.compartments import COMPARTMENT_CODES, COMPARTMENTS_BY_CODE, Compartment
from safepassage.vault.fields import EncryptedTextField, SealedModel


class RecoveryKey(models.Model):
    public_key = models.BinaryField(max_length=32)
    threshold = models.PositiveSmallIntegerField()
    shares = models.PositiveSmallIntegerField()
    created = models.DateTimeField(default=timezone.now)
    # HMAC with the server's secret: a public key swapped in the database
    # (to make data be encrypted to an attacker) is refused.
    pin = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"recovery key {self.pk} ({self.threshold} of {self.shares})"


class CompartmentKey(models.Model):
    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    version = models.PositiveIntegerField()
    public_key = models.BinaryField(max_length=32)
    pin = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)
    # The version new data is written with. One per compartment.
    current = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["compartment", "version"], name="one_key_per_version"),
            models.UniqueConstraint(
                fields=["compartment"],
                condition=models.Q(current=True),
                name="one_current_version",
            ),
        ]
        ordering = ["compartment", "version"]

    def __str__(self) -> str:
        return f"{self.compartment} v{self.version}"


class RecoveryWrap(models.Model):
    key = models.ForeignKey(CompartmentKey, on_delete=models.CASCADE, related_name="recovery_wraps")
    recovery_key = models.ForeignKey(RecoveryKey, on_delete=models.CASCADE)
    wrapped = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "recovery_key"], name="one_recovery_wrap"),
        ]

    def __str__(self) -> str:
        return f"recovery wrap of {self.key_id}"


class UserKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_key"
    )
    public_key = models.BinaryField(max_length=32)
    pin = models.CharField(max_length=64)
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    encrypted_private_key = models.BinaryField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"user key of {self.user_id}"


class KeyGrant(models.Model):
    """Membership of a compartment, as cryptography: the version's bundle
    sealed to the member's public key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="key_grants"
    )
    key = models.ForeignKey(CompartmentKey, on_delete=models.CASCADE, related_name="grants")
    wrapped = models.BinaryField()
    granted = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_grant_per_key")]

    def __str__(self) -> str:
        return f"grant of {self.key_id} to {self.user_id}"


class VaultState(models.Model):
    """One row: when the vault was last sealed. Sessions older are void."""

    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "vault state"

    @classmethod
    def get(cls) -> VaultState:
        state, _created = cls.objects.get_or_create(pk=1)
        return state


class RotationJob(models.Model):
    """Re-encryption of one compartment to its newest version, in batches.
    ``position`` records how far it got, so it resumes after an interruption."""

    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    to_version = models.PositiveIntegerField()
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    # {"model.field": last primary key done, as text}
    position = models.JSONField(default=dict)
    rewritten = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["compartment"],
                condition=models.Q(finished__isnull=True),
                name="one_running_rotation",
            ),
        ]

    def __str__(self) -> str:
        return f"rotation of {self.compartment} to v{self.to_version}"


class EncryptedFile(models.Model):
    """A file stored as ciphertext, named by the SHA-256 of that ciphertext.

    Its content is encrypted with a random file key (vault.streams), and the
    file key is sealed to the compartment's public key, so anyone may store a
    file for a compartment and only its members can read it. The original
    name and type are sealed the same way.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    version = models.PositiveIntegerField()
    wrapped_key = models.BinaryField()
    sealed_meta = models.BinaryField()
    digest = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"file {self.pk}"


class SearchShard(models.Model):
    """Part of the encrypted directory of one searchable field: a sealed map
    from row id to normalised value. Fuzzy search opens the shards (a few
    hundred decryptions instead of one per row) and matches in memory."""

    label = models.CharField(max_length=120)  # "accounts.staffidentity.name"
    number = models.PositiveSmallIntegerField()
    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    ciphertext = models.BinaryField()
    # Row ids deleted by someone without the keys (a retention purge): left
    # out of every search, and dropped from the ciphertext at the next write.
    removed = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["label", "number"], name="one_shard_per_number"),
        ]

    def __str__(self) -> str:
        return f"shard {self.label} #{self.number}"


class ExchangeKey(SealedModel):
    """The organisation's own partner key (vault.exchange, vault.bundles):
    public halves plain and pinned, the private halves sealed to identity."""

    box_public = models.BinaryField(max_length=32)
    verify_key = models.BinaryField(max_length=32)
    pin = models.CharField(max_length=64)
    # The X25519 private key and the Ed25519 seed, as base64.
    secret = EncryptedTextField(compartment=Compartment.IDENTITY, public_writes=True)
    created = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-current", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=Q(current=True), name="one_current_exchange_key"
            ),
        ]

    def __str__(self) -> str:
        return f"partner key {self.pk}"


__all__ = [
    "COMPARTMENTS_BY_CODE",
    "COMPARTMENT_CODES",
    "Compartment",
    "CompartmentKey",
    "EncryptedFile",
    "ExchangeKey",
    "KeyGrant",
    "RecoveryKey",
    "RecoveryWrap",
    "RotationJob",
    "SearchShard",
    "UserKey",
    "VaultState",
]
