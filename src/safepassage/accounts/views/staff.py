"""Administration of staff accounts and teams."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import actions
from safepassage.accounts.access import deny, get_staff_for, get_team_for, require, requires
from safepassage.accounts.forms import (
    AccessForm,
    IdentityForm,
    MembersForm,
    StaffCreateForm,
    TeamForm,
)
from safepassage.accounts.models import Authenticator, StaffIdentity, Team, User
from safepassage.accounts.roles import Perm
from safepassage.accounts.sessions import requires_recent_login
from safepassage.audit.chain import record
from safepassage.vault.bulk import open_rows
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import Compartment
from safepassage.vault.search import search


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def reads_staff_identities() -> bool:
    """Whether the current keys open staff names (the staff compartment)."""
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds(Compartment.STAFF)


@requires(Perm.VIEW_STAFF)
def staff_list_view(request: HttpRequest) -> HttpResponse:
    staff = (
        User.objects.prefetch_related("role_grants", "teams")
        .select_related("identity")
        .annotate(
            authenticators=Count(
                "authenticator", filter=Q(authenticator__confirmed=True), distinct=True
            )
        )
        .order_by("-is_active", "username")
    )
    names = reads_staff_identities()
    query = request.GET.get("q", "").strip()[:100] if names else ""
    scores: dict[str, float] = {}
    if query:
        scores = dict(search(StaffIdentity, "name", query, limit=50, cutoff=60))
        staff = staff.filter(identity__pk__in=list(scores))
    members = list(staff)
    if names:
        record(request.user, "staff.identities_read", None, searched=bool(query))
        open_rows([m.identity for m in members if hasattr(m, "identity")], ["name"])
    return render(
        request,
        "accounts/staff_list.html",
        {
            "staff": members,
            "can_manage": _user(request).can(Perm.MANAGE_STAFF),
            "names": names,
            "query": query,
        },
    )


@requires(Perm.MANAGE_STAFF)
@requires_recent_login
@require_http_methods(["GET", "POST"])
def staff_create_view(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff, password = actions.create_staff(
            username=form.cleaned_data["username"],
            roles=form.cleaned_data["roles"],
            teams=form.cleaned_data["teams"],
            by=_user(request),
        )
        return render(
            request,
            "accounts/temporary_password.html",
            {"staff": staff, "password": password, "created": True},
        )
    return render(
        request, "accounts/staff_create.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def staff_detail_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    user = _user(request)
    staff = get_staff_for(user, staff_id)
    can_manage = user.can(Perm.MANAGE_STAFF)
    initial = {"roles": sorted(staff.roles), "teams": list(staff.teams.all())}
    form = AccessForm(initial=initial)
    status = 200
    if request.method == "POST":
        staff = get_staff_for(user, staff_id, manage=True)
        form = AccessForm(request.POST)
        if form.is_valid():
            return _change_access(request, staff, form)
        status = 400
    names = reads_staff_identities()
    identity = StaffIdentity.objects.filter(user=staff).first() if names else None
    if identity is not None:
        record(user, "staff.identity_read", staff)
    context = {
        "staff": staff,
        "form": form,
        "can_manage": can_manage,
        "enrolled": Authenticator.objects.filter(user=staff, confirmed=True).exists(),
        "names": names,
        "identity": identity,
        "identity_form": IdentityForm(
            initial={"name": identity.name, "email": identity.email or ""} if identity else None
        )
        if names and can_manage
        else None,
    }
    return render(request, "accounts/staff_detail.html", context, status=status)


@require_POST
@requires_recent_login
def staff_identity_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    user = _user(request)
    staff = get_staff_for(user, staff_id, manage=True)
    if not reads_staff_identities():
        raise deny(user, "compartment", "compartment:staff")
    form = IdentityForm(request.POST)
    if form.is_valid():
        try:
            actions.set_identity(
                staff, name=form.cleaned_data["name"], email=form.cleaned_data["email"], by=user
            )
        except actions.ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(request, _("The name and e-mail address were saved, encrypted."))
            return redirect("accounts:staff_detail", staff_id=staff.pk)
    context = {
        "staff": staff,
        "form": AccessForm(
            initial={"roles": sorted(staff.roles), "teams": list(staff.teams.all())}
        ),
        "can_manage": True,
        "enrolled": Authenticator.objects.filter(user=staff, confirmed=True).exists(),
        "names": True,
        "identity": StaffIdentity.objects.filter(user=staff).first(),
        "identity_form": form,
    }
    return render(request, "accounts/staff_detail.html", context, status=400)


@requires_recent_login
def _change_access(request: HttpRequest, staff: User, form: AccessForm) -> HttpResponse:
    try:
        changed = actions.set_access(
            staff,
            roles=form.cleaned_data["roles"],
            teams=form.cleaned_data["teams"],
            by=_user(request),
        )
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if changed:
            messages.success(request, _("Roles and teams were saved."))
        else:
            messages.info(request, _("Nothing was changed."))
    return redirect("accounts:staff_detail", staff_id=staff.pk)


@require_POST
@requires_recent_login
def staff_action_view(request: HttpRequest, staff_id: int, action: str) -> HttpResponse:
    user = _user(request)
    staff = get_staff_for(user, staff_id, manage=True)
    try:
        if action == "reset-password":
            password = actions.reset_password(staff, by=user)
            return render(
                request,
                "accounts/temporary_password.html",
                {"staff": staff, "password": password, "created": False},
            )
        if action == "reset-second-factor":
            actions.reset_second_factor(staff, by=user)
            messages.success(
                request, _("The second factor was removed. They will enrol again at next login.")
            )
        elif action == "deactivate":
            actions.set_active(staff, False, by=user)
            messages.success(request, _("The account was deactivated and its sessions ended."))
        elif action == "activate":
            actions.set_active(staff, True, by=user)
            messages.success(request, _("The account was activated."))
        elif action == "log-out-everywhere":
            actions.log_out_everywhere(staff, by=user)
            messages.success(request, _("Every session of this account has ended."))
        else:
            raise deny(user, "staff_action", staff)
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("accounts:staff_detail", staff_id=staff.pk)


def team_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    teams = Team.objects.annotate(size=Count("memberships")).order_by("name")
    if not user.can(Perm.VIEW_ALL_TEAMS):
        teams = teams.filter(pk__in=user.team_ids)
    return render(
        request,
        "accounts/team_list.html",
        {"teams": teams, "can_manage": user.can(Perm.MANAGE_TEAMS), "form": TeamForm()},
    )


@require_POST
def team_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_TEAMS)
    form = TeamForm(request.POST)
    if form.is_valid():
        team = actions.create_team(form.cleaned_data["name"], by=user)
        messages.success(request, _("The team was created."))
        return redirect("accounts:team_detail", team_id=team.pk)
    teams = Team.objects.annotate(size=Count("memberships")).order_by("name")
    return render(
        request,
        "accounts/team_list.html",
        {"teams": teams, "can_manage": True, "form": form},
        status=400,
    )


@requires_recent_login
def _change_members(request: HttpRequest, team: Team, form: MembersForm) -> HttpResponse:
    if actions.set_team_members(team, form.cleaned_data["members"], by=_user(request)):
        messages.success(request, _("The members were saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("accounts:team_detail", team_id=team.pk)


@require_http_methods(["GET", "POST"])
def team_detail_view(request: HttpRequest, team_id: int) -> HttpResponse:
    user = _user(request)
    team = get_team_for(user, team_id)
    members = team.members.prefetch_related("role_grants").order_by("username")
    form = MembersForm(initial={"members": list(members)})
    status = 200
    if request.method == "POST":
        require(user, Perm.MANAGE_TEAMS)
        form = MembersForm(request.POST)
        if form.is_valid():
            return _change_members(request, team, form)
        status = 400
    context = {
        "team": team,
        "members": members,
        "form": form,
        "can_manage": user.can(Perm.MANAGE_TEAMS),
    }
    return render(request, "accounts/team_detail.html", context, status=status)
