"""Analysis's entry in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.roles import Perm

ENTRIES = (
    MenuEntry(
        "analysis",
        _("Counting victims"),
        "analysis:home",
        (Perm.REVIEW_LINKS, Perm.ANALYSE),
        order=60,
    ),
)
