"""The demo's bridge between casework and the documentation: one person
of a demo case who agreed to testimony for documentation is handed over
(cases.testimony) and becomes a pseudonymous victim of a demo event, and
the documenter records what the other victims of that event agreed to,
so the demo's dossier hands over some originals and keeps others back
(documentation.consent)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.consent import record_consent as record_case_consent
from safepassage.cases.models import Case, ConsentKind, HandedOverTestimony, Stage
from safepassage.cases.testimony import hand_over_testimony
from safepassage.documentation import consent
from safepassage.documentation.actions import record_act
from safepassage.documentation.models import Event, Person, Term

# Cases whose people are safe enough, by then, to give testimony.
SAFE = (Stage.PROTECTED, Stage.ASYLUM_CLAIMED, Stage.ARRIVED, Stage.CLOSED)


def load(coordinator: User, documenter: User, events: list[Event]) -> str | None:
    """Hand one demo person's testimony over and set them beside the first
    of ``events``; returns their documentation code (None when there is
    no demo case or event, or it was done already)."""
    if not events or HandedOverTestimony.objects.exists():
        return None
    case = (
        Case.objects.filter(stage__in=SAFE).order_by("code").first()
        or Case.objects.order_by("code").first()
    )
    person = case.people.order_by("position").first() if case is not None else None
    if person is None:
        return None
    given_on = timezone.localdate() - datetime.timedelta(days=20)
    record_case_consent(
        person,
        kind=ConsentKind.TESTIMONY,
        scope=["narrative"],
        given_on=given_on,
        method="in_person",
        explanation=(
            "Рассказ пойдёт в документирование под кодом, без имени; фото в исходном виде "
            "могут попасть в досье для ОБСЕ. Можно отказаться в любой момент."
        ),
        by=coordinator,
    )
    handover = hand_over_testimony(person, by=coordinator, originals=True)
    victim = Person.objects.get(code=handover.documentation_code)
    event = events[0]
    detention = Term.objects.get(vocabulary__key="act_type", code="L-ARBITRARY-DETENTION")
    others = list(
        Person.objects.filter(acts__event=event).exclude(pk=victim.pk).distinct().order_by("code")
    )
    record_act(documenter, event=event, victim=victim, act_type=detention)
    # The other victims of that event agreed too, in front of the documenter.
    for other in others:
        consent.record_consent(
            other,
            by=documenter,
            testimony=True,
            originals=True,
            given_on=given_on,
            note="Agreed by phone; told who would receive the photos.",
        )
    return victim.code
