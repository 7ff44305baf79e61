"""Pages of a long list found without counting every match.

Counting the matches costs as much as finding the page on tens of
thousands of events (bench/README.md), so the event list asks for one
row more than a page: that row says whether there is an older page. The
number of matches is shown when it is known for free (the last page);
before that the page says "more than" what has been seen so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from safepassage.documentation.search import InOrder

# The highest page number taken from an address (beyond it: the first page).
LAST_PAGE = 10**6


@dataclass(frozen=True)
class UncountedPage:
    number: int
    rows: list[Any]
    has_next: bool
    size: int

    @classmethod
    def of(cls, found: QuerySet[Any] | InOrder, asked: str | None, size: int) -> UncountedPage:
        """Page ``asked`` (a number from the address; anything else is the
        first page) of ``found``, which must be ordered."""
        asked = (asked or "").strip()
        number = int(asked) if asked.isdigit() and 0 < int(asked) <= LAST_PAGE else 1
        start = (number - 1) * size
        rows = list(found[start : start + size + 1])
        return cls(number, rows[:size], len(rows) > size, size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def seen(self) -> int:
        """How many matches there are up to the end of this page."""
        return (self.number - 1) * self.size + len(self.rows)

    @property
    def count(self) -> int | None:
        """How many matches in all, when this page shows it (the last page
        with rows on it); None when there are more or the page is past the end."""
        if self.has_next or (not self.rows and self.has_previous):
            return None
        return self.seen
