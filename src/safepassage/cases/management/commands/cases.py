"""`safepassage cases migrate-people`: cases stored before people were rows
moved into Person rows, and people recorded without identity's keys made
findable by name. Run by a member of the identity compartment (their
password is asked, or read from the first line of standard input)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.cases import actions, people
from safepassage.vault import keys
from safepassage.vault.keyring import using_keyring


class Command(BaseCommand):
    help = (
        "migrate-people: move every case stored before each person had a record of their "
        "own into records, and add to the name search the people recorded without the "
        "identity keys (a member of identity: --as USERNAME)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        migrate = sub.add_parser("migrate-people", help=self.help)
        migrate.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="a member of the identity compartment (password asked, or the first line "
            "of standard input)",
        )
        migrate.add_argument(
            "--check",
            action="store_true",
            help="only say how many cases wait to be moved (no keys needed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = people.not_yet_moved().count()
        if options["check"]:
            self.stdout.write(f"{waiting} case(s) wait to be moved.")
            return
        if not options["as_user"]:
            raise CommandError("Name a member of the identity compartment: --as USERNAME.")
        user = User.objects.filter(username=options["as_user"].strip().lower()).first()
        password = (
            getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
        ).rstrip("\n")
        if user is None or not user.is_active or not user.check_password(password):
            record("cli", "access.denied", None, outcome=Outcome.DENIED, need="password")
            raise CommandError("That username and password do not match.")
        keyring = keys.open_keyring(user.pk, password)
        if not people.holds_identity(keyring):
            raise CommandError(f"{user.username} is not a member of the identity compartment.")
        with using_keyring(keyring):
            done = actions.migrate_people(by=user)
        self.stdout.write(
            f"{done.cases} case(s) moved ({done.people} people); "
            f"{done.indexed} people added to the name search."
        )
