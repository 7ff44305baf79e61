"""The dashboard's cards, gathered from every installed app's ``dashboard.py``.

An app lists its cards there (``CARDS``, see accounts/dashboard.py); this
module reads them all once, puts them in order, and gives each person the
cards their role allows, each built for them and rendered by its own
template."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString, mark_safe

from safepassage.accounts.dashboard import Card, Period
from safepassage.accounts.models import User


@functools.cache
def every_card() -> tuple[Card, ...]:
    """Every installed app's cards, in order; a key used twice, or a
    permission shared by two cards, is a configuration error."""
    found: dict[str, Card] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "dashboard"):
            continue
        for card in getattr(import_module(f"{config.name}.dashboard"), "CARDS", ()):
            if card.key in found:
                raise ImproperlyConfigured(f"two dashboard cards are called {card.key!r}")
            found[card.key] = card
    perms = [card.perm for card in found.values()]
    if len(set(perms)) != len(perms):
        raise ImproperlyConfigured("each dashboard card has a permission of its own")
    return tuple(sorted(found.values(), key=lambda card: (card.order, card.key)))


@dataclass(frozen=True)
class Shown:
    card: Card
    html: SafeString


def cards_for(request: HttpRequest, period: Period) -> list[Shown]:
    """The cards this person may see, built for them over ``period``."""
    user: User = request.user  # type: ignore[assignment]
    shown = []
    for card in every_card():
        if not card.shown_to(user):
            continue
        context = card.build(user, period)
        if context is None:
            continue
        # No request: the page's frame (and its context processors) is
        # the dashboard's; a card is a fragment of it.
        html = render_to_string(card.template, {"card": card, "period": period, **context})
        shown.append(Shown(card, mark_safe(html)))  # noqa: S308 (our own template, escaped there)
    return shown


def uses_period(user: User) -> bool:
    """Whether a card this person sees depends on the chosen period."""
    return any(card.uses_period and card.shown_to(user) for card in every_card())
