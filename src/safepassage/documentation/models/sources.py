"""Who reported what, and what was done about it.

Information (ESF's information format): a source's account of an event or
of one act in it, with the source's connection to the facts, the date and
language of the account and how reliable it is. An act rests on as many
pieces of information as there are sources for it.

Intervention (ESF's intervention format): a letter to a prosecutor, a
complaint, an appeal to an international body; to whom, the response, the
outcome and where it stands.

The account, where it is kept, the intervening party, the addressee and
the outcome are free text that can identify a source: encrypted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models.base import Record, term_field
from safepassage.documentation.models.people import Person
from safepassage.documentation.models.records import Act, Event
from safepassage.vault.fields import EncryptedTextField
from safepassage.vault.models import Compartment

DOCUMENTATION = Compartment.DOCUMENTATION


class Information(Record):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="information")
    # None: the account is of the event as a whole.
    act = models.ForeignKey(
        Act, null=True, blank=True, on_delete=models.PROTECT, related_name="information"
    )
    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="information")
    connection = term_field()
    reliability = term_field()
    language = term_field(null=True, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    # What the source said.
    account = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # Where it is kept: an interview's number, an article, a file.
    reference = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at"]
        verbose_name = _("information")
        verbose_name_plural = _("information")

    def __str__(self) -> str:
        return f"information {self.pk}"


class InterventionStatus(models.TextChoices):
    """Where an intervention stands (after ESF 45)."""

    PLANNED = "planned", _("planned")
    WAITING = "waiting", _("sent, waiting for a response")
    ACTING = "acting", _("action taken and continuing")
    NO_ACTION = "no_action", _("no action taken")
    CLOSED = "closed", _("closed")


class Intervention(Record):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="interventions")
    act = models.ForeignKey(
        Act, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    victim = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    kind = term_field()
    made_on = models.DateField(null=True, blank=True)
    # Who acted (our lawyer, a partner), and to whom (a prosecutor, a UN body).
    intervening_party = EncryptedTextField(compartment=DOCUMENTATION)
    addressed_to = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    response = term_field(null=True, blank=True)
    outcome = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED
    )

    class Meta:
        ordering = ["event", "made_on"]
        verbose_name = _("intervention")

    def __str__(self) -> str:
        return f"intervention {self.pk}"
