"""Victim lists with known truth, stored as an import would store them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis import synthetic
from safepassage.analysis.models import VictimList, VictimRecord
from safepassage.vault import keys as vault_keys
from tests.base import PASSWORD, Vault, make_user

EVENTS = ["2017-03-02", "2017-04", "spring 2017", "2018-01-15"]


@dataclass
class StoredLists:
    lists: list[VictimList]
    truth: dict[str, int]  # record id -> person
    people_listed: int


def store_lists(people: int = 250, lists: int = 3, seed: int = 3) -> StoredLists:
    records, seen = synthetic.generate(people=people, lists=lists, seed=seed)
    stored: dict[str, VictimList] = {}
    truth: dict[str, int] = {}
    for row, item in enumerate(records, start=1):
        victim_list = stored.get(item.list_name)
        if victim_list is None:
            victim_list = stored[item.list_name] = VictimList.objects.create(name=item.list_name)
        entry = VictimRecord(victim_list=victim_list, row=row)
        entry.data = {
            "name": item.name,
            "birth": item.birth,
            "place": item.place,
            "event_date": EVENTS[item.person_id % len(EVENTS)],
            "act": "detention" if item.person_id % 3 else "killing",
        }
        entry.save(force_insert=True)
        truth[str(entry.pk)] = item.person_id
    return StoredLists(list(stored.values()), truth, seen)


@pytest.fixture
def lists(vault: Vault) -> StoredLists:
    return store_lists()


@pytest.fixture
def analyst(vault: Vault) -> User:
    user = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", user.pk, by="cli")
    return user


@pytest.fixture
def documenter(vault: Vault) -> User:
    user = make_user("documenter", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", user.pk, by="cli")
    return user


def link_and_export(names: Iterable[str], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """`analysis link` of the named lists as the analyst, then `analysis
    export` of that run: the exported rows."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = io.StringIO()
    call_command("analysis", "link", "--lists", ",".join(names), "--as", "analyst", stdout=out)
    run_id = out.getvalue().split()[1].rstrip(":")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = io.StringIO()
    call_command("analysis", "export", "--run", run_id, "--as", "analyst", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def run_result(people: dict[str, list[tuple[str, ...]]]) -> dict:
    """A run's result with these people (each a tuple of lists) per place."""
    ids, lists, pairs, places = [], [], [], []
    for place, patterns in people.items():
        for on in patterns:
            first = len(ids)
            for name in on:
                if len(ids) > first:
                    pairs.append([first, len(ids), 0.99])
                ids.append(f"r{len(ids)}")
                lists.append(name)
                places.append(place)
    blank = [""] * len(ids)
    return {
        "ids": ids,
        "lists": lists,
        "pairs": pairs,
        "strata": {"place": places, "period": blank, "act": blank},
    }
