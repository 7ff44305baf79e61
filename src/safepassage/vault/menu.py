"""The vault's entry in the main menu (see accounts/menu.py)."""

from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry

ENTRIES = (MenuEntry("vault", _("Vault"), "vault:overview", order=80),)
