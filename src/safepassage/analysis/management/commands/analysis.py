"""`safepassage analysis estimate`: multiple systems estimation from a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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


class Command(BaseCommand):
    help = (
        "estimate FILE: estimate how many people no list recorded, with log-linear "
        "models. FILE is a CSV with one 0/1 column per list and a count column last "
        "(or, with --histories, one row per person). Without --model, every "
        "hierarchical model is fitted (up to five lists) and the lowest BIC is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
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
