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
from collections.abc import Iterable
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
    """Where a case is on its way (cases.stages holds the moves between them)."""

    RECEIVED = "received", _("received")
    SCREENING = "screening", _("screening")
    VERIFIED = "verified", _("verified")
    ACCEPTED = "accepted", _("accepted")
    IN_SAFE_HOUSE = "in_safe_house", _("in a safe house")
    DOCUMENTS = "documents", _("documents")
    APPLIED = "applied", _("applied")
    APPROVED = "approved", _("approved")
    TRAVELLING = "travelling", _("travelling")
    ARRIVED = "arrived", _("arrived")
    ASYLUM_CLAIMED = "asylum_claimed", _("asylum claimed")
    PROTECTED = "protected", _("protected")
    CLOSED = "closed", _("closed")
    # Side exits.
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    LOST_CONTACT = "lost_contact", _("lost contact")
    DETAINED = "detained", _("detained")
    DECEASED = "deceased", _("deceased")


class Risk(models.IntegerChoices):
    """How much danger the person is in, as a caseworker judges it (ordered:
    the case list sorts on it)."""

    UNASSESSED = 0, _("not assessed")
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")
    CRITICAL = 4, _("critical")


class RiskFactor(models.TextChoices):
    """Why the person is in danger: a controlled list, kept as plain codes
    because triage filters on them (docs/casework.md). Nothing here names
    or locates anyone."""

    DETAINED_BEFORE = "detained_before", _("detained before")
    FAMILY_THREAT = "family_threat", _("threatened by family")
    OUTED = "outed", _("outed")
    SURVEILLANCE = "surveillance", _("under surveillance")
    IN_HIDING = "in_hiding", _("in hiding")
    HEALTH = "health", _("health needs")
    MINOR_IN_HOUSEHOLD = "minor_in_household", _("a minor in the household")
    NO_DOCUMENTS = "no_documents", _("no identity documents")


class Flag(models.TextChoices):
    """Marks on a case that the case list filters on. Suspected
    infiltration is set and cleared by verification only."""

    URGENT = "urgent", _("urgent")
    SUSPECTED_INFILTRATION = "suspected_infiltration", _("suspected infiltration")
    MEDICAL = "medical", _("medical")
    LEGAL = "legal", _("legal")


# Flags a person may set or clear by hand (verification owns the other).
EDITABLE_FLAGS = (Flag.URGENT, Flag.MEDICAL, Flag.LEGAL)


def joined_codes(codes: Iterable[str]) -> str:
    """A set of codes as stored: ",a,b," (sorted), so that one code is
    found with ``field__contains=",a,"`` on every database."""
    unique = sorted({code for code in codes if code})
    return f",{','.join(unique)}," if unique else ""


def split_codes(stored: str) -> list[str]:
    return [code for code in (stored or "").split(",") if code]


def has_code(field: str, code: str) -> Q:
    """The filter for rows whose ``field`` (stored by joined_codes) holds ``code``."""
    return Q(**{f"{field}__contains": f",{code},"})


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

    # The workflow (cases.stages, cases.verification, cases.actions): plain
    # columns, as the case list filters and sorts on them; none names or
    # locates anyone.
    risk = models.PositiveSmallIntegerField(choices=Risk.choices, default=Risk.UNASSESSED)
    # RiskFactor codes and Flag codes, stored by joined_codes.
    risk_factors = models.CharField(max_length=300, blank=True, default="")
    flags = models.CharField(max_length=200, blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    # The day the case entered its stage ("stuck in a stage"), and the day
    # it was last changed by any action. Days, not times, as every date of
    # intake and cases: an exact time can be matched with what a phone
    # company or a checkpoint recorded.
    stage_since = models.DateField(default=timezone.localdate)
    changed_on = models.DateField(default=timezone.localdate)
    # When the case was accepted (until then, only verifiers read who the
    # person is: cases.access.may_read_identity).
    accepted_on = models.DateField(null=True, blank=True)
    # Optimistic locking: every action adds one; a form sent with an older
    # value changes nothing.
    version = models.PositiveIntegerField(default=1)
    # Locked after a verification's outcome "suspected infiltration": no
    # move and no change until a coordinator unlocks it with a reason.
    locked_on = models.DateField(null=True, blank=True)
    # The day the retention rules removed who the case's people are and
    # what they said (cases.forgetting.forget_identity): what remains is
    # plain and pseudonymous (the code, stages and dates, counts).
    identity_purged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "code"]
        verbose_name = _("case")
        # The case list's orders, each whole (ending in the code), so a
        # page of 50 is read in order from the index rather than sorted
        # from every case; and the locked cases it counts on every page.
        indexes = [
            # A record's case looked up by its key for the conditions
            # asked through it (conditions.through: who sees it, its
            # stage, its assignee) without reading the case's row, which
            # carries its sealed columns.
            models.Index(
                fields=["id", "team", "stage", "assignee", "opened_by"], name="case_through"
            ),
            # Cases stuck in a stage, those stuck longest first: found
            # and ordered in the index (with who may see them), the rows
            # read for a page only.
            models.Index(
                fields=["stage", "stage_since", "code", "id", "team", "opened_by"],
                name="case_stage_since",
            ),
            models.Index(fields=["-risk", "-urgency", "stage_since", "code"], name="case_urgency"),
            models.Index(fields=["-changed_on", "code"], name="case_changed"),
            # The list by opening; the funnel's cases opened in a period,
            # by stage, read from the index with who may see them.
            models.Index(
                fields=["-opened_on", "code", "id", "stage", "team", "opened_by"],
                name="case_opened",
            ),
            # "Assigned to me" and on the way: the cases found, with their
            # codes, without reading their rows. Only cases someone has:
            # for "nobody assigned" the case list walks its order instead.
            models.Index(
                fields=["assignee", "stage", "code", "id"],
                name="case_assignee",
                condition=Q(assignee__isnull=False),
            ),
            # Cases nobody has, most urgent first (the dashboard's "urgent
            # cases without an owner", the case list's "nobody assigned"):
            # walked in order in the index, with what the card filters on
            # and who may see them; only the rows listed are read.
            models.Index(
                fields=[
                    "-risk",
                    "-urgency",
                    "stage_since",
                    "code",
                    "stage",
                    "flags",
                    "team",
                    "opened_by",
                    "id",
                ],
                name="case_unowned",
                condition=Q(assignee__isnull=True),
            ),
            models.Index(
                fields=["locked_on"], condition=Q(locked_on__isnull=False), name="case_locked"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def locked(self) -> bool:
        return self.locked_on is not None

    @property
    def flag_codes(self) -> list[str]:
        return split_codes(self.flags)

    @property
    def risk_factor_codes(self) -> list[str]:
        return split_codes(self.risk_factors)

    def has_flag(self, flag: str) -> bool:
        return flag in self.flag_codes

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(Flag.choices)
        return [str(labels.get(code, code)) for code in self.flag_codes]

    @property
    def risk_factor_labels(self) -> list[str]:
        labels = dict(RiskFactor.choices)
        return [str(labels.get(code, code)) for code in self.risk_factor_codes]

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
    # Optimistic locking of what is recorded about them (people.describe_person).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("person")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="principal"), name="one_principal_per_case"
            ),
            models.UniqueConstraint(fields=["case", "position"], name="one_person_per_place"),
        ]
        # The people written without identity's keys, waiting to be
        # indexed (a few, among every person): found without a scan.
        indexes = [
            models.Index(
                fields=["case", "position"], condition=Q(indexed=False), name="person_pending"
            )
        ]

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
    # The handle belongs to a case whose verification ended in "suspected
    # infiltration" (cases.verification): every request, case and household
    # member with the same handle shows the mark (contacts.flagged_digests).
    flagged = models.BooleanField(default=False)

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


class ChangeKind(models.TextChoices):
    MOVED = "moved", _("moved")
    LOCKED = "locked", _("locked")
    UNLOCKED = "unlocked", _("unlocked")


class StageChange(SealedModel):
    """One line of a case's history: a move between stages (cases.stages.
    move_case), or the case locked or unlocked (cases.verification). Why
    is free text, sealed to casework (anyone may write it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    # The change's place in the case's history (1, 2, ...), and its day.
    number = models.PositiveIntegerField()
    on = models.DateField(default=timezone.localdate)
    # The day the case entered ``from_stage`` (its stage_since before the
    # change): how long it stayed there is read from this one row.
    since = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ChangeKind.choices, default=ChangeKind.MOVED)
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = EncryptedTextField(compartment=Compartment.CASEWORK, public_writes=True, null=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("stage change")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_stage_change_per_number")
        ]
        indexes = [
            # The funnel: which stages each case reached, from the index.
            models.Index(fields=["case", "kind", "to_stage"], name="stage_change_case"),
            # The dashboard's time in each stage: the moves of a period,
            # not the whole history of every case, read from the index.
            models.Index(fields=["on", "kind", "from_stage", "since"], name="stage_change_on"),
        ]

    def __str__(self) -> str:
        return f"stage change {self.pk}"

    @classmethod
    def next_number(cls, case: Case) -> int:
        """The number of the case's next change (the caller holds the case's row lock)."""
        last = cls.objects.filter(case=case).aggregate(last=models.Max("number"))["last"]
        return (last or 0) + 1
