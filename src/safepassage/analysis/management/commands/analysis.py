"""`safepassage analysis estimate`: multiple systems estimation from a table."""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.analysis.commandline import add_list_commands, export_from, import_from
from safepassage.analysis.estimates import for_run, start_estimate
from safepassage.analysis.estimating import (
    METHODS,
    Plan,
    Unestimable,
    check_joined,
    estimate,
    estimate_table,
    joined,
    note_joined,
)
from safepassage.analysis.importing import ImportRefused
from safepassage.analysis.models import LinkageRun, Same
from safepassage.analysis.mse.intervals import Interval, bca
from safepassage.analysis.mse.loglinear import EstimateUnavailable, Fit, Model, fit, stepwise
from safepassage.analysis.mse.report import describe
from safepassage.analysis.mse.tables import (
    CaptureTable,
    TableError,
    read_histories,
    read_patterns,
)
from safepassage.analysis.runs import (
    BACKENDS,
    STRATA,
    RunRefused,
    clusters_at,
    decide,
    decisions_for,
    lists_named,
    review_queue,
    run_records,
    start_run,
)
from safepassage.analysis.wording import reason, render_all
from safepassage.audit.chain import record
from safepassage.jobs.progress import ProgressBar
from safepassage.jobs.runner import Stopped
from safepassage.jobs.status import status_of
from safepassage.vault.keyring import Keyring, using_keyring

# What the terminal's review shows of two records.
REVIEWED = (
    "id", "name", "surname", "given", "patronymic", "sex", "birth", "age", "age_date", "place",
    "event_date", "detention_place", "act",
)  # fmt: skip


def _keys_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="use this staff member's documentation keys (password asked, or the first "
        "line of standard input); without it, K custodian shares are read",
    )


class Command(BaseCommand):
    help = (
        "Counting victims. import: read a victim list (CSV or XLSX). link: link lists "
        "into people (a linkage run). review: decide uncertain pairs. export: write a run's "
        "people as CSV. runs: list runs. "
        "estimate FILE or --run ID: estimate how many people no list recorded. FILE is "
        "a CSV with one 0/1 column per list and a count column last (or, with "
        "--histories, one row per person)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add_list_commands(sub, _keys_arguments)
        linker = sub.add_parser(
            "link",
            help="link stored lists into people (a linkage run) and estimate the total",
        )
        linker.add_argument("--lists", required=True, help="comma-separated list names")
        linker.add_argument("--year", type=int, default=2017, help="the year ages refer to")
        linker.add_argument("--threshold", type=float, default=0.5, help="match probability")
        linker.add_argument(
            "--backend",
            choices=BACKENDS,
            help="duckdb (in this process) or spark (local, for lists that outgrow one "
            "machine); by default SAFEPASSAGE_LINKAGE_BACKEND",
        )
        _keys_arguments(linker)
        review = sub.add_parser(
            "review", help="decide uncertain pairs of a linkage run, one at a time"
        )
        review.add_argument("--run", required=True, help="the run's id (or its first characters)")
        _keys_arguments(review)
        runs = sub.add_parser("runs", help="list linkage runs and their estimates")
        runs.add_argument("--limit", type=int, default=20)
        estimate = sub.add_parser("estimate", help="estimate the total from a capture table")
        estimate.add_argument("file", type=Path, nargs="?", help="a capture table (CSV)")
        estimate.add_argument("--run", help="estimate from a linkage run instead of a file")
        estimate.add_argument(
            "--method",
            choices=sorted(METHODS),
            default="auto",
            help="auto (the default: the most robust method for the number of lists, the "
            "others beside it), loglinear (the lowest BIC up to 4 lists, stepwise beyond; "
            "up to 10 lists), bma (Bayesian model averaging, 3 to 5 lists), latent "
            "(Bayesian latent classes, LCMCR; meant for many lists)",
        )
        latent = estimate.add_argument_group("latent classes (--method latent)")
        latent.add_argument("--classes", type=int, default=10, help="at most this many classes")
        latent.add_argument(
            "--burn-in", type=int, default=10_000, help="iterations dropped at the start"
        )
        latent.add_argument("--samples", type=int, default=1_000, help="draws kept per chain")
        latent.add_argument(
            "--thinning", type=int, default=10, help="iterations between kept draws"
        )
        latent.add_argument(
            "--max-iterations",
            type=int,
            default=2_000_000,
            help="a run that has not converged (R-hat above 1.05 or an effective sample "
            "size under 400) goes on, twice as long each time, up to this many iterations "
            "per chain",
        )
        estimate.add_argument(
            "--missing-max",
            type=int,
            default=0,
            metavar="N",
            help="model averaging: search the number of people on no list from 0 to N "
            "(by default five times the number observed, widened while the posterior "
            "presses on the top)",
        )
        estimate.add_argument(
            "--as-one",
            nargs="+",
            action="append",
            default=[],
            metavar="LIST",
            help="count these lists as one (a person on any of them is on it), when one takes "
            "its cases from another: --as-one 'Russian newspaper' 'English press'; repeat for "
            "another group",
        )
        estimate.add_argument(
            "--stratify", choices=STRATA, help="with --run: estimate each stratum and add up"
        )
        estimate.add_argument(
            "--linkage-draws",
            type=int,
            default=0,
            metavar="N",
            help="with --run: also draw N clusterings from the match probabilities, for an "
            "interval that carries the linkage uncertainty",
        )
        _keys_arguments(estimate)
        estimate.add_argument(
            "--model", help="interactions, such as 'A:B, C:D' or '[12,23]'; 'main' for none"
        )
        estimate.add_argument(
            "--stepwise",
            action="store_true",
            help="choose the model by forward stepwise Poisson p-values (SparseMSE's; any "
            "number of lists); with --interval the choice is repeated in every resample",
        )
        estimate.add_argument(
            "--histories", action="store_true", help="one row per person, not per pattern"
        )
        estimate.add_argument(
            "--interval",
            type=int,
            metavar="RESAMPLES",
            help="a 95%% BCa bootstrap interval of the log-linear estimate from this many "
            "resamples (1000 is usual); the choice of model is repeated in every resample "
            "up to five lists",
        )
        estimate.add_argument(
            "--seed",
            type=int,
            default=Plan().seed,
            help="for reproducible figures (the same default as the pages)",
        )
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
        if options["subcommand"] == "review":
            return self._review(options)
        if options["subcommand"] == "runs":
            return self._runs(options)
        if options["subcommand"] == "export":
            return self._export(options)
        if options["run"]:
            return self._estimate_run(options)
        if options["file"] is None:
            raise CommandError("estimate needs a FILE or --run")
        return self._estimate(options)

    def _import(self, options: dict[str, Any]) -> None:
        for line in import_from(options):
            self.stdout.write(line)

    def _link(self, options: dict[str, Any]) -> None:
        names = [name.strip() for name in options["lists"].split(",") if name.strip()]
        keyring, by = self._keys(options)
        try:
            run = start_run(
                keyring,
                lists_named(names),
                by=by,
                threshold=options["threshold"],
                review_low=min(0.3, options["threshold"]),
                review_high=max(0.9, options["threshold"]),
                reference_year=options["year"],
                backend=options["backend"] or "",
                background=False,
                echo=ProgressBar(self.stderr),
            )
        except (RunRefused, ImportRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        except Stopped:
            raise CommandError(
                "The run was stopped (cancelled, or the vault was sealed)."
            ) from None
        with using_keyring(keyring):
            result = run.result or {}
        decisions = decisions_for(run.lists.all())
        labels = clusters_at(result, decisions, run.threshold)
        people = len(set(labels.tolist()))
        self.stdout.write(
            f"Run {run.pk}: {run.records} records from {len(names)} lists linked into "
            f"{people} people"
        )
        if not run.trained:
            self.stdout.write(
                "Warning: too few records to learn how names, dates and places agree; "
                "default weights were used. Review every link before estimating."
            )
        waiting = len(review_queue(run, result, decisions))
        if waiting:
            self.stdout.write(
                f"{waiting} pairs are uncertain: "
                f"safepassage analysis review --run {str(run.pk)[:8]}"
            )
        try:
            outcome = estimate(result, decisions, for_run(Plan(), run), ProgressBar(self.stderr))
        except Unestimable as error:
            self.stdout.write(f"No estimate: {reason(error)}")
            return
        for line in outcome.lines:
            self.stdout.write(str(line))

    def _export(self, options: dict[str, Any]) -> None:
        keyring, by = self._keys(options)
        run = self._run(options["run"])
        text = export_from(run, keyring, by, options["output"])
        if text is not None:
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(f"{run.records} records written to {options['output']}.")

    def _review(self, options: dict[str, Any]) -> None:
        keyring, by = self._keys(options)
        run = self._run(options["run"])
        with using_keyring(keyring):
            result = run.result or {}
            decisions = decisions_for(run.lists.all())
            queue = review_queue(run, result, decisions)
            if not queue:
                self.stdout.write("No pair is waiting for review.")
                return
            self.stdout.write(
                f"{len(queue)} pairs to review. s: same person, d: different "
                "people, n: next (no decision), q: quit"
            )
            # (The audit lines the server logs would break into the prompts:
            # the review is still written to the audit log.)
            with _quiet_audit():
                decided = self._review_pairs(run, queue, by)
            self.stdout.write(f"{decided} decisions recorded; later runs and estimates use them.")

    def _review_pairs(self, run: LinkageRun, queue: list[Any], by: Any) -> int:
        """Each pair in turn, until the queue ends or the reviewer quits: the
        number of decisions made."""
        decided = 0
        for number, candidate in enumerate(queue, start=1):
            found = run_records(run, [candidate.first, candidate.second])
            if len(found) < 2:
                continue
            first, second = found[candidate.first], found[candidate.second]
            record(by, "analysis.pair_shown", run, first=str(first.pk), second=str(second.pk))
            heading = (
                "rejected, yet joined through other records"
                if candidate.conflict
                else f"match probability {candidate.probability:.2f}"
            )
            self.stdout.write(f"\nPair {number} of {len(queue)} ({heading})")
            for field in REVIEWED:
                left = str(first.data.get(field, ""))
                right = str(second.data.get(field, ""))
                if left or right:
                    self.stdout.write(f"  {field:<15} {left:<36} | {right}")
            self.stdout.write(
                f"  {'list':<15} {first.victim_list.name:<36} | {second.victim_list.name}"
            )
            answer = self._ask("Same person? [s/d/n/q] ")
            if answer == "q":
                break
            if answer in ("s", "d"):
                decide(first, second, Same.SAME if answer == "s" else Same.DIFFERENT, by=by)
                decided += 1
        return decided

    def _ask(self, prompt: str) -> str:
        import sys

        while True:
            self.stdout.write(prompt, ending="")
            self.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                return "q"
            answer = line.strip().lower()[:1]
            if answer in ("s", "d", "n", "q"):
                return answer
            self.stdout.write("Answer s, d, n or q.")

    def _runs(self, options: dict[str, Any]) -> None:
        found = LinkageRun.objects.prefetch_related("lists", "estimates")[: options["limit"]]
        if not found:
            self.stdout.write("No linkage runs yet: safepassage analysis link --lists A,B")
        for run in found:
            # (List names are sealed: `link` and `review` show them, with keys.)
            self.stdout.write(
                f"{str(run.pk)[:8]}  {run.created:%Y-%m-%d %H:%M}  {status_of(run):<11} "
                f"{run.records} records, {run.people} people, {run.lists.count()} lists"
            )
            for entry in run.estimates.all():
                self.stdout.write(
                    f"    estimate {str(entry.pk)[:8]}  {entry.method}"
                    f"{' by ' + entry.stratum if entry.stratum else ''}{_joined(entry.joined)}  "
                    f"{status_of(entry)}"
                )

    def _run(self, prefix: str) -> LinkageRun:
        prefix = prefix.strip().lower()
        if len(prefix) < 4:
            raise CommandError("give at least the first four characters of the run's id")
        matches = [run for run in LinkageRun.objects.all() if str(run.pk).startswith(prefix)]
        if len(matches) != 1:
            raise CommandError(
                f"no run starts with {prefix!r}" if not matches else f"{prefix!r} is ambiguous"
            )
        return matches[0]

    def _keys(self, options: dict[str, Any]) -> tuple[Keyring, Any]:
        """The documentation keys: a staff member's (password) or the
        custodians' (shares), read from the terminal or standard input."""
        import getpass
        import sys

        from safepassage.accounts.models import User
        from safepassage.vault import keys

        if options["as_user"]:
            user = User.objects.filter(username=options["as_user"].strip().lower()).first()
            if sys.stdin.isatty():
                password = getpass.getpass("Password: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
            if user is None or not user.is_active or not user.check_password(password):
                record("cli", "analysis.keys_refused", None)
                raise CommandError("That username and password do not match.")
            keyring = keys.open_keyring(user.pk, password)
            by: Any = user
        else:
            if sys.stdin.isatty():
                needed = keys._recovery_public_key()[0].threshold
                lines = [getpass.getpass(f"Share {n + 1} of {needed}: ") for n in range(needed)]
            else:
                needed = keys._recovery_public_key()[0].threshold
                lines = [sys.stdin.readline() for _ in range(needed)]
            try:
                keyring = keys.recover(lines)
            except keys.RecoveryFailed as error:
                raise CommandError(str(error)) from None
            by = "recovery"
        if not keyring.holds("documentation"):
            raise CommandError("These keys do not open the documentation compartment.")
        return keyring, by

    def _estimate_run(self, options: dict[str, Any]) -> None:
        keyring, by = self._keys(options)
        run = self._run(options["run"])
        plan = self._plan(
            options,
            stratum=options["stratify"] or "",
            resamples=options["interval"] or 0,
            linkage_draws=options["linkage_draws"],
        )
        try:
            entry = start_estimate(
                keyring, run, plan, by=by, background=False, echo=ProgressBar(self.stderr)
            )
        except Unestimable as error:
            raise CommandError(str(reason(error))) from None
        except Stopped:
            raise CommandError(
                "The estimate was stopped (cancelled, or the vault was sealed)."
            ) from None
        with using_keyring(keyring):
            outcome = entry.result or {}
        for line in render_all(outcome.get("lines", [])):
            self.stdout.write(line)

    def _plan(self, options: dict[str, Any], **chosen: Any) -> Plan:
        """A plan with the latent-class sampler's settings from the options."""
        return Plan(
            method=options["method"],
            seed=options["seed"],
            classes=options["classes"],
            burn_in=options["burn_in"],
            samples=options["samples"],
            thinning=options["thinning"],
            max_iterations=options["max_iterations"],
            missing_max=options["missing_max"],
            joined=tuple(tuple(name.strip() for name in group) for group in options["as_one"]),
            **chosen,
        )

    def _estimate(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            reader = read_histories if options["histories"] else read_patterns
            table = reader(path)
        except OSError as error:
            raise CommandError(f"{path} cannot be read ({error.__class__.__name__}).") from None
        except TableError as error:
            raise CommandError(f"{path}: {error}") from None
        explicit = options["model"] or options["heterogeneity"] or options["stepwise"]
        if options["method"] in ("bma", "latent") and (explicit or options["interval"]):
            raise CommandError(
                "--model, --stepwise, --heterogeneity and --interval are for log-linear "
                f"models; {options['method']} reports its own credible interval."
            )
        if explicit:
            return self._explicit(table, options)
        plan = self._plan(options, resamples=options["interval"] or 0)
        try:
            outcome = estimate_table(table, plan, ProgressBar(self.stderr))
        except Unestimable as error:
            raise CommandError(str(reason(error))) from None
        for line in outcome.lines:
            self.stdout.write(str(line))

    def _explicit(self, table: CaptureTable, options: dict[str, Any]) -> None:
        """A log-linear model the analyst named, or chose by stepwise p-values."""
        if options["stepwise"] and (options["model"] or options["heterogeneity"]):
            raise CommandError(
                "--stepwise chooses the model: leave out --model and --heterogeneity."
            )
        groups = self._plan(options).joined
        try:
            check_joined(list(table.lists), groups)
        except Unestimable as error:
            raise CommandError(str(error)) from None
        table = joined(table, groups)
        try:
            if options["stepwise"]:
                chosen = stepwise(table)
            else:
                model = Model.parse(options["model"] or "main", table.lists)
                chosen = fit(table, model.with_heterogeneity(options["heterogeneity"]))
        except (EstimateUnavailable, ValueError) as error:
            raise CommandError(str(reason(error))) from None
        for line in note_joined(describe(table, chosen, None), groups):
            self.stdout.write(str(line))
        if not options["interval"]:
            return
        if options["stepwise"]:
            result = bca(table, stepwise, resamples=options["interval"], seed=options["seed"])
            return self._report_interval(result, "stepwise choice repeated in each")

        def refit(resampled: CaptureTable) -> Fit:
            return fit(resampled, chosen.model)

        result = bca(table, refit, resamples=options["interval"], seed=options["seed"])
        self._report_interval(result, "")

    def _report_interval(self, result: Interval, note: str) -> None:
        kind = f"BCa bootstrap, {result.resamples} resamples{', ' + note if note else ''}"
        if math.isfinite(result.high):
            self.stdout.write(f"95% interval ({kind}): {result.low:.0f} to {result.high:.0f}")
        else:
            low = f"{result.low:.0f}" if math.isfinite(result.low) else "no finite estimate"
            self.stdout.write(
                f"95% interval ({kind}): from {low}, with no upper bound: {result.failed} "
                "resamples had no finite estimate."
            )
            return
        if result.failed:
            self.stdout.write(
                f"Warning: {result.failed} resamples had no finite estimate; "
                "the upper end may be unbounded."
            )


def _joined(groups: list[list[str]]) -> str:
    """How many lists an estimate counted as one (their names are sealed)."""
    return "".join(f", {len(group)} lists counted as one" for group in groups)


@contextlib.contextmanager
def _quiet_audit() -> Iterator[None]:
    """The audit log's lines kept off the terminal while a person answers
    prompts (each entry is still written to the audit chain)."""
    logger = logging.getLogger("safepassage.audit")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
