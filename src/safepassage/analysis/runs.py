"""Linkage runs, the review queue and the decisions people make in it.

A run links the records of some lists into people and keeps every scored
pair. Who is one person is then worked out from the pairs and the
documenters' decisions, each time it is needed: a confirmed pair is joined
whatever its score, a rejected pair is never joined directly, so a decision
counts in every run, including those made before it.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast, get_args

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from safepassage.analysis.importing import ImportRefused, list_named
from safepassage.analysis.linkage import Backend, SourceRecord, place_key
from safepassage.analysis.linkage.pipeline import REVIEW_FLOOR
from safepassage.analysis.models import (
    LinkageRun,
    LinkDecision,
    Same,
    VictimList,
    VictimRecord,
)
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.audit.chain import record
from safepassage.jobs import runner
from safepassage.jobs.kinds import Progress, Store
from safepassage.jobs.status import RESTARTABLE, status_of
from safepassage.vault.keyring import Keyring, using_keyring

STRATA = ("place", "period", "act")
YEAR = re.compile(r"(19\d\d|20\d\d)")


class RunRefused(ValueError):
    """A run cannot start; the message says why, in plain words."""


@dataclass(frozen=True)
class Opened:
    """The records of some lists, opened for one run (in memory only)."""

    ids: list[str]
    sources: list[SourceRecord]
    strata: dict[str, list[str]]


def stratum_values(data: dict[str, Any]) -> dict[str, str]:
    """The values a record contributes to each way of stratifying."""
    period = YEAR.search(str(data.get("event_date", "")))
    return {
        "place": place_key(str(data.get("place", ""))),
        "period": period.group(1) if period else "",
        "act": " ".join(str(data.get("act", "")).casefold().split()),
    }


def open_lists(keyring: Keyring, lists: Sequence[VictimList]) -> Opened:
    if len(lists) < 2:
        raise RunRefused(_("choose at least two lists: linkage finds the people they share"))
    ids: list[str] = []
    sources: list[SourceRecord] = []
    strata: dict[str, list[str]] = {name: [] for name in STRATA}
    with using_keyring(keyring):
        # By list name (sealed, so sorted here), then row.
        names = {
            item.pk: item.name
            for item in VictimList.objects.filter(pk__in=[i.pk for i in lists]).opened()
        }
        for list_id in sorted(names, key=lambda pk: names[pk]):
            entries = VictimRecord.objects.filter(victim_list_id=list_id).order_by("row")
            for entry in entries.opened():
                data = entry.data
                ids.append(str(entry.pk))
                sources.append(SourceRecord.of(names[list_id], str(entry.pk), data))
                for name, value in stratum_values(data).items():
                    strata[name].append(value)
    if not ids:
        raise RunRefused(_("these lists hold no records"))
    return Opened(ids, sources, strata)


BACKENDS: tuple[str, ...] = get_args(Backend)


def start_run(
    keyring: Keyring,
    lists: Sequence[VictimList],
    *,
    by: Any,
    threshold: float = 0.5,
    review_low: float = 0.3,
    review_high: float = 0.9,
    reference_year: int = 2017,
    backend: str = "",
    background: bool = True,
    echo: Progress | None = None,
) -> LinkageRun:
    """Open the lists' records and link them, on a thread unless told not
    to; on DuckDB or Spark (`backend`, by default as configured)."""
    if not 0 < review_low <= threshold <= review_high < 1:
        raise RunRefused(_("the review band must contain the threshold, between 0 and 1"))
    if review_low < min(REVIEW_FLOOR, threshold):
        # Linkage keeps no pair below this: the band would look emptier than it is.
        raise RunRefused(
            _("the review band starts at %(floor)s at the lowest") % {"floor": REVIEW_FLOOR}
        )
    backend = backend or settings.LINKAGE_BACKEND
    if backend not in BACKENDS:
        raise RunRefused(f"link on one of {', '.join(BACKENDS)}, not {backend!r}")
    opened = open_lists(keyring, lists)
    run = LinkageRun.objects.create(
        started_by=by if getattr(by, "pk", None) else None,
        threshold=threshold,
        review_low=review_low,
        review_high=review_high,
        reference_year=reference_year,
        backend=backend,
        records=len(opened.ids),
    )
    run.lists.set(lists)
    record(
        by,
        "analysis.linkage_started",
        run,
        lists=len(lists),
        records=len(opened.ids),
        backend=backend,
    )
    runner.start(run, background=background, echo=echo, opened=opened, backend=backend)
    # A fresh copy (refreshing in place would open the sealed result).
    return LinkageRun.objects.get(pk=run.pk)


def restart_run(
    keyring: Keyring,
    run: LinkageRun,
    *,
    by: Any,
    background: bool = True,
    echo: Progress | None = None,
) -> LinkageRun:
    """Start a stopped run again with the same inputs: the same lists (with
    the records they hold now), threshold, review band, year and database."""
    if status_of(run) not in RESTARTABLE:
        raise RunRefused(_("only an interrupted, cancelled or failed run starts again"))
    lists = list(run.lists.all())
    backend = run.backend or settings.LINKAGE_BACKEND
    if backend not in BACKENDS:
        raise RunRefused(f"link on one of {', '.join(BACKENDS)}, not {backend!r}")
    opened = open_lists(keyring, lists)
    LinkageRun.objects.filter(pk=run.pk).update(records=len(opened.ids), backend=backend)
    record(
        by,
        "analysis.linkage_restarted",
        run,
        lists=len(lists),
        records=len(opened.ids),
        attempt=run.attempt + 1,
    )
    # A new attempt of the same job (an attempt still running would stop).
    runner.start(run, background=background, echo=echo, opened=opened, backend=backend)
    return LinkageRun.objects.get(pk=run.pk)


def cancel_run(run: LinkageRun, *, by: Any) -> bool:
    """Ask a running linkage to stop at its next progress point."""
    if not runner.request_cancel(run):
        return False
    record(by, "analysis.linkage_cancelled", run, progress=run.progress)
    return True


def link(run: LinkageRun, progress: Progress, *, opened: Opened, backend: str) -> Store:
    """A linkage run's work, on the job's thread (analysis.background)."""
    from safepassage.analysis import linkage

    progress("preparing", 0.02)
    rows = linkage.prepare(opened.sources, run.reference_year)
    result = linkage.link(
        rows,
        threshold=run.threshold,
        backend=cast(Backend, backend),
        progress=lambda stage, done: progress(stage, 0.05 + 0.85 * done),
    )
    progress("storing", 0.9)
    pairs = [[int(left), int(right), round(float(p), 6)] for left, right, p in result.pairs]
    found = {
        "ids": opened.ids,
        "lists": [source.list_name for source in opened.sources],
        "pairs": pairs,
        "strata": opened.strata,
    }
    people = len(set(result.clusters.values()))

    def store(row: LinkageRun) -> list[str]:
        row.result = found
        row.trained = result.trained
        row.people = people
        return ["result", "trained", "people"]

    return store


# --- Decisions and clusters --------------------------------------------------------


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def decide(first: VictimRecord, second: VictimRecord, decision: str, *, by: Any) -> LinkDecision:
    """Record whether two records are one person (replacing an earlier word)."""
    if decision not in Same.values:
        raise ValueError(f"unknown decision {decision!r}")
    if first.pk == second.pk:
        raise ValueError("a record is always the same person as itself")
    a, b = _ordered(str(first.pk), str(second.pk))
    with transaction.atomic():
        entry, created = LinkDecision.objects.update_or_create(
            first_id=uuid.UUID(a),
            second_id=uuid.UUID(b),
            defaults={"decision": decision, "decided_by": by if getattr(by, "pk", None) else None},
        )
        record(by, "analysis.link_decided", entry, decision=decision, changed=not created)
    return entry


def decisions_for(lists: Iterable[VictimList]) -> dict[tuple[str, str], str]:
    found = LinkDecision.objects.filter(
        Q(first__victim_list__in=list(lists)) | Q(second__victim_list__in=list(lists))
    )
    return {
        (str(first), str(second)): decision
        for first, second, decision in found.values_list("first_id", "second_id", "decision")
    }


def effective_pairs(
    result: dict[str, Any], decisions: dict[tuple[str, str], str]
) -> list[tuple[int, int, float]]:
    """The run's scored pairs with people's decisions applied (1 or 0)."""
    ids: list[str] = result["ids"]
    row_of = {record_id: row for row, record_id in enumerate(ids)}
    pairs: dict[tuple[int, int], float] = {}
    for left, right, probability in result["pairs"]:
        pairs[(min(left, right), max(left, right))] = float(probability)
    for (a, b), decision in decisions.items():
        if a in row_of and b in row_of:
            key = (min(row_of[a], row_of[b]), max(row_of[a], row_of[b]))
            pairs[key] = 1.0 if decision == Same.SAME else 0.0
    return [(left, right, p) for (left, right), p in pairs.items()]


def cluster(size: int, edges: Iterable[tuple[int, int]]) -> np.ndarray:
    """Connected components: a cluster number for each of ``size`` rows."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(size, size)
    )
    _count, labels = connected_components(graph, directed=False)
    return np.asarray(labels)


def clusters_at(
    result: dict[str, Any], decisions: dict[tuple[str, str], str], threshold: float
) -> np.ndarray:
    pairs = effective_pairs(result, decisions)
    return cluster(len(result["ids"]), ((a, b) for a, b, p in pairs if p >= threshold))


def capture_table(result: dict[str, Any], labels: np.ndarray) -> CaptureTable:
    lists = sorted(set(result["lists"]))
    on: dict[int, set[str]] = {}
    for row, label in enumerate(labels.tolist()):
        on.setdefault(label, set()).add(result["lists"][row])
    counts: Counter[tuple[int, ...]] = Counter(
        tuple(int(name in names) for name in lists) for names in on.values()
    )
    return CaptureTable(tuple(lists), dict(counts))


def stratified_tables(
    result: dict[str, Any], labels: np.ndarray, stratum: str
) -> tuple[dict[str, CaptureTable], int]:
    """One table per stratum; a person whose records disagree goes to the
    value most of them give. Returns the tables and how many people's
    records disagreed."""
    if stratum not in STRATA:
        raise ValueError(f"stratify by one of {', '.join(STRATA)}")
    values: list[str] = result["strata"][stratum]
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(row)
    lists = sorted(set(result["lists"]))
    counts: dict[str, Counter[tuple[int, ...]]] = {}
    disagreed = 0
    for rows in members.values():
        given = Counter(values[row] for row in rows if values[row])
        if len(given) > 1:
            disagreed += 1
        # The most common value; ties go to the first in alphabetical order.
        value = min(given.items(), key=lambda item: (-item[1], item[0]))[0] if given else ""
        names = {result["lists"][row] for row in rows}
        pattern = tuple(int(name in names) for name in lists)
        counts.setdefault(value or "unknown", Counter())[pattern] += 1
    tables = {value: CaptureTable(tuple(lists), dict(c)) for value, c in sorted(counts.items())}
    return tables, disagreed


# --- The review queue --------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    first: str  # record ids
    second: str
    probability: float
    conflict: bool  # rejected, yet joined through other records


def review_queue(
    run: LinkageRun, result: dict[str, Any], decisions: dict[tuple[str, str], str]
) -> list[Candidate]:
    """Undecided pairs in the run's review band, the most uncertain first,
    then rejected pairs that other links still put in one cluster."""
    ids: list[str] = result["ids"]
    waiting = []
    for left, right, probability in result["pairs"]:
        a, b = _ordered(ids[left], ids[right])
        if (a, b) in decisions:
            continue
        if run.review_low <= probability < run.review_high:
            waiting.append(Candidate(a, b, float(probability), False))
    waiting.sort(key=lambda c: (abs(c.probability - 0.5), c.first, c.second))
    labels = clusters_at(result, decisions, run.threshold)
    row_of = {record_id: row for row, record_id in enumerate(ids)}
    conflicts = [
        Candidate(a, b, 0.0, True)
        for (a, b), decision in sorted(decisions.items())
        if decision == Same.DIFFERENT
        and a in row_of
        and b in row_of
        and labels[row_of[a]] == labels[row_of[b]]
    ]
    return conflicts + waiting


def run_records(run: LinkageRun, record_ids: Iterable[str]) -> dict[str, VictimRecord]:
    """Records of this run's lists, by id (anything else is left out)."""
    wanted = list(record_ids)
    found = VictimRecord.objects.filter(
        pk__in=wanted, victim_list__in=run.lists.all()
    ).select_related("victim_list")
    return {str(entry.pk): entry for entry in found}


def lists_named(names: Sequence[str]) -> list[VictimList]:
    """Lists by name (found by the blind index of their names, no keys needed)."""
    found, missing = [], []
    for name in names:
        item = list_named(name)
        if item is None:
            missing.append(name)
        else:
            found.append(item)
    if missing:
        raise ImportRefused(f"no list called {', '.join(repr(m) for m in sorted(missing))}")
    return found
