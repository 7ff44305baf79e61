"""Named actions of the evidence locker: receiving an original, linking
it to what it supports, making a working copy, and opening an item. Each
writes its custody entry (documentation.custody), which the audit log
mirrors, in the same transaction.

An original is kept exactly as it came: the file in the vault's store is
never rewritten, and the SHA-256 computed while it streamed in is the one
its custody log starts with. What is shown by default is a working copy;
the original is opened only when asked for, with a reason, and that is
in its custody log like every view and download.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.accounts.models import User
from safepassage.documentation import capture, custody
from safepassage.documentation.access import (
    WRITE,
    get_act_for,
    get_event_for,
    get_information_for,
    get_statement_for,
    visible_evidence,
)
from safepassage.documentation.actions import Refused, create, fill
from safepassage.documentation.models import (
    MADE_ELSEWHERE,
    Act,
    CustodyAction,
    Event,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    Information,
    Statement,
)
from safepassage.documentation.working_copies import COPY_MAX_BYTES, Box, CopyRefused, make_copy
from safepassage.vault import files
from safepassage.vault.files import StagedUpload
from safepassage.vault.keyring import current_keyring
from safepassage.vault.models import EncryptedFile

COMPARTMENT = "documentation"
Target = Event | Act | Statement | Information

COPY_REFUSALS = {
    "not-a-photo": gettext_lazy(
        "Copies are made here of photos only (JPEG, PNG, WebP, TIFF, GIF): add a copy made "
        "elsewhere for other files."
    ),
    "too-large": gettext_lazy("This photo is too large to make a copy of here."),
    "box": gettext_lazy("The box to blur is outside the picture."),
    "operation": gettext_lazy("Choose how the copy is made."),
}


def find_target(user: User, code: str) -> Target:
    """The record named by ``code`` (an event, an act, a statement, or a
    source's account by its id), through its access function: the same
    404 for a record that does not exist and one the person may not add to."""
    code = code.strip().upper()
    if code.startswith("E-"):
        return get_event_for(user, code, WRITE)
    if code.startswith("A-"):
        return get_act_for(user, code, WRITE)
    if code.startswith("S-"):
        return get_statement_for(user, code, WRITE)
    return get_information_for(user, code.lower(), WRITE)


def evidence_beside(user: User, target: Event | Statement) -> list[Evidence]:
    """The originals linked to an event (directly, or to one of its acts
    or sources' accounts) or to a statement, as far as ``user`` may see
    them, names opened, for the record's page."""
    if isinstance(target, Event):
        links = EvidenceLink.objects.filter(
            Q(event=target) | Q(act__event=target) | Q(information__event=target)
        )
    else:
        links = EvidenceLink.objects.filter(statement=target)
    visible = visible_evidence(user).filter(pk__in=links.values("evidence_id"))
    items = Evidence.objects.filter(pk__in=visible.values("pk")).prefetch_related("links__act")
    return list(items.opened("name", "description"))


def _link_fields(target: Target) -> dict[str, Target]:
    if isinstance(target, Event):
        return {"event": target}
    if isinstance(target, Act):
        return {"act": target}
    if isinstance(target, Statement):
        return {"statement": target}
    return {"information": target}


def _unclaim(stored: EncryptedFile | None) -> None:
    """After a failure: the ciphertext moved to the store goes, unless a
    file record (another item with the same bytes) still points at it."""
    if stored is not None and not EncryptedFile.objects.filter(digest=stored.digest).exists():
        files.store_path(stored.digest).unlink(missing_ok=True)


def _inspect(upload: StagedUpload) -> dict[str, Any]:
    def read() -> bytes:
        return b"".join(files.staged_chunks(upload))

    return capture.inspect(
        upload.head, upload.size or 0, read, stream=lambda: files.staged_chunks(upload)
    )


def add_evidence(
    by: User,
    upload: StagedUpload,
    *,
    target: Target | None = None,
    description: str = "",
    why: str = "",
) -> Evidence:
    """Keep ``upload`` as an original: its capture metadata read, the file
    claimed for the documentation compartment, the first custody entry
    written (the SHA-256 computed while it streamed in), and linked to
    ``target`` if given. All or nothing: after any failure no record, no
    file and no staging file is left."""
    stored: EncryptedFile | None = None
    try:
        found = _inspect(upload)
        with transaction.atomic():
            stored = files.claim(upload, COMPARTMENT)
            item = Evidence(kind=found["kind"], file=stored, size=upload.size or 0)
            fill(
                item,
                sha256=upload.plain_digest,
                name=(upload.name or "file")[:200],
                description=description.strip() or None,
                capture=found,
            )
            create(item, by)
            custody.append(
                item, by, CustodyAction.UPLOADED, before="", after=item.sha256, why=why.strip()
            )
            if target is not None:
                _link(by, item, target, why="")
    except BaseException:
        _unclaim(stored)
        upload.discard()
        raise
    return item


def _link(by: User, item: Evidence, target: Target, *, why: str) -> EvidenceLink:
    link = EvidenceLink(evidence=item, **_link_fields(target))
    create(link, by)
    custody.append(
        item,
        by,
        CustodyAction.LINKED,
        before=item.sha256,
        after=item.sha256,
        why=why,
        other=_target_code(target),
    )
    return link


def _target_code(target: Target) -> str:
    if isinstance(target, Information):
        return f"information:{target.pk}"
    return target.code


@transaction.atomic
def link_evidence(by: User, item: Evidence, target: Target, *, why: str = "") -> EvidenceLink:
    """Set an original beside one more record (a copy's links are its original's)."""
    original = item.root
    existing = EvidenceLink.objects.filter(evidence=original, **_link_fields(target))
    if existing.exists():
        raise Refused(_("This evidence is already linked to that record."))
    return _link(by, original, target, why=why.strip())


def default_copy(item: Evidence) -> Evidence | None:
    """What is shown of an original: its newest working copy, if any."""
    root = item.root
    return root.copies.order_by("-created_at", "code").first()


def default_copies(originals: Iterable[Evidence]) -> dict[uuid.UUID, Evidence]:
    """default_copy of each of ``originals`` that has a copy, by the
    original's id, in one query (a dossier's list of originals)."""
    roots = {item.original_id or item.pk for item in originals}
    newest: dict[uuid.UUID, Evidence] = {}
    copies = Evidence.objects.filter(original_id__in=roots).order_by(
        "original_id", "-created_at", "code"
    )
    for copy in copies:
        if copy.original_id is not None:
            newest.setdefault(copy.original_id, copy)
    return newest


def make_working_copy(
    by: User, item: Evidence, operation: str, *, box: Box | None = None, why: str = ""
) -> Evidence:
    """A working copy of a photo (``item`` may itself be a copy: the new one
    is made from it, and belongs to the same original). Both items' logs
    record it, each with the hashes before and after."""
    if item.kind != EvidenceKind.IMAGE:
        raise Refused(str(COPY_REFUSALS["not-a-photo"]))
    if item.size > COPY_MAX_BYTES:
        raise Refused(str(COPY_REFUSALS["too-large"]))
    _meta, chunks = files.open_file(current_keyring(), item.file)
    try:
        made = make_copy(b"".join(chunks), operation, box=box)
    except CopyRefused as refused:
        raise Refused(str(COPY_REFUSALS[str(refused)])) from None
    staged = files.stage_bytes(
        made.data, name=f"{item.code}-{operation}.{made.extension}", content_type=made.content_type
    )
    stored: EncryptedFile | None = None
    try:
        with transaction.atomic():
            stored = files.claim(staged, COMPARTMENT)
            copy = Evidence(
                original=item.root,
                operation=operation,
                kind=EvidenceKind.IMAGE,
                file=stored,
                size=len(made.data),
            )
            fill(
                copy,
                sha256=staged.plain_digest,
                name=staged.name or "copy",
                capture=capture.inspect(
                    made.data[: files.HEAD_BYTES], len(made.data), lambda: made.data
                ),
                parameters={**made.parameters, "made_from": item.code},
            )
            create(copy, by)
            _note_derived(by, item, copy, why.strip())
    except BaseException:
        _unclaim(stored)
        staged.discard()
        raise
    return copy


def _note_derived(by: User, item: Evidence, copy: Evidence, why: str) -> None:
    """Both logs: the copy's first entry, and its source's."""
    custody.append(
        copy, by, CustodyAction.DERIVED_FROM, before=item.sha256, after=copy.sha256, why=why,
        other=item.code,
    )  # fmt: skip
    custody.append(
        item, by, CustodyAction.DERIVED, before=item.sha256, after=copy.sha256, why=why,
        other=copy.code,
    )  # fmt: skip


def add_working_copy(
    by: User, item: Evidence, upload: StagedUpload, operation: str, *, why: str = ""
) -> Evidence:
    """A working copy made outside safepassage (a redacted video, a
    transcript, a translation), added as a copy of ``item``'s original:
    kept as it arrives, with its own SHA-256 and capture metadata, and
    recorded in both items' logs with the hashes before and after. All or
    nothing, as an original's upload."""
    if operation not in MADE_ELSEWHERE:
        upload.discard()
        raise Refused(str(COPY_REFUSALS["operation"]))
    stored: EncryptedFile | None = None
    try:
        found = _inspect(upload)
        with transaction.atomic():
            stored = files.claim(upload, COMPARTMENT)
            copy = Evidence(
                original=item.root,
                operation=operation,
                kind=found["kind"],
                file=stored,
                size=upload.size or 0,
            )
            fill(
                copy,
                sha256=upload.plain_digest,
                name=(upload.name or "copy")[:200],
                capture=found,
                parameters={"made_from": item.code, "made": "elsewhere"},
            )
            create(copy, by)
            _note_derived(by, item, copy, why.strip())
    except BaseException:
        _unclaim(stored)
        upload.discard()
        raise
    return copy


def open_item(
    by: User, item: Evidence, *, download: bool, why: str = ""
) -> tuple[dict[str, str], Iterator[bytes]]:
    """An item's content, its custody entry written first. An original is
    opened only with a reason (Refused without one)."""
    reason = why.strip()
    if item.is_original and not reason:
        raise Refused(_("Say why the original is needed: it is in its custody log."))
    with transaction.atomic():
        action = CustodyAction.DOWNLOADED if download else CustodyAction.VIEWED
        custody.append(item, by, action, before=item.sha256, after=item.sha256, why=reason)
    return files.open_file(current_keyring(), item.file)


def check_credentials_again(by: object, item: Evidence, *, why: str) -> dict[str, Any] | None:
    """Check an original's C2PA manifest again, against the trust anchors
    the server holds now (they were changed since it was checked): the
    original is read as on upload (capture.credentials_read), the new
    check replaces the old in its
    capture record, and the read is in its custody log with ``why``.
    Refused without a reason, and for an item whose manifest was not read
    (none, or kept elsewhere)."""
    reason = why.strip()
    if not reason:
        raise Refused(_("Say why the original is needed: it is in its custody log."))
    if not item.is_original:
        raise Refused(_("Only an original carries its camera's manifest."))
    kept = (item.capture or {}).get("c2pa")
    if not kept or kept.get("remote") or kept.get("unreadable"):
        raise Refused(_("This file has no manifest that can be checked again."))
    keyring = current_keyring()

    def pieces() -> Iterator[bytes]:
        _meta, chunks = files.open_file(keyring, item.file)
        yield from chunks

    container = item.capture.get("container", "")
    found = capture.credentials_read(container, item.size, lambda: b"".join(pieces()), pieces)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=item.pk)
        record = dict(locked.capture or {})
        if found is None:
            record.pop("c2pa", None)
        else:
            record["c2pa"] = found
        locked.capture = record
        locked.save(update_fields=["capture"])
        item.capture = record
        custody.append(
            item,
            by,
            CustodyAction.VIEWED,
            before=item.sha256,
            after=item.sha256,
            why=reason,
        )
    return found


def note_handed_over(
    by: object, item: Evidence, *, exported: bool, why: str = "", to: str = ""
) -> None:
    """For dossiers and transfers: the item left in an export (or was
    handed over to ``to``); in its custody log and the audit log."""
    action = CustodyAction.EXPORTED if exported else CustodyAction.TRANSFERRED
    custody.append(item, by, action, before=item.sha256, after=item.sha256, why=why, other=to)
