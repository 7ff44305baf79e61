"""What every page's frame needs (settings TEMPLATES: context_processors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safepassage.accounts.models import Organisation
from safepassage.site.menu import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name and the menu."""
    organisation = Organisation.objects.order_by("pk").first()
    return {
        "organisation_name": organisation.name if organisation else "safepassage",
        "menu": menu_for(request),
    }
