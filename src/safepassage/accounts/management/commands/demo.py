"""A demo organisation with one user per role, for trying safepassage out."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts import actions
from safepassage.accounts.models import Organisation, Team, User
from safepassage.accounts.recovery import issue_recovery_codes
from safepassage.accounts.roles import Role
from safepassage.accounts.twofactor import secret_for_humans
from safepassage.audit.chain import record

ORGANISATION = "Demo organisation (not real data)"
TEAMS = ["Hotline", "Evacuation", "Documentation"]
# username: (role, teams)
DEMO_USERS: dict[str, tuple[Role, list[str]]] = {
    "coordinator": (Role.COORDINATOR, ["Hotline", "Evacuation"]),
    "caseworker": (Role.CASEWORKER, ["Evacuation"]),
    "verifier": (Role.VERIFIER, ["Hotline"]),
    "documenter": (Role.DOCUMENTER, ["Documentation"]),
    "analyst": (Role.ANALYST, ["Documentation"]),
    "custodian": (Role.KEY_CUSTODIAN, []),
    "auditor": (Role.AUDITOR, []),
    "admin": (Role.ADMINISTRATOR, []),
}


class Command(BaseCommand):
    help = (
        "Migrate the database, load a demo organisation with one user per role "
        "and print their logins. Run again to get fresh passwords; the "
        "authenticator secrets stay. Development mode only."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("The demo only loads in development mode.")
        call_command("migrate", verbosity=0, interactive=False)
        # The per-entry anchor lines would bury the logins printed below.
        audit_logger = logging.getLogger("safepassage.audit")
        level = audit_logger.level
        audit_logger.setLevel(logging.WARNING)
        try:
            logins = self._load()
        finally:
            audit_logger.setLevel(level)
        self.stdout.write("")
        self.stdout.write(f"Demo organisation loaded: {ORGANISATION}")
        self.stdout.write("Each user logs in with a password and a six-digit code.")
        self.stdout.write("Add the secret to an authenticator app, or print the current code")
        self.stdout.write("with:  .venv/bin/safepassage totp USERNAME   (--qr prints a QR code)")
        self.stdout.write("")
        self.stdout.write(f"  {'username':<12} {'role':<14} {'password':<24} authenticator secret")
        for username, role, password, secret in logins:
            self.stdout.write(f"  {username:<12} {role:<14} {password:<24} {secret}")
        self.stdout.write("")

    @transaction.atomic
    def _load(self) -> list[tuple[str, str, str, str]]:
        organisation = Organisation.current()
        if organisation.name != ORGANISATION:
            organisation.name = ORGANISATION
            organisation.save(update_fields=["name"])
        teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
        logins = []
        for username, (role, team_names) in DEMO_USERS.items():
            user = User.objects.filter(username=username).first()
            team_list = [teams[name] for name in team_names]
            if user is None:
                user, password = actions.create_staff(
                    username=username, roles=[role], teams=team_list, by="cli"
                )
            else:
                actions.set_access(user, roles=[role], teams=team_list, by="cli")
                password = actions.reset_password(user, by="cli")
            # Demo users start enrolled and with their own password, so a
            # newcomer reaches the dashboard at once.
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
                issue_recovery_codes(user)
            logins.append((username, role.value, password, secret_for_humans(device)))
        record("cli", "demo.loaded", organisation, users=len(logins))
        return logins
