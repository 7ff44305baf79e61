"""Estimates in plain words: what the number means and what to beware of."""

from __future__ import annotations

from safepassage.analysis.mse.loglinear import Fit, Selection
from safepassage.analysis.mse.tables import CaptureTable


def warnings_for(table: CaptureTable, fits: list[Fit]) -> list[str]:
    notes = []
    if len(table.lists) < 3:
        notes.append(
            "Only two lists: the estimate rests entirely on the assumption that being on "
            "one list does not change the chance of being on the other."
        )
    observed_cells = sum(1 for cell in table.cells() if table.count(cell) > 0)
    if observed_cells < len(table.cells()) / 2:
        notes.append(
            f"Sparse table: only {observed_cells} of {len(table.cells())} possible patterns "
            "were observed, so some models cannot be estimated and others are fragile."
        )
    close = [f for f in fits if f.bic - fits[0].bic < 2]
    if len(close) > 1:
        low, high = min(f.total for f in close), max(f.total for f in close)
        if high > 1.25 * low:
            notes.append(
                f"Models that fit about equally well disagree: {low:.0f} to {high:.0f}. "
                "Report the range, not one number."
            )
    return notes


def describe(table: CaptureTable, chosen: Fit, selection: Selection | None) -> list[str]:
    lines = [
        f"Lists: {', '.join(table.lists)} ({len(table.lists)})",
        f"People on at least one list: {table.observed}",
    ]
    if selection is not None:
        lines.append(
            f"Model: {chosen.label} (lowest BIC of {len(selection.fits)} models; "
            f"{selection.skipped} had no finite or unique estimate)"
        )
    else:
        lines.append(f"Model: {chosen.label}")
    lines += [
        f"Estimated total: {chosen.total:.1f}",
        f"  of whom on no list: {chosen.unobserved:.1f}",
        "",
        "What this means: the total counts people on no list too, inferred from how the "
        "lists overlap. It assumes the model's picture of how the lists depend on each "
        "other holds, and that the records were linked correctly into people.",
    ]
    notes = warnings_for(table, selection.fits if selection else [chosen])
    if notes:
        lines.append("")
        lines += [f"Warning: {note}" for note in notes]
    return lines
