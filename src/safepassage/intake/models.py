"""Requests for help and the conversation that follows.

What a person writes is sealed to the intake compartment's public key the
moment the request is saved, and also to the person's own public key
(derived from their receipt), so they can read it back. Only coarse,
non-identifying metadata is plain: the day it arrived, how urgent the person
said it is, whether it came in a flood, and triage status.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import CODE_ALPHABET, Case
from safepassage.intake import payload as request_payload
from safepassage.vault.fields import EncryptedField, EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment, EncryptedFile


def new_request_code() -> str:
    return "R-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Urgency(models.IntegerChoices):
    OTHER = 0, _("other")
    THREATENED = 1, _("threatened")
    HIDING = 2, _("in hiding or detained before")
    IMMEDIATE = 3, _("immediate danger")


class Status(models.TextChoices):
    NEW = "new", _("new")
    TRIAGED = "triaged", _("in triage")
    SPAM = "spam", _("spam")
    DUPLICATE = "duplicate", _("duplicate")
    CASE = "case", _("case opened")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = (Status.NEW, Status.TRIAGED)


class Question(models.Model):
    """A question administrators add to the public form, in three languages."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        YESNO = "yesno", _("yes or no")
        CHOICE = "choice", _("one of a list")

    key = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    label_en = models.CharField(max_length=200)
    label_ru = models.CharField(max_length=200)
    label_fr = models.CharField(max_length=200)
    # For CHOICE: one option per line, "en | ru | fr".
    options = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key

    def label(self, language: str) -> str:
        return str(getattr(self, f"label_{language}", "") or self.label_en)

    def option_pairs(self, language: str) -> list[tuple[str, str]]:
        column = {"en": 0, "ru": 1, "fr": 2}.get(language, 0)
        pairs = []
        for number, line in enumerate(self.options.splitlines()):
            parts = [part.strip() for part in line.split("|")]
            if parts and parts[0]:
                text = parts[column] if column < len(parts) and parts[column] else parts[0]
                pairs.append((str(number), text))
        return pairs


class Region(models.Model):
    """A place the public form offers for "Where are you now?", named in
    each language. Administrators keep the list (intake/regions.py); a
    region is hidden rather than deleted, so the requests that named it
    still show its name."""

    key = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key

    def name(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_en)


@dataclass(frozen=True)
class FormVocabulary:
    questions: list[Question]
    regions: list[Region]


# A region's row in the question's columns (the rest left empty).
_REGION_IN_QUESTION_COLUMNS = {
    "id": "id",
    "key": "key",
    "label_en": "name_en",
    "label_ru": "name_ru",
    "label_fr": "name_fr",
    "position": "position",
    "active": "active",
}


def form_vocabulary() -> FormVocabulary:
    """The added questions and the regions the public form shows, in order.
    Every request to the form asks, so this is one plain statement (both
    tables, UNION ALL) rather than two ORM queries (a tenth of the cost);
    it is never cached, so an edit shows at once."""
    quote = connection.ops.quote_name
    columns = [str(field.column) for field in Question._meta.concrete_fields]
    as_region = _REGION_IN_QUESTION_COLUMNS
    region_select = ", ".join(quote(as_region[c]) if c in as_region else "%s" for c in columns)
    blanks = [
        False if isinstance(Question._meta.get_field(c), models.BooleanField) else ""
        for c in columns
        if c not in as_region
    ]
    # Ordered by kind, position and key (SQL counts columns from 1, kind first).
    order = f"1, {2 + columns.index('position')}, {2 + columns.index('key')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'q', {', '.join(quote(c) for c in columns)} "  # noqa: S608
            f"FROM {quote(Question._meta.db_table)} WHERE {quote('active')} = %s "
            f"UNION ALL SELECT 'r', {region_select} "
            f"FROM {quote(Region._meta.db_table)} WHERE {quote('active')} = %s "
            f"ORDER BY {order}",
            [True, *blanks, True],
        )
        rows = cursor.fetchall()
    questions, regions = [], []
    for kind, *values in rows:
        if kind == "q":
            questions.append(Question.from_db(connection.alias, columns, values))
        else:
            row = dict(zip(columns, values, strict=True))
            regions.append(Region(**{name: row[c] for c, name in as_region.items()}))
    return FormVocabulary(questions, regions)


def active_questions() -> list[Question]:
    """The questions the public form shows, in order (form_vocabulary)."""
    return form_vocabulary().questions


class Tag(SealedModel):
    """A word staff put on requests to find them again ("needs-visa"). Free
    text can name a person or a place, so the name is sealed to the intake
    compartment like the requests themselves: only those who triage read
    it. Tags are found by name in memory (actions.tag_named), not by a
    query on the name."""

    name = EncryptedTextField(compartment=Compartment.INTAKE)

    def __str__(self) -> str:
        return str(self.pk)


class RequestPayloadField(EncryptedField):
    """A request's answers: a payload.RequestPayload, stored as JSON (the
    object earlier versions stored, read tolerantly)."""

    def encode(self, value: Any) -> bytes:
        return request_payload.encode(value)

    def decode(self, raw: bytes) -> request_payload.RequestPayload:
        return request_payload.decode(raw)


class Submission(SealedModel):
    code = models.CharField(max_length=12, unique=True, default=new_request_code)
    # Coarse time only: the day, never the hour.
    received_on = models.DateField(default=timezone.localdate)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.OTHER)
    flood = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    status_reason = models.CharField(max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    # The answers, sealed to the intake compartment (no keys needed to write).
    payload = RequestPayloadField(compartment=Compartment.INTAKE, public_writes=True)
    # The same answers sealed to the person, so they can read what they sent.
    payload_for_person = models.BinaryField()
    # Finding the request again: a keyed hash of the receipt.
    receipt_lookup = models.CharField(max_length=64, unique=True)
    person_salt = models.BinaryField(max_length=16)
    person_public_key = models.BinaryField(max_length=32)
    # Set when a member of intake first opens the request: duplicate signals.
    indexed = models.BooleanField(default=False)
    fingerprint = models.JSONField(default=list, blank=True)
    last_activity = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-urgency", "received_on"]
        indexes = [models.Index(fields=["status", "urgency", "received_on"])]

    def __str__(self) -> str:
        return self.code


class Message(SealedModel):
    class Sender(models.TextChoices):
        PERSON = "person", _("the person")
        STAFF = "staff", _("staff")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_on = models.DateField(default=timezone.localdate)
    position = models.PositiveIntegerField()
    body = EncryptedTextField(compartment=Compartment.INTAKE, public_writes=True)
    body_for_person = models.BinaryField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "position"], name="one_message_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}#{self.position}"


class Attachment(models.Model):
    """A file of a request or a message; its key is sealed to the intake
    compartment (in the file record) and to the person (here).

    ``file`` is the copy everyone sees, cleaned on arrival (intake.cleaning:
    no place, time or camera in photos, nothing active in PDFs). The
    original, as it came, is kept only if the person agreed, sealed to
    intake alone (never to the person: a receipt taken from them must not
    open it), and only members of intake open it, each time audited."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.OneToOneField(EncryptedFile, on_delete=models.PROTECT)
    key_for_person = models.BinaryField()
    # False for files that arrived before files were cleaned.
    cleaned = models.BooleanField(default=False)
    # What cleaning removed, as codes (cleaning.REMOVED_LABELS): kinds, never values.
    removed = models.JSONField(default=list, blank=True)
    # The person agreed that the original be kept for documenting what happened.
    keep_original = models.BooleanField(default=False)
    original = models.OneToOneField(
        EncryptedFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="original_of",
    )

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class ReadMark(models.Model):
    """Who has seen a request since its last activity (unread markers)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE)
    seen_on = models.DateField(default=timezone.localdate)
    seen_messages = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "submission"], name="one_mark_per_reader")
        ]

    def __str__(self) -> str:
        return f"read mark {self.pk}"


class RateWindow(models.Model):
    """A count per minute (or hour) for one limit, or a spent one-time
    token; no sender is recorded. Each row goes once ``expires`` (seconds
    since the epoch) has passed (intake.limits)."""

    name = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "window"], name="one_count_per_window")
        ]
        indexes = [models.Index(fields=["expires"], name="ratewindow_expires")]

    def __str__(self) -> str:
        return f"{self.name}@{self.window}"
