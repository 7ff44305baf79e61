"""Dossiers: a selection of evidence, with everything a third party needs
to check it without trusting us, in one zip (documentation.dossier_files
lays it out; ``safepassage verify`` and the recipe in its index check it).

A dossier is chosen by records (events, acts, statements, evidence items)
or ``--all`` for every original the exporter may see; for each original
goes either the original itself or its working copy (the newest), as the
exporter chooses and as far as consent allows: an original leaves only if
every documented person it concerns agreed to their originals being
handed over (documentation.consent.withheld_for_consent; no consent
recorded means no), else only its working copy goes. Whatever goes, each
item's whole custody log goes with it, so a withheld original is still
listed with its SHA-256 and its history, and its working copy's log
points back to it.

Handing items over is a custody event: before a byte of the dossier is
written, each item in it gets an ``exported`` entry (with the reason and
the dossier's id) in its log and in the audit log, and the log that goes
in the dossier ends with that entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import consent, evidence
from safepassage.documentation.access import (
    get_act_for,
    get_event_for,
    get_evidence_for,
    get_statement_for,
    visible_evidence,
)
from safepassage.documentation.actions import Refused
from safepassage.documentation.models import Evidence

ORIGINALS = "originals"
COPIES = "copies"
MODES = (COPIES, ORIGINALS)

# Why an original's file is not in the dossier (its log and hash are).
WITHHELD_CHOSEN = "copies-chosen"
WITHHELD_CONSENT = "consent"
WITHHELD = {
    WITHHELD_CHOSEN: gettext_lazy("working copies were chosen for this dossier"),
    WITHHELD_CONSENT: gettext_lazy("the consent recorded does not cover handing over the original"),
}


@dataclass
class Part:
    """One item in a dossier: its file goes (``ships``), or only its log."""

    item: Evidence
    ships: bool
    withheld: str = ""
    copy_of: str = ""  # for a working copy: its original's code


@dataclass
class Dossier:
    id: str
    mode: str
    why: str
    language: str
    made: datetime
    made_by: str
    parts: list[Part] = field(default_factory=list)

    @property
    def made_at(self) -> str:
        return self.made.astimezone(UTC).isoformat(timespec="seconds")

    @property
    def name(self) -> str:
        return f"dossier-{self.made_at[:10]}-{self.id}"


def _originals_of(items: Iterable[Evidence]) -> list[Evidence]:
    seen: dict[object, Evidence] = {}
    for item in items:
        root = item.root
        seen.setdefault(root.pk, root)
    return list(seen.values())


def _beside(user: User, query: QuerySet[Evidence]) -> list[Evidence]:
    return list(visible_evidence(user).filter(original=None).filter(pk__in=query.values("pk")))


def select(user: User, codes: Iterable[str]) -> list[Evidence]:
    """The originals named by ``codes`` (an item, or the evidence linked to
    an event, an act or a statement), as far as ``user`` may see them; the
    same 404 for a code that names nothing and one not theirs."""
    chosen: list[Evidence] = []
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if code.startswith("EV-"):
            chosen.append(get_evidence_for(user, code))
        elif code.startswith("E-"):
            chosen.extend(evidence.evidence_beside(user, get_event_for(user, code)))
        elif code.startswith("A-"):
            act = get_act_for(user, code)
            chosen.extend(_beside(user, Evidence.objects.filter(links__act=act)))
        elif code.startswith("S-"):
            chosen.extend(evidence.evidence_beside(user, get_statement_for(user, code)))
        else:
            raise Http404
    return sorted(_originals_of(chosen), key=lambda item: (item.created_at, item.code))


def select_all(user: User) -> list[Evidence]:
    """Every original ``user`` may see."""
    return list(visible_evidence(user).filter(original=None).order_by("created_at", "code"))


def plan(originals: Iterable[Evidence], mode: str) -> list[Part]:
    """What goes for each original: the original, or its newest working
    copy (the original's log and hash going with it, its file withheld)."""
    if mode not in MODES:
        raise ValueError(f"unknown dossier mode {mode!r}")
    originals = list(originals)
    withheld = consent.withheld_for_consent(originals) if mode == ORIGINALS else {}
    copies = evidence.default_copies(originals)
    parts: list[Part] = []
    for original in originals:
        if mode == ORIGINALS and original.pk not in withheld:
            parts.append(Part(original, ships=True))
            continue
        reason = WITHHELD_CHOSEN if mode == COPIES else WITHHELD_CONSENT
        parts.append(Part(original, ships=False, withheld=reason))
        copy = copies.get(original.pk)
        if copy is not None:
            parts.append(Part(copy, ships=True, copy_of=original.code))
    return parts


def hand_over(
    by: User, originals: list[Evidence], *, mode: str, why: str, language: str
) -> Dossier:
    """Record the export: an ``exported`` entry in each item's custody log
    (and the audit log) and one audit entry for the dossier; returns the
    dossier to write (documentation.dossier_files). Refused without a
    reason or without evidence."""
    reason = why.strip()
    if not reason:
        raise Refused(_("Say why the dossier is made: it is in each item's custody log."))
    if not originals:
        raise Refused(_("There is no evidence in this selection that you may see."))
    dossier = Dossier(
        id=secrets.token_hex(6),
        mode=mode,
        why=reason,
        language=language,
        made=timezone.now(),
        made_by=f"user:{by.pk}",
    )
    dossier.parts = plan(originals, mode)
    with transaction.atomic():
        for part in dossier.parts:
            evidence.note_handed_over(
                by, part.item, exported=True, why=reason, to=f"dossier:{dossier.id}"
            )
        record(
            by,
            "documentation.dossier_exported",
            None,
            dossier=dossier.id,
            items=len(dossier.parts),
            files=sum(1 for part in dossier.parts if part.ships),
            mode=mode,
        )
    return dossier
