"""`safepassage dossier export`: the same dossier the page makes, from the
command line: chosen by record codes (events, acts, statements, evidence
items) or --all (every original this account may see), written to --output
a piece at a time, so memory stays flat whatever the files' size. Each
item's export is in its custody log and the audit log, with --why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from safepassage.accounts.commandline import staff_with_keys
from safepassage.documentation import dossier_files, dossiers
from safepassage.documentation.access import READ, documentation_keys
from safepassage.documentation.actions import Refused
from safepassage.vault import signing
from safepassage.vault.keyring import using_keyring


class Command(BaseCommand):
    help = "export: a verifiable dossier of evidence, as a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="write a dossier of evidence to a zip")
        export.add_argument(
            "codes", nargs="*", metavar="CODE", help="events, acts, statements or evidence items"
        )
        export.add_argument("--all", action="store_true", help="every original you may see")
        export.add_argument(
            "--originals",
            action="store_true",
            help="the originals themselves, as far as consent allows (default: working copies)",
        )
        export.add_argument("--why", required=True, help="why (in each item's custody log)")
        export.add_argument("--output", type=Path, required=True, metavar="FILE")
        export.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the dossier's index",
        )
        sub.add_parser(
            "key",
            help="print the custody key's fingerprint and PEM, for the organisation to publish",
        )
        export.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="a documenter with the documentation keys (password asked, or the first "
            "line of standard input)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "key":
            self._key()
            return
        if bool(options["codes"]) == bool(options["all"]):
            raise CommandError("Name the records to export, or give --all (not both).")
        output: Path = options["output"]
        if output.exists():
            raise CommandError(f"{output} exists already: choose another file.")
        user, keyring = staff_with_keys(options["as_user"])
        with using_keyring(keyring):
            try:
                documentation_keys(user, READ)
                chosen = (
                    dossiers.select_all(user)
                    if options["all"]
                    else dossiers.select(user, options["codes"])
                )
            except Http404:
                raise CommandError("No such record, or not one this account may see.") from None
            mode = dossiers.ORIGINALS if options["originals"] else dossiers.COPIES
            try:
                dossier = dossiers.hand_over(
                    user, chosen, mode=mode, why=options["why"], language=options["language"]
                )
            except Refused as refused:
                raise CommandError(str(refused)) from None
            layout = dossier_files.lay_out(dossier, keyring, by=user)
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("xb") as handle:
                for piece in dossier_files.stream(layout, dossier.made):
                    handle.write(piece)
            partial.rename(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        shipped = sum(1 for part in dossier.parts if part.ships)
        self.stdout.write(
            f"dossier {dossier.id}: {len(dossier.parts)} items ({shipped} files) in {output}"
        )
        for part in dossier.parts:
            if part.withheld == dossiers.WITHHELD_CONSENT:
                self.stdout.write(
                    f"{part.item.code}: original withheld, the consent recorded does not "
                    "cover handing it over (its working copy, if any, goes)"
                )

    def _key(self) -> None:
        """The key receivers compare a dossier's with (no keys needed)."""
        current = signing.current_key(signing.CUSTODY)
        if current is None:
            raise CommandError("There is no custody key yet: it is made with the first evidence.")
        self.stdout.write(f"fingerprint: {current.fingerprint}")
        self.stdout.write(signing.public_key_pem(current.verify_key), ending="")
