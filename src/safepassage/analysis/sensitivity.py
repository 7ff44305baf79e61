"""How far an estimate can be trusted: the other methods beside the first
figure, each method at each match threshold (the sensitivity page), and
whether the linkage is reliable enough to count from at all.

The linkage is flagged "not reliable enough to estimate" when

- the estimate changes by a factor of two or more between match
  thresholds (which records are joined decides the answer);
- more than a quarter of the scored pairs of records on different lists
  (and at least ten) lie undecided in the review band;
- almost every record (95 %) is joined to no other, or fewer than ten
  people are on two lists or more: the overlaps the estimate rests on are
  then too few, or the linkage missed them. (In published tables 54 to
  90 % of the records are on one list only, so "most" alone is normal.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from safepassage.analysis.methods import (
    LATENT_FROM,
    METHODS,
    LogLinear,
    Memo,
    Plan,
    Point,
    Unestimable,
    applicable,
    primary_method,
)
from safepassage.analysis.mse.loglinear import EstimateUnavailable
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.summary import Outcome
from safepassage.analysis.wording import BLANK, Sentence, dump, load, num, reason, say, term

SWING = 2.0
UNDECIDED_SHARE = 0.25
UNDECIDED_LEAST = 10
ALONE_SHARE = 0.95
OVERLAP_LEAST = 10
ORDER = ("latent", "bma", "loglinear")


def linkage_verdicts(
    result: dict[str, Any],
    pairs: Sequence[tuple[int, int, float]],
    labels: np.ndarray,
    thresholds: Sequence[tuple[float, float | None]],
    plan: Plan,
) -> list[Sentence]:
    """Why the linkage is not reliable enough to estimate from, if it is not."""
    reasons = []
    totals = [total for _t, total in thresholds if total is not None and total > 0]
    if len(totals) >= 2 and max(totals) >= SWING * min(totals):
        reasons.append(
            say(
                "linkage_swing",
                factor=num(max(totals) / min(totals), 1),
                low=num(min(totals)),
                high=num(max(totals)),
            )
        )
    lists = result["lists"]
    across = [(a, b, p) for a, b, p in pairs if lists[a] != lists[b]]
    considered = [p for _a, _b, p in across if p >= plan.review_low or p in (0.0, 1.0)]
    waiting = sum(1 for p in considered if 0.0 < p < 1.0 and p < plan.review_high)
    if considered and waiting >= UNDECIDED_LEAST and waiting > UNDECIDED_SHARE * len(considered):
        reasons.append(
            say("linkage_undecided", share=num(100 * waiting / len(considered)), count=waiting)
        )
    sizes = np.bincount(labels)
    records = int(sizes.sum())
    alone = int(np.sum(sizes == 1))
    people_on_two = _people_on_two(lists, labels)
    if records and (alone >= ALONE_SHARE * records or people_on_two < OVERLAP_LEAST):
        reasons.append(say("linkage_alone", share=num(100 * alone / records)))
    if not reasons:
        return []
    return [say("linkage_unreliable", reasons=reasons)]


def _people_on_two(lists: Sequence[str], labels: np.ndarray) -> int:
    """How many people the linkage put on two lists or more."""
    on: dict[int, set[str]] = {}
    for row, person in enumerate(labels.tolist()):
        on.setdefault(person, set()).add(lists[row])
    return sum(1 for named in on.values() if len(named) >= 2)


def others(first: str, lists: int) -> list[str]:
    """The methods shown beside the first figure (latent classes only where
    they are meant to be used)."""
    return [
        name
        for name in ORDER
        if name != first and applicable(name, lists) and (name != "latent" or lists >= LATENT_FROM)
    ]


def cost(first: str, other: str) -> float:
    """A fit of another method, in fits of the first (for the progress bar):
    a converged latent-class run is worth about ten log-linear or averaged fits."""
    weight = {"latent": 10.0, "bma": 1.0, "loglinear": 1.0}
    return weight[other] / weight[first]


def compare_methods(
    outcome: Outcome,
    table: CaptureTable,
    at: Callable[[float], dict[str, CaptureTable]] | None,
    memo: Memo,
    plan: Plan,
    thresholds: Sequence[float],
    done: Callable[[float], None],
    apart: CaptureTable | None = None,
) -> None:
    """The other methods beside the first figure, and (for a run) every
    method at every threshold; stored in the outcome and said in its lines.
    With ``apart`` (the table before lists were counted as one), also the
    figure the plan's method gives with the lists counted apart, so that a
    reader sees what the analyst's word on copying changed."""
    width = len(table.lists)
    first = outcome.method
    memos = {first: memo}
    for name in others(first, width):
        memos[name] = Memo(METHODS[name](Plan(**{**plan.__dict__, "method": name})))
    lines: list[Sentence] = []
    for name, source in memos.items():
        entry = _figure(name, source, table)
        if name == "loglinear" and name != first and plan.resamples and entry["total"]:
            # The log-linear figure beside a Bayesian one gets its BCa interval.
            point = source.point(table)
            interval = LogLinear().interval(table, point, plan.resamples, plan.seed)
            entry["interval"] = [interval.low, interval.high]
        done(cost(first, name) if name != first else 0)
        if name != first:
            outcome.sensitivity.append(entry)
            lines.append(_line(entry))
        elif entry["total"] is not None and (more := _more_groups(source.point(table))):
            outcome.sensitivity.append(more)
            lines.append(_line(more))
    name = apart_method(plan, apart)
    if apart is not None and name:
        source = memos.get(name) or Memo(METHODS[name](Plan(**{**plan.__dict__, "method": name})))
        entry = {**_figure(name, source, apart), "apart": True}
        done(cost(first, name))
        outcome.sensitivity.append(entry)
        lines.append(_line(entry))
    if lines:
        outcome.lines += [BLANK, say("sensitivity"), *lines]
    if at is None:
        return
    tables = {threshold: at(threshold)[""] for threshold in thresholds}
    for name, source in memos.items():
        row = []
        for threshold in thresholds:
            figure = _figure(name, source, tables[threshold])
            row.append([threshold, figure["total"], figure["publishable"]])
            done(cost(first, name) if name != first else 0)
        outcome.grid.append({"method": name, "totals": row})


def apart_method(plan: Plan, apart: CaptureTable | None) -> str:
    """The method that estimates the lists counted apart ("" if none does):
    the plan's, or with "auto" the first method for that many lists."""
    if apart is None:
        return ""
    width = len(apart.lists)
    name = primary_method(width) if plan.method == "auto" else plan.method
    return name if applicable(name, width) else ""


def _figure(name: str, source: Memo, table: CaptureTable) -> dict[str, Any]:
    try:
        point = source.point(table)
    except (Unestimable, EstimateUnavailable, ValueError) as error:
        return {
            "method": name,
            "total": None,
            "interval": None,
            "publishable": False,
            "reason": dump([reason(error)])[0],
        }
    return _entry(name, point)


def _more_groups(point: Point) -> dict[str, Any] | None:
    """Beside a latent-class figure whose lists fit better with more groups,
    the total counted with them (lcmcr_groups): its profile interval, or
    none where it has no upper end."""
    groups = point.groups
    if groups is None or not groups.more or groups.interval is None:
        return None
    open_above = say("latent_groups_open", low=num(groups.interval[0]))
    return {
        "method": "latent_groups",
        "total": groups.chosen.total,
        "interval": None if groups.unbounded else list(groups.interval),
        "publishable": True,
        # Shown where the interval would be: how far down the total can go.
        "reason": dump([open_above])[0] if groups.unbounded else None,
    }


def _entry(name: str, point: Point) -> dict[str, Any]:
    return {
        "method": name,
        "total": point.total,
        "interval": list(point.credible) if point.credible else None,
        "publishable": point.publishable,
        "reason": None,
    }


def _end(value: float) -> Any:
    return num(value) if math.isfinite(value) else "∞"


def _line(entry: dict[str, Any]) -> Sentence:
    method: Any = term(entry["method"])
    if entry.get("apart"):
        method = say("apart_method", method=method)
    if entry["total"] is None:
        return say("sensitivity_none", 1, method=method, reason=load(entry["reason"]))
    total = num(entry["total"])
    if not entry["publishable"]:
        return say("sensitivity_unpublishable", 1, method=method, total=total)
    if entry["interval"]:
        low, high = entry["interval"]
        return say(
            "sensitivity_figure", 1, method=method, total=total, low=num(low), high=num(high)
        )
    if entry.get("reason"):
        return say("sensitivity_with", 1, method=method, total=total, reason=load(entry["reason"]))
    return say("sensitivity_point", 1, method=method, total=total)
