"""The key ceremony and the custodians' work: init, recover, rotate, status."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.vault import bundles, exchange, keys, rotation
from safepassage.vault.errors import VaultError
from safepassage.vault.keyring import Keyring
from safepassage.vault.models import Compartment, CompartmentKey, KeyGrant, RotationJob


class Command(BaseCommand):
    help = (
        "init: hold the key ceremony (recovery key split into custodian shares, "
        "printed once; the first version of every compartment). recover: with K "
        "shares, grant compartments to a named staff member. rotate: with K shares, "
        "move a compartment to new keys, re-encrypting in resumable batches while "
        "the application runs. status: compartments, versions, members. partner-key: "
        "print this organisation's partner key (made on first use) for partners who "
        "send it cases. Shares are read from standard input, one per line (typed "
        "without echo on a terminal)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        init = sub.add_parser("init", help="hold the key ceremony")
        init.add_argument("--custodians", type=int, required=True, help="number of shares (N)")
        init.add_argument("--threshold", type=int, required=True, help="shares needed (K)")
        init.add_argument(
            "--grant",
            action="append",
            default=[],
            metavar="USERNAME",
            help="give every compartment to this staff member (repeat for several)",
        )
        recover = sub.add_parser("recover", help="grant compartments with custodian shares")
        recover.add_argument("--user", required=True, metavar="USERNAME")
        recover.add_argument(
            "--compartment", action="append", required=True, choices=Compartment.values
        )
        rotate = sub.add_parser("rotate", help="new keys for a compartment")
        rotate.add_argument("compartment", choices=Compartment.values)
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--batches",
            type=int,
            default=None,
            help="stop after this many batches (run again to resume)",
        )
        sub.add_parser("status", help="compartments, versions and members")
        partner = sub.add_parser(
            "partner-key",
            help="print the key partners seal bundles to (made on first use), and its "
            "fingerprint to check with them by phone",
        )
        partner.add_argument(
            "--new",
            action="store_true",
            help="make a new partner key (older ones still open bundles already sent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)
        except VaultError as error:
            raise CommandError(str(error)) from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username.strip().lower()).first()
        if user is None:
            raise CommandError(f"There is no staff member called {username!r}.")
        return user

    def _shares(self) -> Keyring:
        if sys.stdin.isatty():
            needed = keys._recovery_public_key()[0].threshold
            lines = [getpass.getpass(f"Share {n + 1} of {needed}: ") for n in range(needed)]
        else:
            lines = sys.stdin.read().splitlines()
        return keys.recover(lines)

    def _init(self, options: dict[str, Any]) -> None:
        grant_to = [self._user(name).pk for name in options["grant"]]
        shares, _keyring = keys.hold_ceremony(
            custodians=options["custodians"],
            threshold=options["threshold"],
            grant_to=grant_to,
            by="cli",
        )
        out = self.stdout
        out.write(
            f"Key ceremony held. Any {options['threshold']} of these "
            f"{options['custodians']} shares recover every compartment."
        )
        out.write("Give one to each custodian, on paper. They are shown only now.\n")
        for number, share in enumerate(shares, start=1):
            out.write(f"Share {number}:\n  {share}\n")
        exchange.make_key(by="cli")
        out.write("A partner key was made: `safepassage keys partner-key` prints it.")

    def _recover(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        keyring = self._shares()
        for compartment in options["compartment"]:
            versions = keys.grant(keyring, compartment, user.pk, by="recovery")
            self.stdout.write(
                f"Granted {compartment} ({versions} key versions) to {user.username}."
            )

    def _rotate(self, options: dict[str, Any]) -> None:
        keyring = self._shares()

        def progress(label: str, done: int) -> None:
            self.stdout.write(f"  {label}: {done} re-encrypted")

        job = rotation.rotate(
            keyring,
            options["compartment"],
            by="recovery",
            batch_size=options["batch_size"],
            max_batches=options["batches"],
            progress=progress,
        )
        if job.finished is None:
            self.stdout.write(
                f"Paused: {job.rewritten} values re-encrypted so far. Run the same "
                "command again to resume."
            )
        else:
            self.stdout.write(
                f"{options['compartment']} now uses key version {job.to_version}; "
                f"{job.rewritten} values re-encrypted; older versions removed."
            )

    def _status(self, options: dict[str, Any]) -> None:
        if not keys.is_initialised():
            self.stdout.write("No key ceremony yet: run `safepassage keys init`.")
            return
        running = set(
            RotationJob.objects.filter(finished__isnull=True).values_list("compartment", flat=True)
        )
        for key in CompartmentKey.objects.order_by("compartment", "version"):
            holders = KeyGrant.objects.filter(key=key).count()
            flags = " (current)" if key.current else ""
            flags += " (rotating)" if key.current and key.compartment in running else ""
            self.stdout.write(f"{key.compartment:<14} v{key.version}{flags}: {holders} members")

    def _partner_key(self, options: dict[str, Any]) -> None:
        if not keys.is_initialised():
            raise CommandError("Hold the key ceremony first: safepassage keys init.")
        key = exchange.own_key()
        if key is None or options["new"]:
            key = exchange.make_key(by="cli")
            self.stderr.write("A new partner key was made.")
        self.stdout.write(bundles.partner_key_text(key))
        self.stderr.write(
            "Give the line above to each partner organisation that sends you cases, and "
            f"read them its fingerprint by phone: {bundles.fingerprint(key)}"
        )
