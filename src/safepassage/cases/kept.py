"""Rows several parts of the case page read, read once per Case object.

The case page is put together from sections (cases.views.SECTIONS), each
asking for what it needs; several need the case's people, or the staff
who see the case. A Case read for one request keeps what these functions
read on it, so the page asks the database once for each, however many
sections ask. Actions read their case afresh (select_for_update) and do
not use these: what they change is never read from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from safepassage.accounts.models import User
from safepassage.cases.access import staff_who_see
from safepassage.cases.models import Case, Person
from safepassage.vault import bulk

T = TypeVar("T")


def _kept(case: Case, name: str, read: Callable[[], T]) -> T:
    kept: dict[str, object] = case.__dict__.setdefault("_kept_rows", {})
    if name not in kept:
        kept[name] = read()
    return kept[name]  # type: ignore[return-value]


def people(case: Case) -> list[Person]:
    """The case's people by their place in the household (not opened,
    unless opened_people read them first: the same rows)."""
    return _kept(case, "people", lambda: list(case.people.order_by("position", "id")))


def opened_people(case: Case) -> list[Person]:
    """The case's people by their place in the household, each one's
    identity opened: for a reader who may read it (the caller checks
    access.may_read_identity), read and opened once for the page (the
    household, the stays' names, the travel records' names). People
    already read unopened are opened where they are, not read again."""

    def read() -> list[Person]:
        found = people(case)
        bulk.open_rows(found, ["identity"])
        return found

    return _kept(case, "opened_people", read)


def staff(case: Case) -> list[User]:
    """The staff who see the case (access.staff_who_see), by username."""
    return _kept(case, "staff", lambda: list(staff_who_see(case)))
