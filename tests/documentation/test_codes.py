"""Record codes: a new record whose code another record already has (two
codes drawn alike) gets a fresh code and is saved, in the caller's
transaction, with its audit entry; after a few codes drawn alike in a row
the database's refusal stands and nothing is half saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, transaction

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, statements
from safepassage.documentation.models import Commitment, Event
from safepassage.documentation.models import base as record_codes
from safepassage.documentation.precision import FuzzyDate
from tests.documentation.conftest import Desk

DAY = FuzzyDate.exact(dt.date(2017, 3, 26))


class Drawn:
    """The codes the random source gives, one after the other (the
    randomness is replaced, the database is the real one)."""

    def __init__(self, *codes: str) -> None:
        self.characters: Iterator[str] = iter("".join(codes))

    def choice(self, _alphabet: str) -> str:
        return next(self.characters)


@pytest.mark.django_db
def test_it_draws_a_fresh_code_when_the_code_is_taken(
    desk: Desk, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_codes, "secrets", Drawn("AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB"))
    first = actions.record_event(desk.documenter, title="Detentions in Argun", start=DAY)
    with transaction.atomic():
        second = actions.record_event(desk.documenter, title="Detentions in Grozny", start=DAY)
    assert first.code == "E-AAAAAA"
    assert second.code == "E-BBBBBB"
    assert Event.objects.get(code="E-BBBBBB").title == "Detentions in Grozny"
    recorded = AuditEntry.objects.filter(action="documentation.event_recorded")
    assert recorded.count() == 2


@pytest.mark.django_db
def test_it_draws_a_fresh_code_for_a_promise_too(
    desk: Desk, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_codes, "secrets", Drawn("CCCCCC", "CCCCCC", "DDDDDD"))
    by = desk.documenter
    statements.record_commitment(by, promised_by="An official", promise="An inquiry.")
    later = statements.record_commitment(by, promised_by="A minister", promise="Monitoring.")
    assert later.code == "K-DDDDDD"
    assert Commitment.objects.count() == 2


@pytest.mark.django_db
def test_it_gives_up_after_a_few_codes_drawn_alike(
    desk: Desk, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    same = ["ZZZZZZ"] * (actions.CODE_ATTEMPTS + 1)
    monkeypatch.setattr(record_codes, "secrets", Drawn(*same))
    actions.record_event(desk.documenter, title="Detentions in Argun", start=DAY)
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            actions.record_event(desk.documenter, title="Detentions in Grozny", start=DAY)
        # The savepoints kept the surrounding transaction usable.
        assert Event.objects.count() == 1
    assert AuditEntry.objects.filter(action="documentation.event_recorded").count() == 1
