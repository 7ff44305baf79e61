"""What the documentation's pages share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.vault.bulk import open_rows


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def filters_of(request: HttpRequest) -> QueryDict:
    """The filters in the address, without the page number: a list opened
    at its second page is not a filtered list (its form is bound only when
    this is not empty, so its filter panel stays closed), and its pages'
    links carry these on."""
    data = request.GET.copy()
    data.pop("page", None)
    return data


def open_all(rows: Iterable[models.Model | None], *fields: str) -> None:
    """Open these fields of rows of one model (None and repeats skipped)."""
    unique = list({id(row): row for row in rows if row is not None}.values())
    open_rows(unique, fields or None)


def in_order(ids: list[Any], rows: models.QuerySet) -> list[Any]:
    """The rows with these ids, in the order of the ids (a page of ids is
    sorted without the joins its rows are then read with)."""
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def stale(form: forms.Form, current_version: int) -> None:
    """An edit refused because someone saved in between: say so, keep what
    was typed, and let a second save (made knowingly) go through."""
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(current_version)
    form.data = data
    form.add_error(
        None,
        _(
            "Someone else saved this record while you were editing it. Nothing was saved and "
            "nothing you typed is lost: what they saved is shown beside your version. Check "
            "it, then save again to keep yours."
        ),
    )
