"""Evidence: originals kept exactly as collected, the working copies made
from them, what each is linked to, and the custody log of each.

An Evidence item is a file in the vault's store (encrypted to the
documentation compartment, vault.files), known by the SHA-256 of its
content computed while it streamed in. An original (``original`` is None)
is never altered; a working copy (location stripped, blurred...) is
another item pointing at its original, with its own hash and the operation
that made it. Links tie an original to the events, acts, statements and
sources' accounts it supports.

Every upload, view, download, derivation, export and transfer of an item
is a CustodyEntry: a hash chain per item (documentation.custody), whose
head the organisation signs (vault.signing).

What is plaintext, and why: codes, the kind of file, its size, the
operation, dates, who acted (a user's number) and the chain's hashes, so
the chain can be walked and lists drawn without keys. What could say what
the file is or where it came from is encrypted: its name, the SHA-256 of
its content (with a copy of the database and a phone seized from a
victim, a plaintext hash would confirm which photos reached us), the
capture metadata (EXIF holds places and devices), the description, and
each custody entry's hashes and reasons (the entry's own hash covers a
random salt, so it confirms nothing either).
"""

from __future__ import annotations

from functools import partial

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models.base import Record, new_code
from safepassage.documentation.models.records import Act, Event
from safepassage.documentation.models.sources import Information
from safepassage.documentation.models.statements import Statement
from safepassage.vault.fields import EncryptedJSONField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment, EncryptedFile

DOCUMENTATION = Compartment.DOCUMENTATION


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("image")
    AUDIO = "audio", _("audio")
    VIDEO = "video", _("video")
    DOCUMENT = "document", _("document")
    WEB_ARCHIVE = "web_archive", _("web archive")
    OTHER = "other", _("other file")


class Operation(models.TextChoices):
    """How an item was made: as collected, or derived from its original."""

    ORIGINAL = "original", _("original, as collected")
    LOCATION_STRIPPED = "location_stripped", _("hidden details removed (place, device, time)")
    BLURRED = "blurred", _("blurred")
    # Made outside safepassage (a video editor, a transcriber) and added
    # here as a working copy of its original.
    REDACTED = "redacted", _("redacted (faces, voices or names hidden)")
    TRANSCRIBED = "transcribed", _("transcribed")
    TRANSLATED = "translated", _("translated")


# The working copies made elsewhere and added here (evidence.add_working_copy).
MADE_ELSEWHERE = (Operation.REDACTED, Operation.TRANSCRIBED, Operation.TRANSLATED)


class Evidence(Record):
    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "EV"))
    # None for an original; a working copy points at the original it was made from.
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    operation = models.CharField(
        max_length=24, choices=Operation.choices, default=Operation.ORIGINAL
    )
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    file = models.ForeignKey(EncryptedFile, on_delete=models.PROTECT, related_name="+")
    size = models.BigIntegerField()
    sha256 = EncryptedTextField(compartment=DOCUMENTATION)
    name = EncryptedTextField(compartment=DOCUMENTATION)
    description = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # What was read from the file without changing it (documentation.capture).
    capture = EncryptedJSONField(compartment=DOCUMENTATION)
    # The operation's parameters (the box that was blurred, its radius).
    parameters = EncryptedJSONField(compartment=DOCUMENTATION, null=True, blank=True)
    # The custody log's head, and the organisation's signature of it.
    head_seq = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    head_signature = models.BinaryField(max_length=64, null=True, blank=True)
    signing_key = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["-created_at", "code"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.code

    @property
    def is_original(self) -> bool:
        return self.original_id is None

    @property
    def root(self) -> Evidence:
        return self if self.original is None else self.original


class EvidenceLink(Record):
    """An original set beside one record: an event, an act, a statement (an
    archived copy of the official's words) or a source's account."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="links")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_links"
    )
    act = models.ForeignKey(
        Act, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_links"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_links"
    )
    information = models.ForeignKey(
        Information,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_links",
    )

    class Meta:
        ordering = ["evidence", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(event__isnull=False, act=None, statement=None, information=None)
                    | models.Q(event=None, act__isnull=False, statement=None, information=None)
                    | models.Q(event=None, act=None, statement__isnull=False, information=None)
                    | models.Q(event=None, act=None, statement=None, information__isnull=False)
                ),
                name="evidence_link_to_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"link of {self.evidence_id}"

    @property
    def target(self) -> Event | Act | Statement | Information:
        found = self.event or self.act or self.statement or self.information
        assert found is not None  # noqa: S101 - the check constraint holds it
        return found


class CustodyAction(models.TextChoices):
    UPLOADED = "uploaded", _("received and stored")
    VIEWED = "viewed", _("viewed")
    DOWNLOADED = "downloaded", _("downloaded")
    DERIVED = "derived", _("working copy made from it")
    DERIVED_FROM = "derived_from", _("made from its original")
    LINKED = "linked", _("linked to a record")
    EXPORTED = "exported", _("exported")
    TRANSFERRED = "transferred", _("handed over")


class CustodyEntry(SealedModel):
    """One link of an item's custody chain. Only ever added
    (documentation.custody.append); ``entry_hash`` is the SHA-256 of the
    entry's canonical form, which includes ``prev_hash``."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    # Who: "user:12" (the audit log's reference), or "cli".
    actor = models.CharField(max_length=48)
    action = models.CharField(max_length=16, choices=CustodyAction.choices)
    # The hashes before and after, the reason given, the item at the other
    # end (a copy made, an original), and a random salt: canonical JSON.
    details = EncryptedJSONField(compartment=DOCUMENTATION)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["evidence", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "seq"], name="one_custody_entry_per_seq"),
        ]

    def __str__(self) -> str:
        return f"custody {self.evidence_id} #{self.seq}"


class TimestampToken(models.Model):
    """An RFC 3161 token from one authority over the signed head of an
    item's log as it stood at entry ``head_seq`` (vault.timestamps):
    verified when received, kept whole, verified again by custody verify."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="timestamps")
    head_seq = models.PositiveIntegerField()
    head_hash = models.CharField(max_length=64)
    authority = models.CharField(max_length=300)
    token = models.BinaryField()
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence", "head_seq", "authority"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "head_seq", "authority"],
                name="one_token_per_head_and_authority",
            ),
        ]

    def __str__(self) -> str:
        return f"timestamp of {self.evidence_id} #{self.head_seq}"
