"""What officials said, set beside the facts, and what they promised.

A Statement is an official's public claim: who said it, in which office,
when, the exact words in the original language and a translation, where it
was published, and its stance (denies, confirms, promises, threatens,
blames the victims). StatementLinks tie it to the events and acts it
concerns, with the passage that concerns each. A Commitment is a promise
(often made in a statement) and its follow-up: each change of its status
dated and sourced.

The speaker, office, quote, translation, place of publication and
passages are encrypted like every free text here: a quote can be public
and still, beside our facts, say what we know and from whom. The stance,
dates and statuses stay plaintext so the pages can count and sort them.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models.base import Record, new_code, term_field
from safepassage.documentation.models.people import Person
from safepassage.documentation.models.records import Act, Event
from safepassage.vault.fields import BlindIndexField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

DOCUMENTATION = Compartment.DOCUMENTATION


class Statement(Record):
    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "S"))
    speaker = EncryptedTextField(compartment=DOCUMENTATION)
    # All statements of one speaker, without opening every row.
    speaker_index = BlindIndexField(source="speaker", compartment=DOCUMENTATION)
    office = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    said_on = models.DateField(null=True, blank=True, db_index=True)
    language = term_field(null=True, blank=True)
    quote = EncryptedTextField(compartment=DOCUMENTATION)
    translation = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    published_in = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    stance = term_field()

    class Meta:
        ordering = ["-said_on", "code"]
        verbose_name = _("statement")

    def __str__(self) -> str:
        return self.code


class StatementLink(Record):
    """A statement set beside an event, or one act of it, with the passage
    of the statement that concerns it."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="statement_links")
    act = models.ForeignKey(
        Act, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_links"
    )
    passage = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)

    class Meta:
        ordering = ["statement", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "event", "act"], name="one_link_per_statement_and_act"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} -> {self.event_id}"


class CommitmentStatus(models.TextChoices):
    UNKNOWN = "unknown", _("not known yet")
    KEPT = "kept", _("kept")
    PARTLY_KEPT = "partly_kept", _("partly kept")
    NOT_KEPT = "not_kept", _("not kept")


class Commitment(Record):
    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "K"))
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    promised_by = EncryptedTextField(compartment=DOCUMENTATION)
    promised_to = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    promised_on = models.DateField(null=True, blank=True)
    promise = EncryptedTextField(compartment=DOCUMENTATION)
    # The status of the latest change (CommitmentChange keeps them all).
    status = models.CharField(
        max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.UNKNOWN
    )

    class Meta:
        ordering = ["-promised_on", "code"]
        verbose_name = _("commitment")

    def __str__(self) -> str:
        return self.code


class CommitmentChange(SealedModel):
    """A dated, sourced change of a commitment's status. Changes are only
    ever added (documentation.actions.change_commitment_status)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices)
    changed_on = models.DateField()
    source = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where it is said (a report, an article) and what happened, in words.
    reference = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    note = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["commitment", "changed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"change of {self.commitment_id}"
