"""`safepassage documentation import|export`: the documentation's records
from a CSV or XLSX file, and to a JSON or CSV file, as the pages do it
(the same importer, the same export, the same access rules), as a staff
member named with --as (their password is asked, or read from the first
line of standard input)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from safepassage.accounts.commandline import staff_with_keys
from safepassage.documentation import exporting, importing
from safepassage.documentation.access import READ, WRITE, documentation_keys
from safepassage.documentation.import_columns import BY_KEY
from safepassage.documentation.models import Confidentiality
from safepassage.vault.keyring import using_keyring

# The command line reads larger files than the pages do.
COMMAND_MAX_BYTES = 200 * 1024 * 1024


def _as_user(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        required=True,
        help="a documenter with the documentation keys (password asked, or the first line "
        "of standard input)",
    )


class Command(BaseCommand):
    help = (
        "import FILE: record events, acts, victims, perpetrators and sources from a CSV or "
        "XLSX file, one row per act, all or nothing. export: write what you may see to a "
        "JSON or CSV (zip) file, with the links between records kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importer = sub.add_parser("import", help="import records from a CSV or XLSX file")
        importer.add_argument("file", type=Path)
        importer.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="which column (by its title) holds a field; without --map, columns titled "
            f"like a field are used. Fields: {', '.join(BY_KEY)}",
        )
        importer.add_argument(
            "--allow-new-terms",
            action="store_true",
            help="add values that name no term to their vocabularies (never places); "
            "without it, such a value stops the import",
        )
        importer.add_argument(
            "--restricted",
            action="store_true",
            help="only you see the imported events (share each from its page)",
        )
        _as_user(importer)
        exporter = sub.add_parser("export", help="export what you may see")
        exporter.add_argument("--format", choices=exporting.FORMATS, default="json")
        exporter.add_argument(
            "--output", type=Path, required=True, help="the file to write (not overwritten)"
        )
        _as_user(exporter)

    def handle(self, *args: Any, **options: Any) -> None:
        user, keyring = staff_with_keys(options["as_user"])
        with using_keyring(keyring):
            try:
                documentation_keys(user, WRITE if options["subcommand"] == "import" else READ)
            except Http404:
                raise CommandError(
                    f"{user.username} may not do this, or does not hold the documentation keys."
                ) from None
            if options["subcommand"] == "import":
                self._import(user, options)
            else:
                self._export(user, options)

    def _import(self, user: Any, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            if path.stat().st_size > COMMAND_MAX_BYTES:
                raise CommandError(f"{path} is larger than {COMMAND_MAX_BYTES // 2**20} MB.")
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read ({error.__class__.__name__}).") from None
        given = {}
        for item in options["map"]:
            ours, _sep, theirs = item.partition("=")
            if not theirs:
                raise CommandError(f"--map takes FIELD=COLUMN, not {item!r}")
            given[ours.strip()] = theirs.strip()
        try:
            table = importing.read_table(path.name, raw, max_rows=importing.COMMAND_MAX_ROWS)
            mapping = (
                importing.mapping_from_titles(table.header, given)
                if given
                else importing.guess_mapping(table.header)
            )
            report = importing.import_records(
                user,
                table,
                mapping,
                allow_new_terms=options["allow_new_terms"],
                confidentiality=Confidentiality.RESTRICTED
                if options["restricted"]
                else Confidentiality.COMPARTMENT,
            )
        except importing.ImportRefused as refusal:
            lines = [problem.message() for problem in refusal.problems]
            raise CommandError("\n".join([f"Nothing was imported: {refusal}.", *lines])) from None
        for line in report.lines():
            self.stdout.write(line)

    def _export(self, user: Any, options: dict[str, Any]) -> None:
        output: Path = options["output"]
        try:
            # Created new, readable by its owner only: never over another file.
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{output} exists already: name a new file.") from None
        except OSError as error:
            raise CommandError(
                f"{output} cannot be written ({error.__class__.__name__})."
            ) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                content, _name = exporting.export(user, options["format"])
                handle.write(content)
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"Wrote {output} ({len(content)} bytes). It holds names and accounts in plaintext: "
            "keep it encrypted and delete it when done."
        )
