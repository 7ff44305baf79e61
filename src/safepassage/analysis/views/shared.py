"""What the analysis pages share: the person asking and lists by name (a
job's state as a page shows it comes from the jobs app: jobs.pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.http import HttpRequest

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.analysis.access import documentation_keys_or_none
from safepassage.analysis.list_labels import label_lists
from safepassage.analysis.models import DocumentationCount, VictimList


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def list_names(lists: Iterable[VictimList]) -> str:
    """The names of some lists (sealed: read with the current keys) in the
    reader's language, sorted."""
    return ", ".join(sorted((item.label for item in label_lists(lists)), key=str.casefold))


def may_count(user: User) -> bool:
    """Whether the page offers counting from the documentation (the action
    checks again): making lists, reading the documentation, its keys."""
    return (
        user.can(Perm.IMPORT_LISTS)
        and user.can(Perm.VIEW_DOCUMENTATION)
        and documentation_keys_or_none() is not None
    )


def recent_counts() -> list[DocumentationCount]:
    """The latest counts from the documentation, for those with its keys."""
    if documentation_keys_or_none() is None:
        return []
    return list(DocumentationCount.objects.annotate(list_count=Count("lists"))[:10])
