"""`safepassage audit verify [--full]`, `audit head` and `audit protect`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from safepassage.audit import fullcheck, protection
from safepassage.audit.chain import record
from safepassage.audit.verify import Verification, parse_anchor, verify


class Command(BaseCommand):
    help = (
        "verify: check the audit chain from the last checkpoint and name the entry "
        "that was altered, removed, inserted, appended or moved (exit status 1 on any "
        "break); --full checks every entry (run it daily). head: print SEQ:HASH of "
        "the newest entry, an anchor to keep outside this server; `verify --anchor "
        "SEQ:HASH` then also detects entries removed from the end. protect: install the "
        "append-only triggers again."
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
        sub.add_parser(
            "protect",
            help="install the append-only triggers again, after verify reported them changed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "protect":
            self._protect()
            return
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

    def _protect(self) -> None:
        findings = protection.check(connection)
        protection.install(connection)
        # What was found goes into the chain before it is repaired away.
        record(
            "cli",
            "audit.protection_installed",
            None,
            findings=[f"{f.kind}:{protection.safe_name(f.name)}" for f in findings][:32],
        )
        if findings:
            self.stdout.write(
                f"audit protection installed again; it had been changed ({len(findings)} "
                "differences, now recorded in the log). Find out who changed it."
            )
        else:
            self.stdout.write("audit protection was intact; installed again all the same")


def _summary(result: Verification) -> str:
    head = f"head {result.head_seq}:{result.head_hash}"
    if result.full or result.since == 0:
        return f"audit log intact: {result.head_seq} entries, all checked, {head}"
    return (
        f"audit log intact: {result.head_seq} entries, {result.checked} new since the "
        f"checkpoint at entry #{result.since} checked ({head}); entries before it are "
        "checked again by `safepassage audit verify --full`"
    )
