"""`safepassage evidence add FILE --to CODE --as USERNAME`: keep a file as
an original, as the upload page does (the same action), for files too
large to send through a browser: it is hashed and encrypted as it is
read, a piece at a time, so memory stays flat whatever its size."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from safepassage.accounts.commandline import staff_with_keys
from safepassage.documentation import evidence
from safepassage.documentation.access import WRITE, documentation_keys
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
        add.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="a documenter with the documentation keys (password asked, or the first "
            "line of standard input)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
