"""Linkage runs: lists linked into people, pairs kept sealed, decisions of
documenters respected by every run, the review queue, background jobs."""

from __future__ import annotations

import pytest

from safepassage.analysis.linkage import Quality
from safepassage.analysis.models import LinkageRun, LinkDecision, Same
from safepassage.analysis.runs import (
    RunRefused,
    capture_table,
    clusters_at,
    decide,
    decisions_for,
    review_queue,
    run_records,
    start_run,
    stratified_tables,
)
from safepassage.jobs.models import JobStatus
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists
from tests.base import Vault

pytestmark = pytest.mark.django_db


def _quality(truth: dict[str, int], result: dict, labels: list[int]) -> Quality:
    from safepassage.analysis.linkage import Linkage, evaluate

    rows = {row: truth[record_id] for row, record_id in enumerate(result["ids"])}
    return evaluate(rows, Linkage(dict(enumerate(labels)), []))


def test_a_run_links_the_lists_into_people(vault: Vault, lists: StoredLists) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    assert run.status == JobStatus.DONE
    assert run.records == len(lists.truth)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
    labels = clusters_at(result, {}, run.threshold)
    quality = _quality(lists.truth, result, labels.tolist())
    assert quality.f1 > 0.7
    assert abs(len(set(labels.tolist())) - lists.people_listed) < 0.25 * lists.people_listed
    table = capture_table(result, labels)
    assert table.observed == len(set(labels.tolist()))
    # Which records are one person is sealed like the records.
    stored = bytes(LinkageRun.objects.values_list("result", flat=True).get(pk=run.pk))
    assert result["ids"][0].encode() not in stored


def test_one_list_is_not_enough(vault: Vault, lists: StoredLists) -> None:
    with pytest.raises(RunRefused, match="at least two lists"):
        start_run(vault.keyring, lists.lists[:1], by="cli", background=False)
    with pytest.raises(RunRefused, match="review band"):
        start_run(vault.keyring, lists.lists, by="cli", threshold=0.95, background=False)
    with pytest.raises(RunRefused, match=r"starts at 0\.2 at the lowest"):
        start_run(vault.keyring, lists.lists, by="cli", review_low=0.1, background=False)
    with pytest.raises(RunRefused, match="link on one of duckdb, spark"):
        start_run(vault.keyring, lists.lists, by="cli", backend="flink", background=False)


def test_decisions_hold_in_every_run(vault: Vault, lists: StoredLists) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
        queue = review_queue(run, result, {})
        assert queue, "a run on noisy lists leaves pairs to review"
        assert all(run.review_low <= c.probability < run.review_high for c in queue)
        uncertainty = [abs(c.probability - 0.5) for c in queue]
        assert uncertainty == sorted(uncertainty)
        first = queue[0]
        records = run_records(run, [first.first, first.second])
        decide(records[first.first], records[first.second], Same.DIFFERENT, by="cli")
        decisions = decisions_for(lists.lists)
        assert (first.first, first.second) in decisions
        # Decided pairs leave the queue; a rejected pair comes back only as a
        # conflict, when other links still join its two records.
        assert all(
            (c.first, c.second) != (first.first, first.second) or c.conflict
            for c in review_queue(run, result, decisions)
        )
        # Two records of different people, joined by a documenter's word.
        ids = result["ids"]
        by_person: dict[int, str] = {}
        for record_id in ids:
            by_person.setdefault(lists.truth[record_id], record_id)
        a, b = list(by_person.values())[:2]
        before = clusters_at(result, decisions_for(lists.lists), run.threshold)
        assert before[ids.index(a)] != before[ids.index(b)]
        pair = run_records(run, [a, b])
        decide(pair[a], pair[b], Same.SAME, by="cli")
        # Changing one's mind replaces the decision.
        decide(pair[b], pair[a], Same.SAME, by="cli")
        assert LinkDecision.objects.count() == 2
    later = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        later_result = LinkageRun.objects.get(pk=later.pk).result
    after = clusters_at(later_result, decisions_for(lists.lists), later.threshold)
    ids = later_result["ids"]
    assert after[ids.index(a)] == after[ids.index(b)]


def test_a_rejected_pair_joined_through_others_comes_back() -> None:
    run = LinkageRun(threshold=0.5, review_low=0.3, review_high=0.9)
    result = {
        "ids": ["a", "b", "c", "d"],
        "lists": ["L1", "L2", "L3", "L1"],
        "pairs": [[0, 1, 0.95], [1, 2, 0.97], [2, 3, 0.6]],
        "strata": {"place": ["x", "x", "y", ""], "period": ["", "", "", ""], "act": [""] * 4},
    }
    decisions = {("a", "c"): Same.DIFFERENT}
    queue = review_queue(run, result, decisions)
    assert queue[0].conflict
    assert (queue[0].first, queue[0].second) == ("a", "c")
    assert [(c.first, c.second) for c in queue[1:]] == [("c", "d")]
    labels = clusters_at(result, decisions, 0.5)
    assert len(set(labels.tolist())) == 1
    tables, disagreed = stratified_tables(result, labels, "place")
    # Three records say x or y: the person goes to x (two against one).
    assert list(tables) == ["x"]
    assert disagreed == 1
    assert stratified_tables(result, labels, "period")[0]["unknown"].observed == 1
