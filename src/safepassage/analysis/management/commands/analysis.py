"""`safepassage analysis estimate`: multiple systems estimation from a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.analysis.importing import ImportRefused, import_list, linkable
from safepassage.analysis.mse.intervals import bca
from safepassage.analysis.mse.loglinear import (
    EstimateUnavailable,
    Fit,
    Model,
    fit,
    hierarchical_models,
    select_by_bic,
)
from safepassage.analysis.mse.report import describe
from safepassage.analysis.mse.tables import (
    CaptureTable,
    TableError,
    read_histories,
    read_patterns,
)
from safepassage.audit.chain import record


class Command(BaseCommand):
    help = (
        "estimate FILE: estimate how many people no list recorded, with log-linear "
        "models. FILE is a CSV with one 0/1 column per list and a count column last "
        "(or, with --histories, one row per person). Without --model, every "
        "hierarchical model is fitted (up to five lists) and the lowest BIC is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importer = sub.add_parser("import", help="import a victim list from CSV or XLSX")
        importer.add_argument("file", type=Path)
        importer.add_argument("--list", required=True, help="the source's name")
        importer.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="which column holds a field (name, birth, place, event_date, notes); "
            "kept for the next import of this list",
        )
        importer.add_argument(
            "--skip-invalid",
            action="store_true",
            help="store the good rows and report the others (default: store nothing)",
        )
        linker = sub.add_parser(
            "link",
            help="link stored lists into people and estimate; custodian shares on stdin",
        )
        linker.add_argument("--lists", required=True, help="comma-separated list names")
        linker.add_argument("--year", type=int, default=2017, help="the year ages refer to")
        estimate = sub.add_parser("estimate", help="estimate the total from a capture table")
        estimate.add_argument("file", type=Path)
        estimate.add_argument(
            "--model", help="interactions, such as 'A:B, C:D' or '[12,23]'; 'main' for none"
        )
        estimate.add_argument(
            "--histories", action="store_true", help="one row per person, not per pattern"
        )
        estimate.add_argument(
            "--interval",
            type=int,
            metavar="RESAMPLES",
            help="a 95%% BCa bootstrap interval from this many resamples (1000 is usual); "
            "the choice of model is repeated in every resample",
        )
        estimate.add_argument("--seed", type=int, default=0, help="for a reproducible interval")
        estimate.add_argument(
            "--heterogeneity",
            choices=["poisson2"],
            help="model people's different chances of being listed (Rcapture's Mth Poisson2)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            return self._import(options)
        if options["subcommand"] == "link":
            return self._link(options)
        return self._estimate(options)

    def _import(self, options: dict[str, Any]) -> None:
        mapping = {}
        for item in options["map"]:
            ours, _, theirs = item.partition("=")
            if not theirs:
                raise CommandError(f"--map takes FIELD=COLUMN, not {item!r}")
            mapping[ours.strip()] = theirs.strip()
        try:
            report = import_list(
                options["file"], options["list"], mapping, skip_invalid=options["skip_invalid"]
            )
        except ImportRefused as refusal:
            lines = refusal.report.lines()[1:] if refusal.report else []
            raise CommandError("\n".join([str(refusal), *lines])) from None
        except OSError as error:
            name = error.__class__.__name__
            raise CommandError(f"{options['file']} cannot be read ({name}).") from None
        for line in report.lines():
            self.stdout.write(line)

    def _link(self, options: dict[str, Any]) -> None:
        import sys

        from safepassage.analysis import linkage
        from safepassage.vault import keys

        names = [name.strip() for name in options["lists"].split(",") if name.strip()]
        try:
            keyring = keys.recover(sys.stdin.read().splitlines())
            records = linkable(keyring, names)
        except (keys.RecoveryFailed, ImportRefused) as error:
            raise CommandError(str(error)) from None
        if not records:
            raise CommandError("these lists hold no records")
        rows = linkage.prepare(records, options["year"])
        result = linkage.link(rows)
        table = linkage.capture_table(rows, result)
        self.stdout.write(
            f"{len(records)} records from {len(names)} lists linked into "
            f"{len(result.people())} people"
        )
        if not result.trained:
            self.stdout.write(
                "Warning: too few records to learn how names, dates and places agree; "
                "default weights were used. Review every link before estimating."
            )
        record("recovery", "analysis.lists_linked", None, lists=len(names), records=len(records))
        if len(table.lists) < 2:
            return
        selection = select_by_bic(table, hierarchical_models(len(table.lists)))
        for line in describe(table, selection.best, selection):
            self.stdout.write(line)

    def _estimate(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            reader = read_histories if options["histories"] else read_patterns
            table = reader(path)
        except OSError as error:
            raise CommandError(f"{path} cannot be read ({error.__class__.__name__}).") from None
        except TableError as error:
            raise CommandError(f"{path}: {error}") from None
        selection = None
        try:
            if options["model"] or options["heterogeneity"]:
                model = Model.parse(options["model"] or "main", table.lists)
                chosen = fit(table, model.with_heterogeneity(options["heterogeneity"]))
            else:
                if len(table.lists) > 5:
                    raise CommandError(
                        f"{len(table.lists)} lists: name a --model (choosing among every "
                        "model is done up to five lists)."
                    )
                selection = select_by_bic(table, hierarchical_models(len(table.lists)))
                chosen = selection.best
        except EstimateUnavailable as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in describe(table, chosen, selection):
            self.stdout.write(line)
        if options["interval"]:
            self._interval(table, chosen, selection is not None, options)

    def _interval(
        self, table: CaptureTable, chosen: Fit, chose: bool, options: dict[str, Any]
    ) -> None:
        if chose and len(table.lists) > 3:
            raise CommandError(
                "An interval that repeats the choice among every model is only offered up "
                "to three lists; name a --model (or use fewer lists)."
            )
        candidates = hierarchical_models(len(table.lists)) if chose else None

        def choose(resampled: CaptureTable) -> Fit:
            if candidates is not None:
                return select_by_bic(resampled, candidates).best
            return fit(resampled, chosen.model)

        result = bca(table, choose, resamples=options["interval"], seed=options["seed"])
        self.stdout.write(
            f"95% interval (BCa bootstrap, {result.resamples} resamples"
            f"{', model chosen again in each' if chose else ''}): "
            f"{result.low:.0f} to {result.high:.0f}"
        )
        if result.failed:
            self.stdout.write(
                f"Warning: {result.failed} resamples had no finite estimate; "
                "the upper end may be unbounded."
            )
