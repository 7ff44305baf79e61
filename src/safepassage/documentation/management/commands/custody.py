"""`safepassage custody verify`: every evidence item's custody chain, the
organisation's signature of its head and its stored file, checked; the
first failure named (exit status 1), or how many items were checked.

The entries' details and the files are encrypted, so the check runs as a
documenter named with --as (their password is asked, or read from the
first line of standard input). Only item codes and what failed are
printed, never what an item holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from safepassage.accounts.commandline import staff_with_keys
from safepassage.audit.chain import record
from safepassage.documentation import custody
from safepassage.documentation.access import READ, documentation_keys
from safepassage.vault.keyring import using_keyring


class Command(BaseCommand):
    help = (
        "verify: check every evidence item's custody chain, the signature of its head and "
        "its stored file; name the first failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check every item's custody log and file")
        verify.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="a documenter with the documentation keys (password asked, or the first "
            "line of standard input)",
        )
        verify.add_argument(
            "--no-files",
            action="store_true",
            help="check the logs and signatures only, not the stored files (faster)",
        )
        verify.add_argument(
            "--all-failures", action="store_true", help="name every failure, not the first only"
        )
        sub.add_parser(
            "timestamp",
            help="ask each timestamp authority (SAFEPASSAGE_TIMESTAMP_AUTHORITIES) for a token "
            "over each item's signed head that has none from it yet",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "timestamp":
            self._timestamp()
            return
        user, keyring = staff_with_keys(options["as_user"])
        with using_keyring(keyring):
            try:
                documentation_keys(user, READ)
            except Http404:
                raise CommandError("This account cannot read the documentation.") from None
            checked = 0
            failures: list[custody.Failure] = []
            for item, problem in custody.verify_all(check_files=not options["no_files"]):
                checked += 1
                if problem is not None:
                    failures.append(custody.Failure(item.code, problem))
                    if not options["all_failures"]:
                        break
            record(user, "documentation.custody_verified", items=checked, problems=len(failures))
        if failures:
            for failure in failures:
                self.stderr.write(f"custody: {failure}")
            raise CommandError(f"custody: first failure: {failures[0]}")
        self.stdout.write(
            f"custody: {checked} items checked, every chain, signature and file intact"
        )

    def _timestamp(self) -> None:
        authorities = settings.TIMESTAMP_AUTHORITIES
        if not authorities:
            raise CommandError("No timestamp authority is configured.")
        kept, problems = custody.stamp_heads(authorities)
        record("cli", "documentation.custody_timestamped", items=kept, problems=len(problems))
        for problem in problems:
            self.stderr.write(f"custody: {problem}")
        self.stdout.write(f"custody: {kept} timestamp tokens received and verified")
        if problems:
            raise CommandError(f"custody: {len(problems)} requests gave no good token")
