"""`safepassage cases ...`: work on cases from the command line, through
the same actions as the pages.

- ``migrate-people``: cases stored before people were rows moved into
  Person rows, and people recorded without identity's keys made findable
  by name;
- ``import-bundle FILE``: a bundle a partner organisation sent opened as a
  new case (cases.referrals.import_bundle);
- ``add-partner``: a partner organisation added to the list, its key
  marked checked by the named administrator if they say they compared its
  fingerprint with the partner.

Commands that read or write sealed data run as a staff member (``--as``),
whose password is asked, or read from the first line of standard input.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.cases import actions, partners, people, referrals
from safepassage.cases.consent import ConsentError
from safepassage.vault import keys
from safepassage.vault.errors import VaultError
from safepassage.vault.keyring import Keyring, using_keyring


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
        bring = sub.add_parser(
            "import-bundle",
            help="open a bundle a partner organisation sent as a new case (a member of "
            "identity who may import bundles: --as USERNAME)",
        )
        bring.add_argument("file", metavar="FILE")
        bring.add_argument("--as", dest="as_user", metavar="USERNAME", required=True)
        partner = sub.add_parser(
            "add-partner",
            help="add a partner organisation with the key its `safepassage keys partner-key` "
            "printed (an administrator: --as USERNAME)",
        )
        partner.add_argument("--name", required=True)
        partner.add_argument("--key", required=True, metavar="PARTNER_KEY")
        partner.add_argument("--contact", default="")
        partner.add_argument("--as", dest="as_user", metavar="USERNAME", required=True)
        partner.add_argument(
            "--checked",
            action="store_true",
            help="you compared the key's fingerprint with them by phone or in person",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "import-bundle":
                return self._import_bundle(options)
            if options["subcommand"] == "add-partner":
                return self._add_partner(options)
            return self._migrate_people(options)
        except ConsentError as error:
            raise CommandError(error.message) from None
        except VaultError as error:
            raise CommandError(str(error)) from None

    def _signed_in(self, username: str) -> tuple[User, Keyring]:
        user = User.objects.filter(username=username.strip().lower()).first()
        password = (
            getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
        ).rstrip("\n")
        if user is None or not user.is_active or not user.check_password(password):
            record("cli", "access.denied", None, outcome=Outcome.DENIED, need="password")
            raise CommandError("That username and password do not match.")
        return user, keys.open_keyring(user.pk, password)

    def _import_bundle(self, options: dict[str, Any]) -> None:
        user, keyring = self._signed_in(options["as_user"])
        if not user.can(Perm.IMPORT_BUNDLES):
            record(user, "access.denied", None, outcome=Outcome.DENIED, need="cases.import")
            raise CommandError(f"{user.username} may not import bundles.")
        try:
            with open(options["file"], "rb") as handle:
                data = handle.read(referrals.BUNDLE_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        with using_keyring(keyring):
            imported = referrals.import_bundle(data, by=user)
        self.stdout.write(
            f"Opened as case {imported.case.code} ({len(imported.content.people)} people), "
            f"{imported.received.kind} from {imported.received.partner.name}."
        )

    def _add_partner(self, options: dict[str, Any]) -> None:
        user, _keyring = self._signed_in(options["as_user"])
        if not user.can(Perm.MANAGE_PARTNERS):
            record(user, "access.denied", None, outcome=Outcome.DENIED, need="cases.partners")
            raise CommandError(f"{user.username} may not change partner organisations.")
        partner = partners.add_partner(
            name=options["name"], contact=options["contact"], key_text=options["key"], by=user
        )
        if options["checked"]:
            partners.verify_partner(partner, version=partner.version, by=user)
        self.stdout.write(
            f"Added {partner.name}; key fingerprint {partners.fingerprint(partner)}"
            + ("" if options["checked"] else " (not yet checked with them).")
        )

    def _migrate_people(self, options: dict[str, Any]) -> None:
        waiting = people.not_yet_moved().count()
        if options["check"]:
            self.stdout.write(f"{waiting} case(s) wait to be moved.")
            return
        if not options["as_user"]:
            raise CommandError("Name a member of the identity compartment: --as USERNAME.")
        user, keyring = self._signed_in(options["as_user"])
        if not people.holds_identity(keyring):
            raise CommandError(f"{user.username} is not a member of the identity compartment.")
        with using_keyring(keyring):
            done = actions.migrate_people(by=user)
        self.stdout.write(
            f"{done.cases} case(s) moved ({done.people} people); "
            f"{done.indexed} people added to the name search."
        )
