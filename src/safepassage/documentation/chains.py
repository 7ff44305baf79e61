"""Chains of events (Events Standard Formats, micro-thesaurus 22): this
detention led to that disappearance. A link reads "this event is <kind>
of that one" and is shown on both events' pages; the kinds come in pairs
(precedes / follows, causes / is a consequence of), so the documenter says
which way it goes by the kind chosen.

A chain follows each event's confidentiality: a link is shown, and may be
removed, only by someone who may see both of its events; linking needs
both too (documentation.access.get_event_for and get_event_link_for).
Each link and unlink is audited (``documentation.events_linked``,
``documentation.events_unlinked``); reading a restricted event's title in
another event's chain is audited as a read of that event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.access import hidden_events
from safepassage.documentation.actions import link_events
from safepassage.documentation.confidentiality import note_restricted_reads
from safepassage.documentation.models import Event, EventLink
from safepassage.vault.bulk import open_rows

__all__ = ["Chain", "chain_of", "link_events", "unlink_events"]


@dataclass(frozen=True)
class Chain:
    """An event's links as ``user`` may see them: those from the event
    (it is <kind> of another) and those to it (another is <kind> of it)."""

    onward: list[EventLink]
    back: list[EventLink]

    def __bool__(self) -> bool:
        return bool(self.onward or self.back)


def chain_of(user: User, event: Event) -> Chain:
    """The links of ``event`` whose other event ``user`` may see, with the
    other events' titles opened (each restricted one's read audited)."""
    hidden = hidden_events(user)
    onward = list(
        event.links.exclude(related__in=hidden).select_related("related", "kind").order_by("pk")
    )
    back = list(
        event.linked_from.exclude(event__in=hidden).select_related("event", "kind").order_by("pk")
    )
    others = [link.related for link in onward] + [link.event for link in back]
    open_rows(others, ["title"])
    note_restricted_reads(user, others, "chain")
    return Chain(onward, back)


def unlink_events(by: User, link: EventLink) -> None:
    """Remove a link of a chain (audited on the event it starts from)."""
    with transaction.atomic():
        record(
            by,
            "documentation.events_unlinked",
            link.event,
            event=link.related.code,
            term=link.kind.code,
        )
        link.delete()
