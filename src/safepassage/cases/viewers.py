"""Who viewed a case: every read of its identity, from the audit log.

The edit history (the case page's stages, and each record's own) says who
changed what; this page says who *read* who the people are, where they are
or were, and how they travel, and when: what a coordinator looks at when
a leak is feared or a colleague's curiosity questioned. It is built from
the audit log alone, which no one can edit unseen, and it is for those
who may see it (Perm.VIEW_CASE_READS: coordinators), on a case they see.

``IDENTITY_READS`` is the list of the audit actions that are such reads
(a test renders every page of a case and holds each page that shows an
identity to one of them). Pages that show the identity of several cases
at once (a safe house's page, a search by name) record one entry per case
shown (``record_identity_shown``, naming the cases in its details), so
each case's list is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit import labels
from safepassage.audit.chain import record, reference
from safepassage.audit.display import SPECIAL_ACTORS
from safepassage.audit.models import AuditEntry
from safepassage.cases.access import get_case_for
from safepassage.cases.models import Case

# Audit actions that are reads of a case's identity, each with the detail
# that says the identity was shown (None: it always is). The detail that
# says the story was read too, where the action has one, is in STORY.
IDENTITY_READS: dict[str, str | None] = {
    "case.viewed": "identity",
    "case.stays_viewed": "identity",
    "case.travel_viewed": "identity",
    "case.travel_read": None,
    "case.consent_viewed": "identity",
}
STORY: dict[str, str] = {
    "case.viewed": "narrative",
    "case.travel_viewed": "narrative",
    "case.consent_viewed": "explanations",
}

PAGE_SIZE = 50


# An audit entry's details hold lists of this many items at most.
CASES_PER_ENTRY = 32


def record_identity_shown(user: User, cases: Iterable[Case], where: str) -> None:
    """Record that a page about several cases showed who the people of
    ``cases`` are (``where``: "safehouse:<id>" for a house's page, "search"
    for a search by name): one entry for up to CASES_PER_ENTRY cases, so a
    page's queries do not grow with the cases it shows."""
    ids = [str(case.pk) for case in cases]
    for start in range(0, len(ids), CASES_PER_ENTRY):
        chunk = ids[start : start + CASES_PER_ENTRY]
        record(user, "case.identity_shown", None, where=where, cases=chunk)


def _reads(case: Case) -> Q:
    wanted = Q(pk__in=[])
    for action, detail in IDENTITY_READS.items():
        if detail is None:
            wanted |= Q(action=action)
        else:
            wanted |= Q(action=action, **{f"details__{detail}": True})
    # The entries of pages about several cases name them in their details
    # (as JSON text, each id in quotes: one id never matches another).
    shown = Q(action="case.identity_shown", details__cases__icontains=f'"{case.pk}"')
    return (wanted & Q(target=reference(case))) | shown


def identity_reads(case: Case) -> QuerySet[AuditEntry]:
    """Every read of ``case``'s identity, newest first."""
    return AuditEntry.objects.filter(_reads(case)).order_by("-seq")


def refusals(case: Case) -> QuerySet[AuditEntry]:
    """Every attempt to open one of ``case``'s pages that was refused, newest first."""
    return AuditEntry.objects.filter(action="access.denied", target=reference(case)).order_by(
        "-seq"
    )


@dataclass(frozen=True)
class Read:
    at: datetime
    who: str
    what: str
    story: bool


def _staff_number(actor: str) -> int | None:
    kind, _sep, key = actor.partition(":")
    return int(key) if kind == "user" and key.isdigit() else None


def _who(entries: list[AuditEntry]) -> dict[str, str]:
    """Each actor as the page names them: staff by username (as the case
    list does), the command line and the system by those words."""
    numbers = {number for entry in entries if (number := _staff_number(entry.actor)) is not None}
    names = dict(User.objects.filter(pk__in=numbers).values_list("pk", "username"))
    found: dict[str, str] = {}
    for entry in entries:
        number = _staff_number(entry.actor)
        if entry.actor in SPECIAL_ACTORS:
            found[entry.actor] = str(SPECIAL_ACTORS[entry.actor])
        elif number is not None:
            found[entry.actor] = names.get(number) or _("Staff member %(number)s") % {
                "number": number
            }
        else:
            found[entry.actor] = entry.actor
    return found


def _shown(entries: list[AuditEntry]) -> list[Read]:
    who = _who(entries)
    return [
        Read(
            entry.at,
            who[entry.actor],
            labels.label(entry.action),
            bool(entry.details.get(STORY.get(entry.action, ""), False)),
        )
        for entry in entries
    ]


@require_GET
def viewers_view(request: HttpRequest, code: str) -> HttpResponse:
    """The case's identity reads, a page at a time, and the refused attempts."""
    user: User = request.user  # type: ignore[assignment]
    case = get_case_for(user, code)
    if not user.can(Perm.VIEW_CASE_READS):
        raise deny(user, Perm.VIEW_CASE_READS.value, case)
    page = Paginator(identity_reads(case), PAGE_SIZE).get_page(request.GET.get("page"))
    reads = _shown(list(page))
    refused = list(refusals(case)[:PAGE_SIZE])
    record(user, "case.viewers_viewed", case, shown=len(reads))
    return render(
        request,
        "cases/viewers.html",
        {
            "case": case,
            "page": page,
            "reads": reads,
            "refused": _shown(refused),
            "refused_more": refusals(case).count() > len(refused),
        },
    )
