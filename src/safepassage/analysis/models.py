"""Victim lists from sources, stored sealed to the documentation compartment.

A list (a newspaper's, an NGO's testimonies, an international report) is
imported from CSV or XLSX through a column mapping kept with it; each row is
sealed as it is stored. Importing needs no keys; reading and linking need the
documentation compartment.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.vault.fields import EncryptedJSONField, SealedModel
from safepassage.vault.models import Compartment

# What a victim record can hold, and which of it the linkage uses.
FIELDS = ("name", "birth", "place", "event_date", "notes")


class VictimList(SealedModel):
    # A source's name ("Novaya Gazeta, April 2017") names no victim.
    name = models.CharField(_("name"), max_length=120, unique=True)
    imported_on = models.DateField(default=timezone.localdate)
    # Our field -> the source's column title, reused by the next import.
    mapping = models.JSONField(default=dict)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VictimRecord(SealedModel):
    victim_list = models.ForeignKey(VictimList, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField()
    data = EncryptedJSONField(compartment=Compartment.DOCUMENTATION, public_writes=True)

    class Meta:
        ordering = ["victim_list", "row"]
        constraints = [
            models.UniqueConstraint(fields=["victim_list", "row"], name="one_record_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.victim_list_id}#{self.row}"
