"""`safepassage audit verify [--full]` and `safepassage audit head`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.audit import fullcheck
from safepassage.audit.verify import Verification, parse_anchor, verify


class Command(BaseCommand):
    help = (
        "verify: check the audit chain from the last checkpoint and name the entry "
        "that was altered, removed, inserted, appended or moved (exit status 1 on any "
        "break); --full checks every entry (run it daily). head: print SEQ:HASH of "
        "the newest entry, an anchor to keep outside this server; `verify --anchor "
        "SEQ:HASH` then also detects entries removed from the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify_parser = sub.add_parser(
            "verify", help="check the chain from the last checkpoint (--full: all of it)"
        )
        verify_parser.add_argument(
            "--full",
            action="store_true",
            help="check every entry and every checkpoint, not only the new entries",
        )
        verify_parser.add_argument(
            "--anchor", action="append", default=[], help="SEQ:HASH recorded earlier"
        )
        sub.add_parser("head", help="print the anchor of the newest entry")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            result = verify()
            if result.problem is not None:
                raise CommandError(f"audit log BROKEN: {result.problem.message}")
            self.stdout.write(f"{result.head_seq}:{result.head_hash}")
            return
        anchors = []
        for text in options["anchor"]:
            try:
                anchors.append(parse_anchor(text))
            except ValueError as error:
                raise CommandError(str(error)) from None
        # The full check records its result in the chain; the quick one does not.
        result = fullcheck.run("cli", anchors) if options["full"] else verify(anchors)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"audit log BROKEN: {problem.message}")
            raise SystemExit(1)
        self.stdout.write(_summary(result))


def _summary(result: Verification) -> str:
    head = f"head {result.head_seq}:{result.head_hash}"
    if result.full or result.since == 0:
        return f"audit log intact: {result.head_seq} entries, all checked, {head}"
    return (
        f"audit log intact: {result.head_seq} entries, {result.checked} new since the "
        f"checkpoint at entry #{result.since} checked ({head}); entries before it are "
        "checked again by `safepassage audit verify --full`"
    )
