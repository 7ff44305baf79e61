"""The dashboard's cards: how an app describes them.

Each app with something for the dashboard lists its cards in its own
``dashboard.py`` (``CARDS = (Card(...), ...)``), as it lists its menu
entries in ``menu.py``; the site app gathers every installed app's cards,
in order, and shows a person those their role allows. A card is a query
with its own permission: ``build(user, period)`` returns what its
template shows (counting only what the reader may see), or None to show
nothing. No app knows another's cards, and only site reads them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

from safepassage.accounts.roles import Perm

if TYPE_CHECKING:
    from safepassage.accounts.models import User

# The period a dashboard covers when none is chosen: the last 90 days.
DEFAULT_DAYS = 90
# The longest period one may choose (the figures are read at each visit).
LONGEST_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        end = today or timezone.localdate()
        return cls(end - timedelta(days=DEFAULT_DAYS - 1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Card:
    key: str  # names the card ("stuck_cases"), one per dashboard
    title: str | Promise  # its heading, in the reader's language
    perm: Perm  # the one permission that shows it
    # What the template shows, for this reader and period; None: nothing.
    build: Callable[[User, Period], dict[str, Any] | None]
    template: str
    # Place on the dashboard, lowest first; the keys break ties.
    order: int = 50
    # Whether its figures depend on the chosen period (the period form is
    # shown when a card shown does).
    uses_period: bool = False

    def shown_to(self, user: User) -> bool:
        return user.is_active and user.can(self.perm)
