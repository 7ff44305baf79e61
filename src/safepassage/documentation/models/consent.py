"""What a documented person agreed to: whether their testimony may be
used, and whether the originals of the evidence about them may be handed
over in a dossier (otherwise only working copies go).

A record is never edited: recording again keeps the record it replaces,
no longer current, so the history of what was agreed stays whole. Where
it came from is plain: handed over from casework (a consent action in
cases made the person, pseudonymous, with this record) or recorded by a
documenter. What the person was told and how they said it may identify
them, so the note is sealed to the documentation compartment (and can be
written by someone without its keys, as casework hands it over).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models.people import Person
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment


class ConsentOrigin(models.TextChoices):
    CASEWORK = "casework", _("handed over from casework")
    # Handed over although casework had no consent of theirs: someone who
    # may override consent wrote why (the reason stays in casework).
    OVERRIDE = "override", _("handed over from casework under an override, without their consent")
    DOCUMENTER = "documenter", _("recorded by a documenter")
    # They withdrew, in casework, the consent their testimony came with.
    WITHDRAWN = "withdrawn", _("withdrawn in casework")


class PersonConsent(SealedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    # Their testimony may be used in the documentation.
    testimony = models.BooleanField(default=False)
    # The originals of the evidence about them may leave in a dossier.
    originals = models.BooleanField(default=False)
    given_on = models.DateField()
    origin = models.CharField(max_length=12, choices=ConsentOrigin.choices)
    note = EncryptedTextField(
        compartment=Compartment.DOCUMENTATION, null=True, blank=True, public_writes=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("consent")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(current=True), name="one_current_person_consent"
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"
