"""Named actions of intake: receiving a request, the person coming back,
staff replying and triaging, and opening a case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import actions as case_actions
from safepassage.cases.models import Case
from safepassage.intake import limits, proof, receipts, signals
from safepassage.intake import payload as request_payload
from safepassage.intake.cleaning import CleanFile
from safepassage.intake.models import (
    Attachment,
    Message,
    Status,
    Submission,
    Tag,
    Urgency,
    new_request_code,
)
from safepassage.intake.payload import RequestPayload
from safepassage.vault import crypto, files
from safepassage.vault.errors import Tampered
from safepassage.vault.fields import EncryptedField, seal_for_compartment
from safepassage.vault.files import StagedUpload
from safepassage.vault.keyring import Keyring, current_keyring


def busy_message() -> str:
    return _("We are receiving very many requests right now. Please wait a minute and send again.")


class Refused(Exception):
    """A request or message was not accepted; the message is for the person."""


class Busy(Refused):
    """A request arrived while its lane was full (a flood); nothing was kept."""


# Requests without a proof of work per minute, all senders together.
UNPROVEN = "intake:requests"


def _context(what: str, object_id: object) -> bytes:
    return f"safepassage.intake.person.{what}:{object_id}".encode()


@dataclass
class _Staged:
    """A clean file encrypted into staging, ready to be claimed."""

    clean: CleanFile
    copy: StagedUpload
    original: StagedUpload | None = None


@contextmanager
def _staged(cleaned: list[CleanFile]) -> Iterator[list[_Staged]]:
    """Files cleaned on arrival (intake.cleaning), encrypted from memory into
    staging before the transaction (the database's write lock is not held
    while they are encrypted and synced), and whatever was not claimed
    discarded afterwards, whatever happened."""
    staged: list[_Staged] = []
    try:
        for clean in cleaned:
            copy = files.stage_bytes(clean.data, name=clean.name, content_type=clean.content_type)
            staged.append(_Staged(clean, copy))
            if clean.original is not None:
                staged[-1].original = files.stage_bytes(
                    clean.original, name=clean.original_name, content_type=clean.original_type
                )
        yield staged
    finally:
        for item in staged:
            for upload in (item.copy, item.original):
                if upload is not None and not upload.claimed:
                    upload.discard()


def _attach(submission: Submission, message: Message | None, staged: list[_Staged]) -> int:
    """The clean copy sealed to intake and to the person; the original, when
    the person agreed to keep it, sealed to intake only."""
    public = bytes(submission.person_public_key)
    for item in staged:
        attachment = Attachment(
            submission=submission,
            message=message,
            cleaned=True,
            removed=list(item.clean.removed),
            keep_original=item.original is not None,
        )
        attachment.key_for_person = files.seal_key_to(
            item.copy, public, _context("file", item.copy.digest)
        )
        attachment.file = files.claim(item.copy, "intake")
        if item.original is not None:
            attachment.original = files.claim(item.original, "intake")
        attachment.save()
    return len(staged)


@dataclass(frozen=True)
class Received:
    submission: Submission
    receipt: str


def admit(checked: proof.Proof | None) -> bool:
    """Count a request in its lane, before anything is sealed, so a flood
    costs little to refuse. A request with a proof of work (not spent
    before) counts against the proven budget; any other against the budget
    of requests without one, which a flood uses up. Raises Busy when the
    lane is full (and then counts nothing); returns whether the request is
    to be listed among a flood."""
    with transaction.atomic():
        if checked is not None and limits.spend(checked.spent_name, until=checked.expires):
            if limits.hit(proof.PROVEN, keep_previous=True) > settings.INTAKE_PROVEN_PER_MINUTE:
                raise Busy(busy_message())
            return False
        arrived = limits.hit(UNPROVEN)
        if arrived > settings.INTAKE_MAX_PER_MINUTE:
            raise Busy(busy_message())
        return arrived > settings.INTAKE_FLOOD_PER_MINUTE


def receive_request(
    payload: RequestPayload,
    uploads: list[CleanFile],
    *,
    language: str,
    flood: bool = False,
) -> Received:
    """Seal and store a request. Nothing identifying about the sender is kept:
    no address, no browser, the day only. Not audited: the audit log keeps
    exact times, which the request must not have. ``flood``: what admit()
    said of the request, which was counted before its files were cleaned."""
    receipt = receipts.new_receipt(language)
    salt = crypto.new_salt()
    person_private = receipts.person_private_key(receipt, salt)
    submission = Submission(
        urgency=payload.urgency_level if payload.urgency_level in Urgency.values else Urgency.OTHER,
        receipt_lookup=receipts.lookup(receipt),
        person_salt=salt,
        person_public_key=crypto.public_from_private(person_private),
        flood=flood,
    )
    # The encryption happens outside any transaction, so the database's
    # write lock is held only for the count and for the insert. The answers
    # are encoded once and encrypted twice: sealed to the intake
    # compartment's public key (whoever is logged in), and for the person
    # with a key of their receipt (which the server holds now, and never again).
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
            with _staged(uploads) as staged, transaction.atomic():
                submission.save(force_insert=True)
                _attach(submission, None, staged)
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


RECEIPT_FAILURES = "intake:receipt-failures"


@dataclass(frozen=True)
class Lookup:
    submission: Submission | None
    # Very many wrong receipts were tried this minute (by anyone at all).
    many_wrong: bool = False


def find(receipt: str) -> Lookup:
    """The request of a receipt. It is looked up before anything else, the
    same way for every receipt, so a right one always opens its request,
    whatever others are trying. Wrong ones are counted for everyone together
    (no sender is tracked); beyond the minute's budget they are told so,
    and no longer counted, so a flood of guesses writes nothing more. A
    guess learns nothing either way: 88 random bits are what resist it."""
    submission = None
    if receipts.looks_like_receipt(receipt):
        submission = Submission.objects.filter(receipt_lookup=receipts.lookup(receipt)).first()
    if submission is not None:
        return Lookup(submission)
    budget = settings.INTAKE_RECEIPT_TRIES_PER_MINUTE
    if limits.count(RECEIPT_FAILURES) >= budget:
        return Lookup(None, many_wrong=True)
    return Lookup(None, many_wrong=limits.hit(RECEIPT_FAILURES) > budget)


@dataclass
class PersonView:
    payload: RequestPayload
    messages: list[tuple[Message, str]]
    attachments: list[Attachment]


def read_as_person(submission: Submission, receipt: str) -> PersonView:
    private = receipts.person_private_key(receipt, bytes(submission.person_salt))
    payload = request_payload.decode(_person_copy(submission, private))
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


def open_original(attachment: Attachment, keyring: Keyring, *, by: User) -> Iterator[bytes]:
    """The original of a file, as the person sent it (place, time and
    camera included, and whatever a PDF could run): kept only with their
    consent, opened only by members of intake, and every opening audited."""
    if attachment.original is None:
        raise ValueError("this file has no original")
    _meta, chunks = files.open_file(keyring, attachment.original)
    record(by, "intake.original_opened", attachment.submission, attachment=attachment.pk)
    return chunks


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


def message_counter(receipt: str) -> str:
    """The name of a receipt's count of messages this hour: a keyed hash of
    the day and the receipt itself, which the server holds only while the
    person is there. With the database and the server's secret, a row still
    cannot be linked to its request; the next day the name is another; the
    row goes when its hour ends."""
    day = timezone.now().date().isoformat()
    digest = salted_hmac(
        "safepassage.intake.messages", f"{day}:{receipts.normalise(receipt)}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"intake:messages:{digest}"


def add_person_message(
    submission: Submission, text: str, uploads: list[CleanFile], *, receipt: str
) -> Message:
    if not limits.take(message_counter(receipt), settings.INTAKE_MESSAGES_PER_HOUR, seconds=3600):
        raise Refused(_("You have sent many messages this hour. Please wait and send again later."))
    with _staged(uploads) as staged, transaction.atomic():
        message = _add_message(submission, Message.Sender.PERSON, text, None)
        _attach(submission, message, staged)
        submission.last_activity = timezone.localdate()
        submission.save(update_fields=["last_activity"])
    return message


def staff_reply(
    submission: Submission, text: str, uploads: list[CleanFile], *, by: User
) -> Message:
    """A reply, readable by intake members and by the person (sealed to their key)."""
    with _staged(uploads) as staged, transaction.atomic():
        message = _add_message(submission, Message.Sender.STAFF, text, by)
        count = _attach(submission, message, staged)
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


@transaction.atomic
def open_case_from(submission: Submission, *, by: User) -> Case:
    """Turn a request into a case (cases.actions.open_case): the person and
    those travelling with them to identity, what happened and every other
    answer to casework; nothing is left out. The request is marked "case
    opened" and stays linked. Opening again gives the same case."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.case_id is not None:
        return locked.case  # type: ignore[return-value]
    if not locked.indexed:
        signals.index(locked, current_keyring())
    opening = locked.payload.opening(f"submission:{locked.pk}", urgency=locked.urgency)
    case = case_actions.open_case(opening, by=by)
    locked.case = case
    locked.status = Status.CASE
    locked.save(update_fields=["case", "status"])
    record(by, "intake.case_opened", locked, case=case.code)
    submission.case, submission.status = case, locked.status
    return case
