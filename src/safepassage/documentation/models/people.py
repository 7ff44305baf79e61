"""People in the documentation: victims, perpetrators, witnesses and
sources (a person, a group, or an organisation such as a newspaper).

A person's role comes from where they appear (the victim of an act, a
perpetrator in an involvement, the source of some information), so one
person can be all of these. Everything about a person is encrypted to the
documentation compartment: the name (with a blind index for exact
look-ups and the vault's encrypted directory for fuzzy search), other
names, birth, contact, description, and the sexual orientation, gender
identity and expression and sex characteristics, whose vocabulary codes
are encrypted too: they describe a person. The row keeps in plaintext only
its code, its kind and, for a group, its size.
"""

from __future__ import annotations

from functools import partial

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models.base import Record, new_code, term_field
from safepassage.vault.fields import (
    BlindIndexField,
    EncryptedJSONField,
    EncryptedTextField,
)
from safepassage.vault.models import Compartment

DOCUMENTATION = Compartment.DOCUMENTATION

# The SOGIESC vocabularies a person's profile may use, in the order shown.
SOGIESC = ("sexual_orientation", "gender_identity", "gender_expression", "sex_characteristics")


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", _("a person")
    GROUP = "group", _("a group of people")
    ORGANISATION = "organisation", _("an organisation")


class Person(Record):
    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "P"))
    kind = models.CharField(
        max_length=16, choices=PersonKind.choices, default=PersonKind.INDIVIDUAL
    )
    # How many people a group is (counting needs it); None for one person.
    group_size = models.PositiveIntegerField(null=True, blank=True)
    name = EncryptedTextField(compartment=DOCUMENTATION, searchable=True)
    # The same name written again (case and spaces aside) is found exactly.
    name_index = BlindIndexField(source="name", compartment=DOCUMENTATION)
    other_names = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # "1987", "about 30 in 2017": as the source said it.
    born = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    contact = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # Occupation, appearance, what else identifies them.
    description = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # {"sexual_orientation": code, "gender_identity": code, ...} (SOGIESC).
    profile = EncryptedJSONField(compartment=DOCUMENTATION, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("person")
        # The people page before any search: the newest first.
        indexes = [models.Index(fields=["-created_at", "-code"], name="person_newest_first")]

    def __str__(self) -> str:
        return self.code


class PersonLink(Record):
    """A biographic link: family, the same unit, command (ESF 21)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    related = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="linked_from")
    relationship = term_field()
    note = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "related", "relationship"], name="one_person_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("related")), name="no_person_links_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} -> {self.related_id}"
