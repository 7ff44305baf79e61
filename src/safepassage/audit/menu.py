"""The audit app's entry in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.roles import Perm

ENTRIES = (MenuEntry("audit", _("Audit log"), "audit:log", (Perm.VIEW_AUDIT_LOG,), order=30),)
