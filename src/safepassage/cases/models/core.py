"""Cases: the people of one household on the way to safety.

A case is the household: the principal (the person who asked) and the
members who travel with them, each a Person row. Who each person is goes
to the identity compartment, what happened to casework; both can be
written by someone who holds neither (sealed to the compartment's public
key), so a verifier can open a case from a request. Only what names,
locates or describes nobody is plain: the case's code, stage, urgency,
team and dates, a person's place in the household and whether a minor.

The casework issue adds the workflow (stages, verification, safe houses,
documents, travel) on these rows.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team
from safepassage.cases.opening import Answer, Identity, encode, read_stored, read_stored_list
from safepassage.vault.fields import (
    BlindIndexField,
    EncryptedField,
    EncryptedJSONField,
    EncryptedTextField,
    SealedModel,
)
from safepassage.vault.models import Compartment

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_code() -> str:
    return "C-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Stage(models.TextChoices):
    RECEIVED = "received", _("received")
    SCREENING = "screening", _("screening")


class AnswersField(EncryptedField):
    """A list of opening.Answer, stored as JSON."""

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, list) or not all(isinstance(a, Answer) for a in value):
            raise TypeError(f"{self.name} holds a list of Answer")
        return encode(value)

    def decode(self, raw: bytes) -> list[Answer]:
        return read_stored_list(raw, Answer)


class IdentityField(EncryptedField):
    """An opening.Identity, stored as JSON."""

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, Identity):
            raise TypeError(f"{self.name} holds an Identity")
        return encode(value)

    def decode(self, raw: bytes) -> Identity:
        return read_stored(raw, Identity)


# The stored bytes of Case.identity (vault.fields: the column keeps the
# field's name, the attribute is suffixed).
LEGACY_IDENTITY = "identity_sealed"


class Case(SealedModel):
    code = models.CharField(max_length=12, unique=True, default=new_case_code)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIVED)
    urgency = models.PositiveSmallIntegerField(default=0)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    opened_on = models.DateField(default=timezone.localdate)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the case was opened from ("submission:<id>"): opening it again
    # gives this case (actions.open_case).
    opened_from = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Who travels with them, in the words of the request (identity).
    household_notes = EncryptedTextField(
        compartment=Compartment.IDENTITY, public_writes=True, null=True
    )
    # What happened and what help is needed, as paragraphs (casework).
    narrative = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True)
    # The request's other answers (casework), labelled by the app that asked.
    answers = AnswersField(compartment=Compartment.CASEWORK, public_writes=True, null=True)
    # Cases opened before people were rows: the whole identity as one JSON
    # object (name, contacts, location, household). It is moved into Person
    # rows by a member of identity (people.move_people, `safepassage cases
    # migrate-people`), then emptied: a case whose identity is set is "not
    # yet migrated". Its name stays: it is part of what its ciphertexts are
    # bound to.
    identity = EncryptedJSONField(compartment=Compartment.IDENTITY, public_writes=True, null=True)

    class Meta:
        ordering = ["-opened_on", "code"]
        verbose_name = _("case")

    def __str__(self) -> str:
        return self.code

    @property
    def people_moved(self) -> bool:
        """False for a case stored before people were rows, whose old
        identity waits to be moved (read without opening it)."""
        return getattr(self, LEGACY_IDENTITY) is None


class Role(models.TextChoices):
    PRINCIPAL = "principal", _("principal")
    MEMBER = "member", _("household member")


class Person(SealedModel):
    """Someone in a case's household. ``identity`` is the record of who they
    are (sealed to identity, writable without keys); ``name`` and
    ``other_names`` are copies of its names kept for the encrypted fuzzy
    search and ``name_index`` for exact lookups: these need identity's keys,
    so a person written without them waits with ``indexed`` false until a
    member writes them (people.index_people)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Unknown (None) until someone records it.
    minor = models.BooleanField(null=True, blank=True)
    identity = IdentityField(compartment=Compartment.IDENTITY, public_writes=True)
    name = EncryptedTextField(compartment=Compartment.IDENTITY, searchable=True, null=True)
    other_names = EncryptedTextField(compartment=Compartment.IDENTITY, searchable=True, null=True)
    name_index = BlindIndexField(source="name", compartment=Compartment.IDENTITY)
    indexed = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("person")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="principal"), name="one_principal_per_case"
            ),
            models.UniqueConstraint(fields=["case", "position"], name="one_person_per_place"),
        ]
        indexes = [models.Index(fields=["indexed"], name="person_indexed")]

    def __str__(self) -> str:
        return f"person {self.pk}"


class ContactIndex(models.Model):
    """Blind indexes of contact handles (Signal, Telegram, e-mail, phone),
    keyed with the key intake and identity share (vault.fields.
    contact_blind_index): the same handle in a request, a case or a
    household member gives the same value, and nothing else.

    An entry belongs to an intake request (by its row id: cases never
    imports intake), to a person of a case, or, for a case opened before
    people were rows and not yet migrated, to the case alone."""

    digest = models.CharField(max_length=32, db_index=True)
    request_id = models.UUIDField(null=True, blank=True, db_index=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_indexes"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_indexes"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(request_id__isnull=False) & Q(case__isnull=True))
                | (Q(request_id__isnull=True) & Q(case__isnull=False)),
                name="contact_of_a_request_or_a_case",
            ),
        ]

    def __str__(self) -> str:
        return f"contact index {self.pk}"
