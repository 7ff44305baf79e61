"""What an estimate says: its figures, as stored (sealed), and its summary
in plain words, as sentences put into the reader's language when shown
(analysis.wording)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from safepassage.analysis.mse.report import warnings_for
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.wording import (
    BLANK,
    Sentence,
    dump,
    num,
    say,
    term,
    warning,
)

# How the interval was made, by the code the summary names it with.
INTERVAL_KINDS = {"bca", "percentile", "posterior", "credible"}


@dataclass
class Outcome:
    """What an estimate says, as stored (sealed) and shown."""

    lists: list[str]
    observed: int
    total: float
    label: str
    lines: list[Sentence]
    warnings: list[Sentence] = field(default_factory=list)
    interval: tuple[float, float] | None = None
    interval_kind: str = ""  # one of INTERVAL_KINDS
    combined: tuple[float, float] | None = None
    linkage_only: tuple[float, float] | None = None
    # The total at each match threshold; None where no estimate was possible.
    thresholds: list[tuple[float, float | None]] = field(default_factory=list)
    strata: list[dict[str, Any]] = field(default_factory=list)
    draws: list[float] = field(default_factory=list)
    failed_draws: int = 0
    method: str = ""  # the method of the first figure
    # Why the figure must not be published; empty when it may be.
    verdicts: list[Sentence] = field(default_factory=list)
    # The other methods on the same table: {"method", "total", "interval",
    # "publishable", "reason"}; and every method at every threshold:
    # {"method", "totals": [[threshold, total or None, publishable]]}.
    sensitivity: list[dict[str, Any]] = field(default_factory=list)
    grid: list[dict[str, Any]] = field(default_factory=list)
    # Groups of lists the analyst asked to count as one (one copies another).
    joined: list[list[str]] = field(default_factory=list)
    # How to read the first figure's interval where it was widened (a model
    # the lists fit better gives another answer); publishable all the same.
    cautions: list[Sentence] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        return not self.verdicts

    def as_dict(self) -> dict[str, Any]:
        stored = dict(self.__dict__)
        stored["lines"] = dump(self.lines)
        stored["warnings"] = dump(self.warnings)
        stored["verdicts"] = dump(self.verdicts)
        stored["cautions"] = dump(self.cautions)
        stored["publishable"] = self.publishable
        return stored

    def text(self) -> str:
        """The summary in the current language (the command line's)."""
        return "\n".join(str(line) for line in self.lines)


@dataclass(frozen=True)
class StratumFigure:
    """One stratum's table and its estimate (None, and why, if it has none)."""

    value: str
    table: CaptureTable
    total: float | None
    model: str
    reason: Sentence | None = None


def stratum_word(value: str) -> Any:
    """A stratum's value as shown: as the lists wrote it, "unknown" in the reader's words."""
    return value if value != "unknown" else term("unknown")


def describe_strata(
    figures: list[StratumFigure],
    total: float,
    lists: list[str],
    observed: int,
    stratum: str,
    disagreed: int,
) -> Outcome:
    lines = [
        say("lists", lists=lists, count=len(lists)),
        say("observed", count=observed),
        say("stratified", stratum=term(stratum), count=len(figures)),
    ]
    strata = []
    warnings: list[Sentence] = []
    for figure in figures:
        value = stratum_word(figure.value)
        seen = figure.table.observed
        if figure.total is not None:
            lines.append(
                say("stratum_estimated", 1, value=value, count=seen, total=num(figure.total, 1))
            )
            strata.append(
                {
                    "value": figure.value,
                    "observed": seen,
                    "total": figure.total,
                    "model": figure.model,
                }
            )
            warnings += [
                say("stratum_note", value=value, note=note)
                for note in warnings_for(figure.table, [])
            ]
        else:
            reason = figure.reason or say("nobody_listed")
            lines.append(say("stratum_unestimated", 1, value=value, count=seen, reason=reason))
            strata.append(
                {"value": figure.value, "observed": seen, "total": None, "model": str(reason)}
            )
            warnings.append(say("stratum_no_estimate", value=value, count=seen))
    lines.append(say("total", total=num(total, 1)))
    lines.append(say("unobserved", 1, count=num(total - observed, 1)))
    if disagreed:
        warnings.append(say("strata_disagree", count=disagreed, stratum=term(stratum)))
    if warnings:
        lines += [BLANK, *[warning(note) for note in warnings]]
    return Outcome(lists, observed, total, "", lines, warnings=warnings, strata=strata)


def _end(value: float) -> Any:
    """An end of an interval: a number, or a dash where no finite estimate bounds it."""
    return num(value) if math.isfinite(value) else "∞"


def uncertainty_lines(outcome: Outcome, resamples: int, linkage_draws: int) -> list[Sentence]:
    lines = [BLANK]
    if outcome.interval is not None and outcome.interval_kind != "credible":
        # (A credible interval is already in the model's own description.)
        low, high = outcome.interval
        if math.isfinite(high):
            lines.append(
                say(
                    "interval",
                    kind=term(outcome.interval_kind),
                    count=resamples,
                    low=num(low),
                    high=num(high),
                )
            )
        else:
            share = 100 * outcome.failed_draws / max(resamples, 1)
            lines.append(
                say(
                    "interval_unbounded",
                    kind=term(outcome.interval_kind),
                    count=resamples,
                    low=num(low) if math.isfinite(low) else "—",
                    share=num(share),
                )
            )
        if outcome.failed_draws:
            lines.append(warning(say("failed_draws", count=outcome.failed_draws)))
    if outcome.combined is not None and outcome.linkage_only is not None:
        low, high = outcome.combined
        lines.append(say("combined", count=linkage_draws, low=_end(low), high=_end(high)))
        low, high = outcome.linkage_only
        lines.append(say("linkage_only", 1, low=_end(low), high=_end(high)))
    if outcome.thresholds:
        figures = [
            say("threshold_total", threshold=num(t, 1), total=num(v))
            if v is not None
            else say("threshold_none", threshold=num(t, 1))
            for t, v in outcome.thresholds
        ]
        lines.append(say("thresholds", figures=figures))
    return lines
