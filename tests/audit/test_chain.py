"""Appending to the audit log: linked entries, references, no free text."""

from __future__ import annotations

import pytest
from django.db import transaction

from safepassage.audit.chain import GENESIS, AuditError, record
from safepassage.audit.models import AuditEntry
from safepassage.audit.verify import verify
from tests.base import Organisation

pytestmark = pytest.mark.django_db


def test_it_links_each_entry_to_the_one_before(org: Organisation) -> None:
    first = record(org.admin, "staff.created", org.caseworker, roles=["caseworker"])
    second = record("cli", "demo.loaded")
    third = record(None, "auth.login_failed", outcome="failed", factor="password")
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert first.actor == f"user:{org.admin.pk}"
    assert first.target == f"user:{org.caseworker.pk}"
    assert second.actor == "cli"
    assert third.actor == "system"
    result = verify()
    assert result.ok
    assert (result.checked, result.head_seq, result.head_hash) == (3, 3, third.entry_hash)


def test_an_empty_log_verifies() -> None:
    result = verify()
    assert result.ok
    assert (result.checked, result.head_seq, result.head_hash) == (0, 0, GENESIS)


@pytest.mark.parametrize(
    "details",
    [
        {"name": "Amina Kadyrova"},  # free text (a space)
        {"note": "<script>"},
        {"nested": [["a"]]},
        {"Bad-Key": 1},
        {"value": 1.5},
        {"value": {"a": 1}},
        {"long": "x" * 81},
    ],
)
def test_it_refuses_details_that_could_carry_content(details: dict[str, object]) -> None:
    with pytest.raises(AuditError):
        record("cli", "test.refused", **details)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("action", ["Login", "auth login", "auth:login", ""])
def test_it_refuses_bad_action_names(action: str) -> None:
    with pytest.raises(AuditError):
        record("cli", action)


def test_it_refuses_free_text_as_a_reference() -> None:
    with pytest.raises(AuditError):
        record("Amina Kadyrova", "auth.login")


def test_an_entry_rolled_back_with_its_action_leaves_the_chain_whole() -> None:
    record("cli", "first.entry")

    def failing_action() -> None:
        with transaction.atomic():
            record("cli", "second.entry")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    record("cli", "third.entry")
    assert list(AuditEntry.objects.values_list("seq", "action")) == [
        (1, "first.entry"),
        (2, "third.entry"),
    ]
    assert verify().ok


def test_details_keep_their_types(org: Organisation) -> None:
    entry = record("cli", "test.types", flag=True, count=3, nothing=None, items=["a", 2])
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.details == {"flag": True, "count": 3, "nothing": None, "items": ["a", 2]}
    assert verify().ok
