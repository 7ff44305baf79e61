"""`safepassage audit verify` and `safepassage audit head`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.audit.chain import parse_anchor, verify


class Command(BaseCommand):
    help = (
        "verify: walk the audit chain and name the first entry that was altered, "
        "removed, inserted or reordered (exit status 1 on any break). "
        "head: print SEQ:HASH of the newest entry, an anchor to keep outside this "
        "server; `verify --anchor SEQ:HASH` then also detects entries removed "
        "from the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify_parser = sub.add_parser("verify", help="check the whole chain")
        verify_parser.add_argument(
            "--anchor", action="append", default=[], help="SEQ:HASH recorded earlier"
        )
        sub.add_parser("head", help="print the anchor of the newest entry")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            result = verify()
            if not result.ok:
                raise CommandError(f"audit log BROKEN: {result.problem.message}")  # type: ignore[union-attr]
            self.stdout.write(f"{result.head_seq}:{result.head_hash}")
            return
        anchors = []
        for text in options["anchor"]:
            try:
                anchors.append(parse_anchor(text))
            except ValueError as error:
                raise CommandError(str(error)) from None
        result = verify(anchors)
        if not result.ok:
            assert result.problem is not None  # noqa: S101 - narrowing for the type checker
            self.stderr.write(f"audit log BROKEN: {result.problem.message}")
            raise SystemExit(1)
        self.stdout.write(
            f"audit log intact: {result.checked} entries, head {result.head_seq}:{result.head_hash}"
        )
