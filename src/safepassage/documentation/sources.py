"""Who reported what, and what was done about it: named actions for a
source's account of an event or an act (Information) and for
interventions (a complaint, a letter, an appeal). Each is audited and,
when changed, locked optimistically (documentation.actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.actions import (
    Refused,
    create,
    fill,
    required,
    save_changes,
    text_or_none,
)
from safepassage.documentation.models import Act, Event, Information, Intervention, Person, Term


def record_information(
    by: User,
    *,
    event: Event,
    source: Person,
    connection: Term,
    reliability: Term,
    act: Act | None = None,
    language: Term | None = None,
    reported_on: dt.date | None = None,
    account: str = "",
    reference: str = "",
) -> Information:
    if act is not None and act.event_id != event.pk:
        raise Refused(_("That act belongs to another event."))
    information = Information(
        event=event,
        act=act,
        source=source,
        connection=connection,
        reliability=reliability,
        language=language,
        reported_on=reported_on,
    )
    fill(information, account=text_or_none(account), reference=text_or_none(reference))
    with transaction.atomic():
        create(information, by)
        record(
            by,
            "documentation.information_recorded",
            information,
            event=event.code,
            act=act.code if act else None,
            person=source.code,
        )
    return information


def change_information(
    information: Information, *, by: User, version: int, **values: Any
) -> list[str]:
    for name in ("account", "reference"):
        if name in values:
            values[name] = text_or_none(values[name])
    with transaction.atomic():
        changed = save_changes(information, version, by, values)
        if changed:
            record(
                by,
                "documentation.information_changed",
                information,
                changed=changed,
                revision=information.version,
            )
    return changed


def record_intervention(
    by: User,
    *,
    event: Event,
    kind: Term,
    intervening_party: str,
    act: Act | None = None,
    victim: Person | None = None,
    made_on: dt.date | None = None,
    addressed_to: str = "",
    response: Term | None = None,
    outcome: str = "",
    status: str = "planned",
) -> Intervention:
    if act is not None and act.event_id != event.pk:
        raise Refused(_("That act belongs to another event."))
    intervention = Intervention(
        event=event,
        act=act,
        victim=victim,
        kind=kind,
        made_on=made_on,
        response=response,
        status=status,
    )
    fill(
        intervention,
        intervening_party=required(intervening_party, _("Say who intervened.")),
        addressed_to=text_or_none(addressed_to),
        outcome=text_or_none(outcome),
    )
    with transaction.atomic():
        create(intervention, by)
        record(by, "documentation.intervention_recorded", intervention, event=event.code)
    return intervention


def change_intervention(
    intervention: Intervention, *, by: User, version: int, **values: Any
) -> list[str]:
    if "intervening_party" in values:
        values["intervening_party"] = required(
            values["intervening_party"], _("Say who intervened.")
        )
    for name in ("addressed_to", "outcome"):
        if name in values:
            values[name] = text_or_none(values[name])
    with transaction.atomic():
        changed = save_changes(intervention, version, by, values)
        if changed:
            record(
                by,
                "documentation.intervention_changed",
                intervention,
                changed=changed,
                revision=intervention.version,
            )
    return changed
