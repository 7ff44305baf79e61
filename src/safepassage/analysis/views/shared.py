"""What the analysis pages share: the person asking and lists by name (a
job's state as a page shows it comes from the jobs app: jobs.pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from safepassage.accounts.models import User
from safepassage.analysis.models import VictimList


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def list_names(lists: Iterable[VictimList]) -> str:
    """The names of some lists (sealed: read with the current keys), sorted."""
    return ", ".join(sorted(str(item.name) for item in lists))
