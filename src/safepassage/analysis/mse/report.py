"""Estimates in plain words: what the number means and what to beware of.

The words are sentences (analysis.wording), put into the reader's language
when shown."""

from __future__ import annotations

from safepassage.analysis.mse.loglinear import Fit, Selection
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.wording import BLANK, Sentence, model, num, say, warning


def warnings_for(table: CaptureTable, fits: list[Fit]) -> list[Sentence]:
    notes = []
    if len(table.lists) < 3:
        notes.append(say("two_lists"))
    observed_cells = sum(1 for cell in table.cells() if table.count(cell) > 0)
    if observed_cells < len(table.cells()) / 2:
        notes.append(say("sparse", observed=observed_cells, count=len(table.cells())))
    close = [f for f in fits if f.bic - fits[0].bic < 2]
    if len(close) > 1:
        low, high = min(f.total for f in close), max(f.total for f in close)
        if high > 1.25 * low:
            notes.append(say("models_disagree", low=num(low), high=num(high)))
    return notes


def heading(table: CaptureTable) -> list[Sentence]:
    """The lists and how many people they hold together."""
    return [
        say("lists", lists=list(table.lists), count=len(table.lists)),
        say("observed", count=table.observed),
    ]


def describe(table: CaptureTable, chosen: Fit, selection: Selection | None) -> list[Sentence]:
    lines = heading(table)
    if selection is not None:
        lines.append(say("model_lowest_bic", model=model(chosen.label), count=len(selection.fits)))
        if selection.skipped:
            lines.append(say("models_skipped", 1, count=selection.skipped))
    else:
        lines.append(say("model", model=model(chosen.label)))
    lines += [
        say("total", total=num(chosen.total, 1)),
        say("unobserved", 1, count=num(chosen.unobserved, 1)),
        BLANK,
        say("meaning_loglinear"),
    ]
    notes = warnings_for(table, selection.fits if selection else [chosen])
    if notes:
        lines.append(BLANK)
        lines += [warning(note) for note in notes]
    return lines
