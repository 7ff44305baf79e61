"""Rate limits that track no one: counts per minute or hour, for all
senders together, or per receipt. Only the last two windows are kept."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import F

from safepassage.intake.models import RateWindow


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def take(name: str, limit: int, *, seconds: int = 60) -> bool:
    """Count one event; False (and nothing counted) when the limit is reached."""
    window = _window(seconds)
    with transaction.atomic():
        current, created = RateWindow.objects.select_for_update().get_or_create(
            name=name, window=window
        )
        if created:
            RateWindow.objects.filter(name=name, window__lt=window - 1).delete()
        if current.count >= limit:
            return False
        RateWindow.objects.filter(pk=current.pk).update(count=F("count") + 1)
    return True


def count(name: str, *, seconds: int = 60) -> int:
    found = RateWindow.objects.filter(name=name, window=_window(seconds)).first()
    return found.count if found is not None else 0
