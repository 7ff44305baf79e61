"""`safepassage retention ...`: the retention rules (cases.retention).

- ``run``: remove what the rules say is due today, case by case, and say
  what went in counts and case codes (never a name); ``--dry-run`` says
  what would go and changes nothing. Both are audited. A run needs no
  keys: schedule it once a day (docs/operations.md), or let
  `safepassage serve` run it.
- ``rules``: the rules and the days each waits, as configured.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.cases import retention
from safepassage.jobs.progress import ProgressBar
from safepassage.jobs.runner import Stopped


class Command(BaseCommand):
    help = (
        "run: remove what the retention rules say is due today (--dry-run: only say what "
        "would go); rules: list the rules and their days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser(
            "run",
            help="remove where households stayed and travelled a set time after arrival, and "
            "who the people of declined and withdrawn cases are, as the rules say",
        )
        run.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be removed (case codes and counts) and change nothing",
        )
        sub.add_parser("rules", help="list the retention rules and the days each waits")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rules":
            return self._rules()
        if options["dry_run"]:
            report = retention.preview(by="cli")
        else:
            try:
                report = retention.run(by="cli", echo=ProgressBar(self.stderr))
            except Stopped:
                raise CommandError(
                    "The run stopped (the vault was sealed or the run was cancelled): "
                    "what was removed stays removed; run it again to finish."
                ) from None
        for line in report.lines():
            self.stdout.write(line)

    def _rules(self) -> None:
        for rule in retention.RULES:
            stages = ", ".join(rule.stages)
            self.stdout.write(
                f"{rule.key}: {', '.join(rule.removes)} ({retention.waits(rule)}; stages: {stages})"
            )
