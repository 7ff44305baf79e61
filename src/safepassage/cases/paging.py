"""Pages of a long list counted only as far as the reader can go: a
team's open tasks can run to thousands, and counting them all to number
the pages joined every one to its case.

``CountedUpTo`` counts up to COUNTED_UP_TO items, or to the page after the
one asked for if that is further: the next page is always reachable, and
past the count the pager says "of more than" (``more``).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# How far a list is counted (twenty pages of fifty).
COUNTED_UP_TO = 1000


def count_up_to(query: Any, limit: int) -> int:
    """How many rows ``query`` holds, counted no further than ``limit``:
    the database stops there, whatever plan it chose."""
    return int(query.order_by().values("pk")[:limit].count())


def counted(query: Any, up_to: int | None = None) -> tuple[int, bool]:
    """How many ``query`` holds, counted no further than ``up_to``
    (COUNTED_UP_TO unless given), and whether there are more."""
    up_to = COUNTED_UP_TO if up_to is None else up_to
    found = count_up_to(query, up_to + 1)
    return min(found, up_to), found > up_to


class CountedUpTo(Paginator):
    def __init__(self, object_list: Any, per_page: int, number: Any) -> None:
        super().__init__(object_list, per_page)
        self.query = object_list
        try:
            # Bounded: a page number from the address must not overflow
            # the database's LIMIT (the page shown is then the last one).
            asked = min(max(int(number), 1), 1_000_000)
        except (TypeError, ValueError):
            asked = 1
        self.up_to = max(COUNTED_UP_TO, (asked + 1) * per_page)

    @cached_property
    def _found(self) -> int:
        return count_up_to(self.query, self.up_to + 1)

    @cached_property
    def count(self) -> int:
        return min(self._found, self.up_to)

    @property
    def more(self) -> bool:
        """Whether the list goes on past what was counted."""
        return self._found > self.up_to
