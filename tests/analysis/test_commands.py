"""The command line: link with a staff member's keys, review pairs at the
terminal, list runs, estimate from a run or a table by any method."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from safepassage.accounts.models import User
from safepassage.analysis.models import Estimate, LinkageRun, LinkDecision
from tests.analysis.conftest import StoredLists
from tests.base import PASSWORD, Vault

pytestmark = pytest.mark.django_db

DGA = "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n"


def _stdin(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def _names(lists: StoredLists) -> str:
    return ",".join(item.name for item in lists.lists)


def test_link_review_and_estimate_at_the_terminal(
    analyst: User,
    lists: StoredLists,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _stdin(monkeypatch, PASSWORD)
    out = io.StringIO()
    call_command("analysis", "link", "--lists", _names(lists), "--as", "analyst", stdout=out)
    run = LinkageRun.objects.get()
    assert f"Run {run.pk}: {len(lists.truth)} records from 3 lists" in out.getvalue()
    assert "pairs are uncertain: safepassage analysis review --run" in out.getvalue()
    assert "Estimated total" in out.getvalue()

    # Same, different, a nonsense answer (asked again), skip, quit.
    _stdin(monkeypatch, PASSWORD, "s", "d", "maybe", "n", "q")
    out = io.StringIO()
    # (An audit entry's line is logged when it commits, at once at a terminal.)
    monkeypatch.setattr(transaction, "on_commit", lambda func, *args, **kwargs: func())
    with caplog.at_level(logging.INFO, logger="safepassage.audit"):
        call_command("analysis", "review", "--run", str(run.pk)[:8], "--as", "analyst", stdout=out)
    monkeypatch.undo()
    # The audit log's lines stay off the terminal while the prompts are answered.
    assert not [entry for entry in caplog.records if "pair_shown" in entry.getMessage()]
    text = out.getvalue()
    assert "match probability" in text
    assert "Answer s, d, n or q." in text
    assert "2 decisions recorded" in text
    # Each pair shown (same, different, skipped, and the one quit at) is audited.
    from safepassage.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="analysis.pair_shown").count() == 4
    assert sorted(LinkDecision.objects.values_list("decision", flat=True)) == [
        "different",
        "same",
    ]
    assert set(LinkDecision.objects.values_list("decided_by", flat=True)) == {analyst.pk}

    _stdin(monkeypatch, PASSWORD)
    out = io.StringIO()
    call_command(
        "analysis",
        "estimate",
        "--run",
        str(run.pk)[:8],
        "--as",
        "analyst",
        "--method",
        "bma",
        "--stratify",
        "act",
        "--interval",
        "30",
        "--linkage-draws",
        "10",
        stdout=out,
    )
    text = out.getvalue()
    assert "Stratified by what was done" in text
    assert "with the linkage uncertainty too (10 clusterings" in text
    assert Estimate.objects.get().method == "bma"

    out = io.StringIO()
    call_command("analysis", "runs", stdout=out)
    assert str(run.pk)[:8] in out.getvalue()
    assert "bma by act  done" in out.getvalue()


def test_wrong_keys_and_runs_are_refused(
    analyst: User, vault: Vault, lists: StoredLists, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, "not the password")
    with pytest.raises(CommandError, match="do not match"):
        call_command("analysis", "link", "--lists", _names(lists), "--as", "analyst")
    _stdin(monkeypatch, PASSWORD)
    with pytest.raises(CommandError, match="no run starts with 'abcdef'"):
        call_command("analysis", "review", "--run", "abcdef", "--as", "analyst")
    _stdin(monkeypatch, PASSWORD)
    with pytest.raises(CommandError, match="at least the first four"):
        call_command("analysis", "estimate", "--run", "ab", "--as", "analyst")
    # The coordinator holds no documentation keys.
    _stdin(monkeypatch, PASSWORD)
    with pytest.raises(CommandError, match="do not open the documentation"):
        call_command("analysis", "link", "--lists", _names(lists), "--as", "coord")
    _stdin(monkeypatch, *vault.shares[:2])
    with pytest.raises(CommandError, match="choose at least two lists"):
        call_command("analysis", "link", "--lists", lists.lists[0].name)


def test_a_table_is_estimated_by_model_averaging(tmp_path: Path) -> None:
    path = tmp_path / "dga.csv"
    path.write_text(DGA, encoding="utf-8")
    out = io.StringIO()
    call_command("analysis", "estimate", str(path), "--method", "bma", stdout=out)
    assert "Estimated total (posterior median): 731" in out.getvalue()
    with pytest.raises(CommandError, match="for log-linear models"):
        call_command("analysis", "estimate", str(path), "--method", "bma", "--interval", "10")
    with pytest.raises(CommandError, match="needs a FILE or --run"):
        call_command("analysis", "estimate")


def test_a_table_is_estimated_by_latent_classes(tmp_path: Path) -> None:
    path = tmp_path / "dga.csv"
    path.write_text(DGA, encoding="utf-8")
    runs = []
    for _ in range(2):
        out = io.StringIO()
        call_command(
            "analysis", "estimate", str(path), "--method", "latent", "--seed", "5",
            "--burn-in", "500", "--samples", "300", "--thinning", "5", stdout=out,
        )  # fmt: skip
        runs.append(out.getvalue())
    assert "latent classes (LCMCR" in runs[0]
    assert "95% credible interval" in runs[0]
    assert "Only 3 lists" in runs[0], "few lists are warned about"
    assert runs[0] == runs[1], "the seed makes the run reproducible"
    two = tmp_path / "two.csv"
    two.write_text("A,B,count\n1,0,5\n0,1,7\n1,1,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="at least three lists"):
        call_command("analysis", "estimate", str(two), "--method", "latent")
