"""Per-record confidentiality beyond the compartment: whom a restricted
event is shared with, and an audit entry for every read of one.

Who may see an event is decided in documentation.access (the person who
recorded it, and the teams and people it is shared with); sharing is
changed by documentation.actions.change_event, optimistically locked like
every edit. What this module adds is the trail: opening a restricted
event's page is audited as every page is (``documentation.event_viewed``),
and so is every other page that shows something sealed of it (its title in
the list or the timeline, its acts beside a statement, on a person's
page, among the sources' accounts): one entry per restricted event shown,
with the event as its target, so the auditor's page finds every read of
one record by filtering on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from safepassage.accounts.models import Team, User
from safepassage.audit.chain import record
from safepassage.documentation.models import Confidentiality, Event, EventShare

# Where a restricted event was read (the audit entry's ``page``).
PAGES = ("events", "timeline", "statement", "person", "sources", "interventions")


def note_restricted_reads(user: User, events: Iterable[Event | None], page: str) -> int:
    """Audit each restricted event among ``events`` as read on ``page``;
    returns how many entries were written."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    seen: set[object] = set()
    written = 0
    for event in events:
        if event is None or event.pk in seen:
            continue
        seen.add(event.pk)
        if event.confidentiality != Confidentiality.RESTRICTED:
            continue
        record(user, "documentation.restricted_event_read", event, page=page)
        written += 1
    return written


def shared_with(event: Event) -> tuple[list[Team], list[User]]:
    """The teams and the people a restricted event is shared with."""
    shares = list(EventShare.objects.filter(event=event).select_related("team", "user"))
    teams = sorted((s.team for s in shares if s.team is not None), key=lambda t: t.name)
    users = sorted((s.user for s in shares if s.user is not None), key=lambda u: u.username)
    return teams, users
