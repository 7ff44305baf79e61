"""Intake's entries in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.roles import Perm

ENTRIES = (
    MenuEntry("intake", _("Requests"), "intake:inbox", (Perm.TRIAGE_REQUESTS,), order=40),
    MenuEntry("questions", _("Request form"), "intake:questions", (Perm.MANAGE_FORM,), order=45),
)
