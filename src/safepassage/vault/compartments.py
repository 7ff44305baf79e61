"""The compartments data is sealed to, and the byte naming each in every
ciphertext's header (apart from the models, so that vault.fields, which
the models use, needs no model to name them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Compartment(models.TextChoices):
    INTAKE = "intake", _("Intake (requests for help)")
    IDENTITY = "identity", _("Identity (names, contacts, places, travel)")
    CASEWORK = "casework", _("Casework (narratives, notes, case documents)")
    DOCUMENTATION = "documentation", _("Documentation (testimonies, evidence, victims)")
    STAFF = "staff", _("Staff identities (names, e-mail addresses)")


# One byte in every ciphertext header; never renumber.
COMPARTMENT_CODES = {
    Compartment.INTAKE: 1,
    Compartment.IDENTITY: 2,
    Compartment.CASEWORK: 3,
    Compartment.DOCUMENTATION: 4,
    Compartment.STAFF: 5,
}
COMPARTMENTS_BY_CODE = {code: name for name, code in COMPARTMENT_CODES.items()}
