"""`safepassage evidence add FILE --to CODE --as USERNAME`: keep a file as
an original, as the upload page does (the same action), for files too
large to send through a browser: it is hashed and encrypted as it is
read, a piece at a time, so memory stays flat whatever its size.

`safepassage evidence recheck --as USERNAME --why TEXT`: after the C2PA
trust anchors were changed (SAFEPASSAGE_C2PA_TRUST_ANCHORS), check again
every original this account sees whose manifest was checked against
other anchors, as each item's "Check it again" does (the same action,
each read in its custody log with the reason given)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from safepassage.accounts.commandline import staff_with_keys
from safepassage.documentation import content_credentials, evidence
from safepassage.documentation.access import WRITE, documentation_keys, visible_evidence
from safepassage.documentation.actions import Refused
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring

# The command line takes files far larger than the pages do.
COMMAND_MAX_BYTES = 64 * 1024 * 1024 * 1024


class Command(BaseCommand):
    help = "add FILE --to CODE: keep a file as evidence, linked to an event, act or statement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="keep a file as an original")
        add.add_argument("file", type=Path)
        add.add_argument("--to", metavar="CODE", default="", help="an event, act or statement")
        add.add_argument("--why", default="", help="why it is kept (in its custody log)")
        recheck = sub.add_parser(
            "recheck",
            help="check C2PA manifests again against the present trust anchors",
        )
        recheck.add_argument("--why", required=True, help="why (in each item's custody log)")
        recheck.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="a documenter with the documentation keys (password asked, or the first "
            "line of standard input)",
        )
        add.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="a documenter with the documentation keys (password asked, or the first "
            "line of standard input)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "recheck":
            self._recheck(options["as_user"], options["why"])
            return
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user, keyring = staff_with_keys(options["as_user"])
        with using_keyring(keyring):
            try:
                documentation_keys(user, WRITE)
                target = evidence.find_target(user, options["to"]) if options["to"] else None
            except Http404:
                raise CommandError("No such record, or not one this account may add to.") from None
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            with path.open("rb") as handle:
                try:
                    staged = files.stage_stream(
                        handle, name=path.name, content_type=content_type, limit=COMMAND_MAX_BYTES
                    )
                except files.TooLarge:
                    raise CommandError("The file is too large.") from None
            try:
                item = evidence.add_evidence(user, staged, target=target, why=options["why"])
            except Refused as refused:
                raise CommandError(str(refused)) from None
        self.stdout.write(f"{item.code} {item.sha256}")

    def _recheck(self, username: str, why: str) -> None:
        user, keyring = staff_with_keys(username)
        with using_keyring(keyring):
            documentation_keys(user, WRITE)
            checked = unchanged = 0
            for item in visible_evidence(user).filter(original=None).order_by("code").iterator():
                if not content_credentials.out_of_date((item.capture or {}).get("c2pa")):
                    unchanged += 1
                    continue
                try:
                    found = evidence.check_credentials_again(user, item, why=why)
                except Refused as refused:
                    raise CommandError(f"{item.code}: {refused}") from None
                state = (found or {}).get("state", "no manifest")
                self.stdout.write(f"{item.code} {state}")
                checked += 1
        self.stdout.write(
            f"checked again: {checked}; already against the present anchors: {unchanged}"
        )
