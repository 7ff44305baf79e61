"""Named actions of intake: receiving a request, the person coming back,
staff replying and triaging, and opening a case."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases.models import Case, Stage
from safepassage.intake import limits, receipts, signals
from safepassage.intake.models import (
    Attachment,
    ContactIndex,
    Message,
    Status,
    Submission,
    Tag,
    Urgency,
    new_request_code,
)
from safepassage.vault import crypto, files
from safepassage.vault.errors import Tampered
from safepassage.vault.fields import EncryptedField, seal_for_compartment
from safepassage.vault.files import StagedUpload
from safepassage.vault.keyring import current_keyring


def busy_message() -> str:
    return _("We are receiving very many requests right now. Please wait a minute and send again.")


class Refused(Exception):
    """A request or message was not accepted; the message is for the person."""


def _context(what: str, object_id: object) -> bytes:
    return f"safepassage.intake.person.{what}:{object_id}".encode()


def _attach(submission: Submission, message: Message | None, uploads: list[StagedUpload]) -> int:
    public = bytes(submission.person_public_key)
    for upload in uploads:
        attachment = Attachment(submission=submission, message=message)
        key_for_person = files.seal_key_to(upload, public, _context("file", upload.digest))
        attachment.file = files.claim(upload, "intake")
        attachment.key_for_person = key_for_person
        attachment.save()
    return len(uploads)


@dataclass(frozen=True)
class Received:
    submission: Submission
    receipt: str


def receive_request(
    payload: dict[str, Any], uploads: list[StagedUpload], *, language: str, proven: bool = False
) -> Received:
    """Seal and store a request. Nothing identifying about the sender is kept:
    no address, no browser, the day only. Not audited: the audit log keeps
    exact times, which the request must not have."""
    receipt = receipts.new_receipt(language)
    salt = crypto.new_salt()
    person_private = receipts.person_private_key(receipt, salt)
    submission = Submission(
        urgency=int(payload.get("urgency_level", Urgency.OTHER)),
        receipt_lookup=receipts.lookup(receipt),
        person_salt=salt,
        person_public_key=crypto.public_from_private(person_private),
    )
    # All the encryption happens before the transaction, so the database's
    # write lock is held only for the count and the insert. The answers are
    # encoded once and encrypted twice: sealed to the intake compartment's
    # public key (whoever is logged in), and for the person with a key of
    # their receipt (which the server holds now, and never again).
    field = cast(EncryptedField, Submission._meta.get_field("payload"))
    plaintext = field.encode(payload)
    # Sealed already: it goes where the stored ciphertext goes (payload_sealed).
    setattr(
        submission,
        field.attname,
        seal_for_compartment(field.compartment, plaintext, field.associated(submission)),
    )
    submission.payload_for_person = crypto.encrypt(
        receipts.person_copy_key(person_private), plaintext, _context("payload", submission.pk)
    )
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                arrived = limits.hit("intake:requests")
                if arrived > settings.INTAKE_MAX_PER_MINUTE:
                    raise Refused(busy_message())
                # A request with a proof of work is not listed among the flood.
                submission.flood = arrived > settings.INTAKE_FLOOD_PER_MINUTE and not proven
                submission.save(force_insert=True)
                _attach(submission, None, uploads)
        except IntegrityError:
            # Another request has the same code (six characters: it happens
            # now and then as requests add up). Nothing was kept; another code.
            if attempt + 1 == CODE_ATTEMPTS or not _code_taken(submission.code):
                raise
            submission.code = new_request_code()
        else:
            break
    return Received(submission, receipt)


CODE_ATTEMPTS = 5


def _code_taken(code: str) -> bool:
    return Submission.objects.filter(code=code).exists()


def find(receipt: str) -> Submission | None:
    """The request of a receipt. Wrong receipts are limited for everyone
    together (no sender is tracked); a right one always works."""
    if not receipts.looks_like_receipt(receipt):
        return None
    submission = Submission.objects.filter(receipt_lookup=receipts.lookup(receipt)).first()
    if submission is None:
        limits.hit("intake:receipt-failures")
    return submission


def receipt_tries_left() -> bool:
    return limits.count("intake:receipt-failures") < settings.INTAKE_RECEIPT_TRIES_PER_MINUTE


@dataclass
class PersonView:
    payload: dict[str, Any]
    messages: list[tuple[Message, str]]
    attachments: list[Attachment]


def read_as_person(submission: Submission, receipt: str) -> PersonView:
    private = receipts.person_private_key(receipt, bytes(submission.person_salt))
    payload = json.loads(_person_copy(submission, private))
    messages = [
        (
            message,
            crypto.open_with_context(
                private, bytes(message.body_for_person), _context("message", message.pk)
            ).decode(),
        )
        for message in submission.messages.all()
    ]
    attachments = list(submission.attachments.select_related("file", "message"))
    return PersonView(payload, messages, attachments)


def _person_copy(submission: Submission, private: bytes) -> bytes:
    stored = bytes(submission.payload_for_person)
    context = _context("payload", submission.pk)
    try:
        return crypto.decrypt(receipts.person_copy_key(private), stored, context)
    except Tampered:
        # Requests stored by earlier versions: sealed to the person's public key.
        return crypto.open_with_context(private, stored, context)


def person_file(submission: Submission, receipt: str, attachment: Attachment) -> Any:
    private = receipts.person_private_key(receipt, bytes(submission.person_salt))
    return files.open_with_private(
        private,
        bytes(attachment.key_for_person),
        _context("file", attachment.file.digest),
        attachment.file,
    )


def _next_position(submission: Submission) -> int:
    last = submission.messages.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def _add_message(submission: Submission, sender: str, text: str, author: User | None) -> Message:
    message = Message(
        submission=submission, sender=sender, author=author, position=_next_position(submission)
    )
    message.body = text
    message.body_for_person = crypto.seal_with_context(
        bytes(submission.person_public_key), text.encode(), _context("message", message.pk)
    )
    message.save(force_insert=True)
    return message


def add_person_message(submission: Submission, text: str, uploads: list[StagedUpload]) -> Message:
    per_receipt = f"intake:messages:{submission.receipt_lookup[:24]}"
    if not limits.take(per_receipt, settings.INTAKE_MESSAGES_PER_HOUR, seconds=3600):
        raise Refused(_("You have sent many messages this hour. Please wait and send again later."))
    with transaction.atomic():
        message = _add_message(submission, Message.Sender.PERSON, text, None)
        _attach(submission, message, uploads)
        submission.last_activity = timezone.localdate()
        submission.save(update_fields=["last_activity"])
    return message


@transaction.atomic
def staff_reply(
    submission: Submission, text: str, uploads: list[StagedUpload], *, by: User
) -> Message:
    """A reply, readable by intake members and by the person (sealed to their key)."""
    message = _add_message(submission, Message.Sender.STAFF, text, by)
    count = _attach(submission, message, uploads)
    submission.last_activity = timezone.localdate()
    if submission.status == Status.NEW:
        submission.status = Status.TRIAGED
    submission.save(update_fields=["last_activity", "status"])
    record(by, "intake.replied", submission, files=count)
    return message


class TriageRefused(Exception):
    """A triage change that is not allowed; the message is for staff."""


def statuses_allowed(submission: Submission) -> list[Status]:
    """What the status box may set. A request with a case stays "case
    opened" (its case is where the work goes on); a request becomes "case
    opened" only by opening a case."""
    if submission.case_id is not None:
        return [Status.CASE]
    return [status for status in Status if status != Status.CASE]


@transaction.atomic
def set_status(
    submission: Submission,
    status: str,
    *,
    reason: str = "",
    duplicate_of: Submission | None = None,
    by: User,
) -> None:
    if Status(status) not in statuses_allowed(submission):
        if submission.case_id is not None:
            raise TriageRefused(_("This request has a case: its status stays “case opened”."))
        raise TriageRefused(_("A request is marked “case opened” only by opening a case."))
    submission.status = Status(status)
    submission.status_reason = reason
    submission.duplicate_of = duplicate_of if status == Status.DUPLICATE else None
    submission.save(update_fields=["status", "status_reason", "duplicate_of"])
    record(
        by,
        "intake.status_changed",
        submission,
        status=status,
        reason=reason or None,
        duplicate_of=duplicate_of.code if duplicate_of else None,
    )


def all_tags() -> list[Tag]:
    """Every tag, opened (the intake keys must be current), by name."""
    return sorted(Tag.objects.opened(), key=lambda tag: tag.name.casefold())


@transaction.atomic
def tag_named(name: str, *, by: User) -> Tag:
    """The tag with this name (letter case aside), made if there is none.
    Names are sealed, so they are compared here, once opened."""
    wanted = name.strip()
    for tag in all_tags():
        if tag.name.casefold() == wanted.casefold():
            return tag
    tag = Tag()
    tag.name = wanted
    tag.save(force_insert=True)
    record(by, "intake.tag_created", tag)
    return tag


@transaction.atomic
def set_tags(submission: Submission, tags: list[Tag], *, by: User) -> None:
    submission.tags.set(tags)
    record(by, "intake.tagged", submission, tags=sorted(str(tag.pk) for tag in tags))


@transaction.atomic
def assign(submission: Submission, user: User | None, *, by: User) -> None:
    submission.assigned_to = user
    if submission.status == Status.NEW:
        submission.status = Status.TRIAGED
    submission.save(update_fields=["assigned_to", "status"])
    record(by, "intake.assigned", submission, to=f"user:{user.pk}" if user else None)


IDENTITY_KEYS = ("name", "contacts", "no_contact", "location", "household")


@transaction.atomic
def open_case(submission: Submission, *, by: User) -> Case:
    """Turn a request into a case: who the person is and how to reach them
    go to the identity compartment, what happened to casework; nothing is
    left out (every answer goes to one or the other)."""
    if submission.case_id is not None:
        return submission.case  # type: ignore[return-value]
    if not submission.indexed:
        signals.index(submission, current_keyring())
    payload = dict(submission.payload)
    identity = {key: payload.pop(key) for key in IDENTITY_KEYS if key in payload}
    narrative_parts = [payload.pop("happened", ""), payload.pop("help", "")]
    case = Case(stage=Stage.RECEIVED, urgency=submission.urgency, opened_by=by)
    case.identity = identity
    # Everything else (urgency details, answers to added questions) is kept
    # with the narrative, as labelled text.
    extra = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1)
    case.narrative = "\n\n".join([*narrative_parts, extra])
    case.save(force_insert=True)
    ContactIndex.objects.bulk_create(
        ContactIndex(case=case, digest=digest)
        for digest in submission.contact_indexes.values_list("digest", flat=True)
    )
    submission.case = case
    submission.status = Status.CASE
    submission.save(update_fields=["case", "status"])
    record(by, "intake.case_opened", submission, case=case.code)
    return case
