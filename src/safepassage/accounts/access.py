"""The one place where staff access is decided.

Views call these functions and nothing else. Each refusal is audited and
raises Http404, the same answer as for something that does not exist, so
an outsider learns nothing about what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse

from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome

View = TypeVar("View", bound=Callable[..., HttpResponse])


def deny(user: User, what: str, target: object | None = None) -> Http404:
    """Audit a refusal and return the 404 to raise."""
    record(user, "access.denied", target, outcome=Outcome.DENIED, need=what)
    return Http404()


def require(user: User, perm: Perm) -> None:
    if not user.is_active:
        raise deny(user, perm.value)
    if not user.can(perm):
        raise deny(user, perm.value)


def requires(perm: Perm) -> Callable[[View], View]:
    """View decorator: the user must hold ``perm`` or gets a 404."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, perm)  # type: ignore[arg-type]
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def get_team_for(user: User, team_id: int) -> Team:
    """A team's page is for its members and for roles that oversee every team."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise deny(user, "team", f"team:{team_id}")
    if not user.is_active:
        raise deny(user, "team", team)
    if team.pk in user.team_ids:
        return team
    if user.can(Perm.VIEW_ALL_TEAMS):
        return team
    raise deny(user, "team", team)


def get_staff_for(user: User, staff_id: int, *, manage: bool = False) -> User:
    """Another staff member's record: for those who view or manage staff."""
    require(user, Perm.MANAGE_STAFF if manage else Perm.VIEW_STAFF)
    staff = User.objects.filter(pk=staff_id).first()
    if staff is None:
        raise deny(user, "staff", f"user:{staff_id}")
    return staff
