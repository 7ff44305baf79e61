"""Casework's entries in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.roles import Perm

ENTRIES = (
    MenuEntry("cases", _("Cases"), "cases:list", (Perm.VIEW_CASES,), order=50),
    MenuEntry("my_tasks", _("My tasks"), "cases:my_tasks", (Perm.ASSIGN_TASKS,), order=51),
    MenuEntry(
        "safe_houses",
        _("Safe houses"),
        "cases:safe_houses",
        (Perm.VIEW_SAFE_HOUSES,),
        order=52,
    ),
    MenuEntry("hosts", _("Hosts and pathways"), "cases:hosts", (Perm.MANAGE_HOSTS,), order=54),
    MenuEntry(
        "partners",
        _("Partner organisations"),
        "cases:partners",
        (Perm.MANAGE_PARTNERS, Perm.SHARE_CASES),
        order=56,
    ),
    MenuEntry(
        "bundles",
        _("Open a bundle from a partner"),
        "cases:import",
        (Perm.IMPORT_BUNDLES,),
        order=57,
    ),
)
