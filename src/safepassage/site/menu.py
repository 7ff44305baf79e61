"""The main menu, gathered from every installed app's ``menu.py``.

An app lists its entries there (``ENTRIES``, see accounts/menu.py); this
module reads them all once, puts them in order and gives each person the
entries their role allows. The site's own entry is the dashboard."""

from __future__ import annotations

import functools
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.menu import MenuEntry
from safepassage.accounts.sessions import passed_both_factors

ENTRIES = (MenuEntry("dashboard", _("Dashboard"), "dashboard", order=0),)


@functools.cache
def every_entry() -> tuple[MenuEntry, ...]:
    """Every installed app's entries, in menu order; a key used twice is a
    configuration error."""
    found: dict[str, MenuEntry] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "menu"):
            continue
        for entry in getattr(import_module(f"{config.name}.menu"), "ENTRIES", ()):
            if entry.key in found:
                raise ImproperlyConfigured(f"two menu entries are called {entry.key!r}")
            found[entry.key] = entry
    return tuple(sorted(found.values(), key=lambda entry: (entry.order, entry.key)))


def menu_for(request: HttpRequest) -> list[MenuEntry]:
    """The entries this person may use: none before both factors."""
    user = getattr(request, "user", None)
    if user is None or not passed_both_factors(request):
        return []
    return [entry for entry in every_entry() if entry.shown_to(user)]
