"""Documentation's entries in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.roles import Perm

ENTRIES = (
    MenuEntry(
        "documentation",
        _("Documentation"),
        "documentation:events",
        (Perm.VIEW_DOCUMENTATION,),
        order=70,
    ),
    MenuEntry(
        "vocabularies",
        _("Vocabularies"),
        "documentation:vocabularies",
        (Perm.MANAGE_VOCABULARIES,),
        order=75,
    ),
)
