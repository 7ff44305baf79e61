"""One estimator, one model-choice rule, two doors: the page and the
`safepassage analysis` command, left at their defaults, give the same
figure for the same linkage run (the first method's total, its interval,
the methods beside it and whether to publish), and the run's capture
table given to the command as a file gives the same first figure."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.analysis.forms import EstimateForm
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.runs import capture_table, clusters_at, decisions_for, start_run
from safepassage.analysis.wording import render_all
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import store_lists
from tests.base import PASSWORD, Vault, make_user, sign_in


def _defaults() -> dict[str, str]:
    """The estimate form as the page first shows it, without the slow extras
    (the command's defaults have no resamples or drawn clusterings either)."""
    fields = EstimateForm().fields
    chosen = {name: str(field.initial or "") for name, field in fields.items()}
    return {**chosen, "resamples": "0", "linkage_draws": "0"}


def _first(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(("Estimated total", "95%"))]


def test_the_page_and_the_command_give_the_same_estimate_of_a_run(
    transactional_audit: None, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    # Five lists: latent classes first, whose figure depends on the seed.
    stored = store_lists(people=120, lists=5, seed=8)
    run = start_run(vault.keyring, stored.lists, by="cli", background=False)

    client = Client()
    sign_in(client, analyst)
    client.post(reverse("analysis:estimate_start", args=[run.pk]), _defaults())
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(timeout=600)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = io.StringIO()
    call_command(
        "analysis", "estimate", "--run", str(run.pk), "--as", "analyst",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    page_entry, command_entry = Estimate.objects.order_by("created")
    with using_keyring(vault.keyring):
        page, command = page_entry.result, command_entry.result
        result = LinkageRun.objects.get(pk=run.pk).result
    assert page["method"] == command["method"] == "latent"
    for key in ("total", "interval", "sensitivity", "publishable", "verdicts", "lines"):
        assert page[key] == command[key], key
    assert page_entry.seed == command_entry.seed

    # The run's table as a file: the same first figure and interval.
    table = capture_table(result, clusters_at(result, decisions_for(stored.lists), run.threshold))
    path = tmp_path / "run.csv"
    rows = [",".join(table.lists) + ",count"]
    rows += [",".join(map(str, p)) + f",{n}" for p, n in sorted(table.counts.items())]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("analysis", "estimate", str(path), stdout=out, stderr=io.StringIO())
    assert _first(out.getvalue().splitlines()) == _first(render_all(page["lines"]))
