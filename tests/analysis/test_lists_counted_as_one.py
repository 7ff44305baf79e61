"""Lists that copy one another, counted as one: the analyst names them (on
the run's page, or `--as-one` at the command line) and the estimate is made
on the table with those lists joined, says so in its summary, keeps the
choice (by the lists' ids, their names being sealed) and makes it again
when started again."""

from __future__ import annotations

import io
import re
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.analysis.estimates import restart_estimate, start_estimate
from safepassage.analysis.estimating import Plan, Unestimable, estimate, estimate_table
from safepassage.analysis.models import Estimate, LinkageRun
from safepassage.analysis.mse.tables import CaptureTable
from safepassage.analysis.runs import capture_table, clusters_at, decisions_for, start_run
from safepassage.jobs.models import JobStatus
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists, store_lists
from tests.base import PASSWORD, Vault, sign_in

# Four lists; B takes most of its cases from A.
TABLE = CaptureTable(
    ("A", "B", "C", "D"),
    {
        (1, 0, 0, 0): 180,
        (1, 1, 0, 0): 240,
        (0, 1, 0, 0): 15,
        (0, 0, 1, 0): 260,
        (0, 0, 0, 1): 250,
        (1, 0, 1, 0): 60,
        (1, 1, 1, 0): 80,
        (0, 0, 1, 1): 65,
        (1, 0, 0, 1): 55,
        (1, 1, 0, 1): 75,
        (0, 1, 1, 0): 6,
        (1, 1, 1, 1): 25,
        (1, 0, 1, 1): 20,
        (0, 1, 0, 1): 5,
    },
)


def test_lists_counted_as_one_are_estimated_as_the_joined_table() -> None:
    plan = Plan("loglinear", joined=(("A", "B"),))
    outcome = estimate_table(TABLE, plan)
    merged = TABLE.merge(("A", "B"), "A + B")
    alone = estimate_table(merged, Plan("loglinear"))
    assert outcome.lists == ["C", "D", "A + B"]
    assert outcome.total == pytest.approx(alone.total)
    assert outcome.observed == TABLE.observed
    assert outcome.joined == [["A", "B"]]
    text = outcome.text().splitlines()
    assert text[0] == "Lists: C, D, A + B (3)"
    assert text[1] == (
        "Counted as one list, as the analyst said that one takes its cases from another: A, B"
    )
    # Beside it, the same method with the lists counted apart.
    apart = [entry for entry in outcome.sensitivity if entry.get("apart")]
    assert len(apart) == 1
    assert apart[0]["method"] == "loglinear"
    assert apart[0]["total"] == pytest.approx(estimate_table(TABLE, Plan("loglinear")).total)
    assert any(
        line.startswith("  log-linear models with the lists counted apart: ") for line in text
    )
    assert not any(entry.get("apart") for entry in estimate_table(TABLE, Plan()).sensitivity)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ((("A", "X"),), "no list is called X; the lists are: A, B, C, D"),
        ((("A",),), "two or more different lists"),
        ((("A", "A"),), "two or more different lists"),
        ((("A", "B"), ("B", "C")), "B is in two groups"),
        ((("A", "B", "C", "D"),), "leave fewer than two lists"),
    ],
)
def test_groups_that_cannot_be_counted_as_one_are_refused(
    groups: tuple[tuple[str, ...], ...], message: str
) -> None:
    with pytest.raises(Unestimable, match=message):
        estimate_table(TABLE, Plan("loglinear", joined=groups))


def test_the_command_counts_lists_as_one_on_a_file_and_on_a_named_model(tmp_path) -> None:
    path = tmp_path / "table.csv"
    rows = ["A,B,C,D,count"]
    rows += [",".join(map(str, p)) + f",{n}" for p, n in TABLE.counts.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for extra in ([], ["--model", "main"], ["--stepwise"]):
        out = io.StringIO()
        call_command(
            "analysis", "estimate", str(path), "--method", "loglinear", "--as-one", "A", "B",
            *extra, stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
        lines = out.getvalue().splitlines()
        assert lines[0] == "Lists: C, D, A + B (3)", extra
        assert lines[1].startswith("Counted as one list"), extra
    with pytest.raises(CommandError, match="no list is called E"):
        call_command(
            "analysis", "estimate", str(path), "--as-one", "A", "E", "--model", "main",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip


@pytest.mark.django_db
def test_an_estimate_of_a_run_keeps_its_lists_counted_as_one(
    vault: Vault, lists: StoredLists
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
        first, second, _third = sorted(item.name for item in lists.lists)
    plan = Plan("loglinear", seed=2, joined=((first, second),), threshold=run.threshold)
    outcome = estimate(result, decisions_for(lists.lists), plan)
    table = capture_table(result, clusters_at(result, decisions_for(lists.lists), run.threshold))
    merged = table.merge((first, second), f"{first} + {second}")
    assert outcome.lists == list(merged.lists)
    assert outcome.total == pytest.approx(estimate_table(merged, Plan("loglinear")).total)

    entry = start_estimate(
        vault.keyring, run, Plan("loglinear", seed=2, joined=((first, second),)), by="cli",
        background=False,
    )  # fmt: skip
    ids = {item.name: str(item.pk) for item in lists.lists}
    assert entry.joined == [[ids[first], ids[second]]]
    stored = bytes(Estimate.objects.values_list("result", flat=True).get(pk=entry.pk))
    assert first.encode() not in stored
    with using_keyring(vault.keyring):
        kept = Estimate.objects.get(pk=entry.pk).result
    assert kept["joined"] == [[first, second]]
    assert kept["total"] == pytest.approx(outcome.total)
    # Started again, it counts the same lists as one.
    Estimate.objects.filter(pk=entry.pk).update(status=JobStatus.FAILED)
    again = restart_estimate(vault.keyring, Estimate.objects.get(pk=entry.pk), by="cli",
                             background=False)  # fmt: skip
    with using_keyring(vault.keyring):
        assert Estimate.objects.get(pk=again.pk).result["total"] == pytest.approx(outcome.total)
    # A name that is not one of the run's lists is refused before anything is stored.
    with pytest.raises(Unestimable, match="no list is called"):
        start_estimate(
            vault.keyring, run, Plan("loglinear", joined=((first, "elsewhere"),)), by="cli",
            background=False,
        )  # fmt: skip
    assert Estimate.objects.count() == 1


@pytest.mark.django_db
def test_the_command_counts_a_runs_lists_as_one(
    vault: Vault, lists: StoredLists, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        first, second, _third = sorted(item.name for item in lists.lists)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = io.StringIO()
    call_command(
        "analysis", "estimate", "--run", str(run.pk), "--as", "analyst", "--method",
        "loglinear", "--as-one", first, second, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Lists: ")
    assert f"{first} + {second}" in lines[0]
    assert lines[1].endswith(f"takes its cases from another: {first}, {second}")
    assert Estimate.objects.get().joined != []
    out = io.StringIO()
    call_command("analysis", "runs", stdout=out)
    assert "loglinear, 2 lists counted as one  done" in out.getvalue()


def _join(prefix: str) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith(prefix):
            thread.join(timeout=300)


def test_the_page_counts_ticked_lists_as_one(
    transactional_audit: None, vault: Vault, analyst: User
) -> None:
    stored = store_lists(people=150, lists=3, seed=8)
    run = start_run(vault.keyring, stored.lists, by="cli", background=False)
    client = Client()
    sign_in(client, analyst)
    url = reverse("analysis:run", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Lists that copy one another, counted as one" in page
    for item in stored.lists:
        assert f'value="{item.pk}"' in page
    form = {
        "method": "loglinear", "stratum": "", "resamples": "0", "linkage_draws": "0",
        "seed": "3", "length": "short",
    }  # fmt: skip
    start = reverse("analysis:estimate_start", args=[run.pk])
    # One list ticked: the form comes back with the reason and the choices kept.
    response = client.post(start, {**form, "as_one": [str(stored.lists[0].pk)], "seed": "7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick two lists or more to count as one, or none." in page
    assert "The estimate did not start: the form below says why." in page
    assert 'value="7"' in page
    ticked = re.search(rf'<input[^>]*value="{stored.lists[0].pk}"[^>]*>', page)
    assert ticked is not None
    assert "checked" in ticked.group(0)
    # Every list ticked: none would be left to compare.
    every = [str(item.pk) for item in stored.lists]
    response = client.post(start, {**form, "as_one": every})
    assert response.status_code == 400
    assert "would leave a single list" in response.content.decode()
    assert not Estimate.objects.exists()

    two = [str(item.pk) for item in stored.lists[:2]]
    response = client.post(start, {**form, "as_one": two})
    entry = Estimate.objects.get()
    assert response["Location"] == reverse("analysis:estimate", args=[entry.pk])
    assert sorted(entry.joined[0]) == sorted(two)
    _join("job-")
    page = client.get(response["Location"]).content.decode()
    assert Estimate.objects.get().status == JobStatus.DONE
    assert "Counted as one list</dt>" in page
    with using_keyring(vault.keyring):
        names = sorted(item.name for item in stored.lists[:2])
    assert f"{names[0]} + {names[1]}" in page or f"{names[1]} + {names[0]}" in page
    assert "Counted as one list, as the analyst said that one takes its cases from another" in page
    assert "log-linear models with the lists counted apart" in page
    # The run's page tells its estimates apart by the lists they counted as one.
    page = client.get(url).content.decode()
    row = re.search(r'data-label="Counted as one list">([^<]*)<', page)
    assert row is not None
    assert row.group(1) in (f"{names[0]} + {names[1]}", f"{names[1]} + {names[0]}")
