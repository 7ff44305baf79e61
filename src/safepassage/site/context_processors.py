"""What every page's frame needs (settings TEMPLATES: context_processors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safepassage.accounts.models import Organisation
from safepassage.site.menu import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name and the menu, worked out once a request
    (a page rendered in parts, as the case page's sections, asks again)."""
    found: dict[str, Any] | None = getattr(request, "_shell", None)
    if found is None:
        organisation = Organisation.objects.order_by("pk").first()
        found = {
            "organisation_name": organisation.name if organisation else "safepassage",
            "menu": menu_for(request),
        }
        request._shell = found  # type: ignore[attr-defined]
    return found
