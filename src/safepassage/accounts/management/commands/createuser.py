"""Create a staff account from the command line (the first administrator)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts import actions
from safepassage.accounts.forms import StaffCreateForm
from safepassage.accounts.models import Team
from safepassage.accounts.roles import Role


class Command(BaseCommand):
    help = (
        "Create a staff account and print its temporary password once. At first "
        "login the person enrols an authenticator and chooses their own password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a handle, not a real name")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=[role.value for role in Role],
            help="give this role (repeat for several)",
        )
        parser.add_argument(
            "--team", action="append", default=[], help="add to this team (repeat for several)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        teams = []
        for name in options["team"]:
            team = Team.objects.filter(name=name).first()
            if team is None:
                raise CommandError(f"There is no team called {name!r}.")
            teams.append(team.pk)
        form = StaffCreateForm(
            {"username": options["username"], "roles": options["role"], "teams": teams}
        )
        if not form.is_valid():
            problems = "; ".join(
                f"{field}: {' '.join(str(error) for error in errors)}"
                for field, errors in form.errors.items()
            )
            raise CommandError(problems)
        user, password = actions.create_staff(
            username=form.cleaned_data["username"],
            roles=form.cleaned_data["roles"],
            teams=form.cleaned_data["teams"],
            by="cli",
        )
        self.stdout.write(f"Created {user.username}. Temporary password (shown once): {password}")
