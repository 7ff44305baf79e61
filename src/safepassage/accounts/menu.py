"""The main menu: how an app describes its entries, and accounts' own.

Each app that has pages for the menu lists them in its own ``menu.py``
(``ENTRIES = (MenuEntry(...), ...)``); the site app gathers every installed
app's entries, in order, and shows a person those their role allows. No app
knows another's entries, and only site reads them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.roles import Perm

if TYPE_CHECKING:
    from safepassage.accounts.models import User


@dataclass(frozen=True)
class MenuEntry:
    key: str  # names the entry ("intake"), one per menu
    label: str | Promise  # what people read ("Requests")
    url_name: str  # where it leads ("intake:inbox")
    # Shown to whoever holds any of these; none: to everyone logged in.
    perms: tuple[Perm, ...] = ()
    # Place in the menu, lowest first (the dashboard is 0, one's own
    # account 90); the keys break ties.
    order: int = 50

    def shown_to(self, user: User) -> bool:
        return not self.perms or any(user.can(perm) for perm in self.perms)


ENTRIES = (
    MenuEntry("teams", _("Teams"), "accounts:team_list", order=10),
    MenuEntry("staff", _("Staff"), "accounts:staff_list", (Perm.VIEW_STAFF,), order=20),
    MenuEntry("account", _("My account"), "accounts:account", order=90),
)
