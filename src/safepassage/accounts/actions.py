"""Named actions on staff accounts and teams.

Each one checks its preconditions, saves, and writes its audit entry in the
same transaction: the change and its record land together or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.models import (
    Authenticator,
    Membership,
    RecoveryCodeDevice,
    RoleGrant,
    StaffIdentity,
    Team,
    User,
    new_session_generation,
)
from safepassage.accounts.recovery import ALPHABET
from safepassage.accounts.roles import Role
from safepassage.audit.chain import record
from safepassage.vault import keys as vault_keys
from safepassage.vault.fields import blind_index


class ActionRefused(Exception):
    """The action would break a rule; the message says which, for the user."""


def temporary_password() -> str:
    """20 symbols from a 32-letter alphabet (100 bits), grouped to dictate."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(symbols[i : i + 5] for i in range(0, 20, 5)).lower()


def _active_administrators(excluding: User | None = None) -> int:
    query = User.objects.filter(is_active=True, role_grants__role=Role.ADMINISTRATOR)
    if excluding is not None:
        query = query.exclude(pk=excluding.pk)
    return query.distinct().count()


def _forget_cached(user: User) -> None:
    for name in ("roles", "permissions", "team_ids"):
        user.__dict__.pop(name, None)


@transaction.atomic
def create_staff(
    *, username: str, roles: Iterable[str], teams: Iterable[Team], by: User | str
) -> tuple[User, str]:
    """Create an account with a temporary password. At first login the person
    enrols an authenticator and chooses their own password."""
    password = temporary_password()
    user = User(username=username, must_change_password=True)
    user.set_password(password)
    user.save()
    # A key from the start, so compartments can be granted before first login.
    vault_keys.create_user_key(user.pk, password)
    role_list = sorted(set(roles))
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=Role(role)) for role in role_list)
    team_list = list(teams)
    Membership.objects.bulk_create(Membership(user=user, team=team) for team in team_list)
    record(
        by,
        "staff.created",
        user,
        roles=role_list,
        teams=sorted(team.pk for team in team_list),
    )
    return user, password


@transaction.atomic
def set_access(user: User, *, roles: Iterable[str], teams: Iterable[Team], by: User | str) -> bool:
    """Replace a staff member's roles and teams. Returns whether anything changed."""
    new_roles = {Role(role).value for role in roles}
    if not new_roles:
        raise ActionRefused(_("A staff member needs at least one role."))
    old_roles = set(user.role_grants.values_list("role", flat=True))
    if (
        Role.ADMINISTRATOR.value in old_roles
        and Role.ADMINISTRATOR.value not in new_roles
        and user.is_active
        and _active_administrators(excluding=user) == 0
    ):
        raise ActionRefused(_("The last active administrator cannot lose that role."))
    new_teams = {team.pk for team in teams}
    old_teams = set(user.memberships.values_list("team_id", flat=True))
    if new_roles == old_roles and new_teams == old_teams:
        return False
    user.role_grants.exclude(role__in=new_roles).delete()
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role=role) for role in sorted(new_roles - old_roles)
    )
    user.memberships.exclude(team_id__in=new_teams).delete()
    Membership.objects.bulk_create(
        Membership(user=user, team_id=team_id) for team_id in sorted(new_teams - old_teams)
    )
    _forget_cached(user)
    record(
        by,
        "staff.access_changed",
        user,
        added_roles=sorted(new_roles - old_roles),
        removed_roles=sorted(old_roles - new_roles),
        added_teams=sorted(new_teams - old_teams),
        removed_teams=sorted(old_teams - new_teams),
    )
    return True


def _end_sessions(user: User) -> None:
    user.session_generation = new_session_generation()


@transaction.atomic
def reset_password(user: User, *, by: User | str) -> str:
    """Give a new temporary password; every session of the user ends."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    _end_sessions(user)
    user.save(update_fields=["password", "must_change_password", "session_generation"])
    # The old private key cannot be opened without the old password: the
    # person keeps no compartment until a member or the custodians grant again.
    lost = vault_keys.forget_user_key(user.pk)
    vault_keys.create_user_key(user.pk, password)
    record(by, "staff.password_reset", user, grants_lost=lost)
    return password


@transaction.atomic
def reset_second_factor(user: User, *, by: User | str) -> None:
    """Remove the authenticator and recovery codes; the person enrols again
    at their next login. Every session of the user ends."""
    Authenticator.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    user.save(update_fields=["session_generation"])
    record(by, "staff.second_factor_reset", user)


@transaction.atomic
def set_active(user: User, active: bool, *, by: User | str) -> None:
    if user.is_active == active:
        return
    if (
        not active
        and user.has_role(Role.ADMINISTRATOR)
        and _active_administrators(excluding=user) == 0
    ):
        raise ActionRefused(_("The last active administrator cannot be deactivated."))
    user.is_active = active
    _end_sessions(user)
    user.save(update_fields=["is_active", "session_generation"])
    _forget_cached(user)
    record(by, "staff.activated" if active else "staff.deactivated", user)


@transaction.atomic
def log_out_everywhere(user: User, *, by: User | str) -> None:
    """End every session of ``user`` on every device."""
    _end_sessions(user)
    user.save(update_fields=["session_generation"])
    record(by, "auth.logged_out_everywhere", user)


class IdentityTaken(ActionRefused):
    pass


@transaction.atomic
def set_identity(user: User, *, name: str, email: str, by: User | str) -> None:
    """Record a staff member's real name and e-mail address, encrypted to the
    staff compartment (the caller's keys must hold it)."""
    identity = StaffIdentity.objects.filter(user=user).first() or StaffIdentity(user=user)
    if email:
        index = blind_index(StaffIdentity, "email_index", email)
        if StaffIdentity.objects.filter(email_index=index).exclude(user=user).exists():
            raise IdentityTaken(_("Another staff member has this e-mail address."))
    identity.name = name
    identity.email = email or None
    identity.save()
    record(by, "staff.identity_changed", user, email=bool(email))


@transaction.atomic
def create_team(name: str, *, by: User | str) -> Team:
    team = Team.objects.create(name=name)
    record(by, "team.created", team)
    return team


@transaction.atomic
def set_team_members(team: Team, members: Iterable[User], *, by: User | str) -> bool:
    new = {user.pk for user in members}
    old = set(team.memberships.values_list("user_id", flat=True))
    if new == old:
        return False
    team.memberships.exclude(user_id__in=new).delete()
    Membership.objects.bulk_create(Membership(team=team, user_id=pk) for pk in sorted(new - old))
    record(
        by,
        "team.members_changed",
        team,
        added=sorted(new - old),
        removed=sorted(old - new),
    )
    return True
