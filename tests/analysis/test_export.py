"""A run's people exported as CSV, at the command line and from its page:
one row per record with its list, its own id in that list, its person and
the match probability that ties it to them; audited, and written to a file
only its owner reads."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.analysis.importing import import_list
from safepassage.analysis.models import LinkageRun
from safepassage.analysis.runs import clusters_at, decide, run_records, start_run
from safepassage.audit.models import AuditEntry
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists
from tests.base import PASSWORD, Vault, sign_in

pytestmark = pytest.mark.django_db

NGO = (
    "№;ФИО;Год рождения;Место\n"
    "M-1;Умаров Магомед Саидович;1987;Грозный\n"
    "M-2;Кадырова Хеда;~30 лет;Аргун\n"
    "M-3;Дудаев Руслан Исаевич;12.05.1990;Шали\n"
)
PRESS = "Ref,Name,Age,Town\nP-1,Mohammed Umarov,30,Grozny\nP-2,Ruslan Dudayev,27,Shali\n"


def _stdin(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_a_runs_people_with_the_lists_own_ids(
    analyst: User, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ngo.csv").write_text(NGO, encoding="utf-8")
    (tmp_path / "press.csv").write_text(PRESS, encoding="utf-8")
    import_list(tmp_path / "ngo.csv", "NGO", {"id": "№", "name": "ФИО", "birth": "Год рождения",
                                             "place": "Место"})  # fmt: skip
    import_list(tmp_path / "press.csv", "Press", {"id": "Ref", "name": "Name", "age": "Age",
                                                 "place": "Town"})  # fmt: skip
    _stdin(monkeypatch, PASSWORD)
    out = io.StringIO()
    call_command("analysis", "link", "--lists", "NGO,Press", "--as", "analyst", stdout=out)
    run = LinkageRun.objects.get()
    assert out.getvalue().startswith(f"Run {run.pk}:")  # still the first thing said

    _stdin(monkeypatch, PASSWORD)
    out = io.StringIO()
    call_command("analysis", "export", "--run", str(run.pk)[:8], "--as", "analyst", stdout=out)
    rows = _rows(out.getvalue())
    assert list(rows[0]) == ["list", "record_id", "person_id", "match_probability"]
    by_id = {(row["list"], row["record_id"]): row for row in rows}
    assert set(by_id) == {("NGO", "M-1"), ("NGO", "M-2"), ("NGO", "M-3"), ("Press", "P-1"),
                          ("Press", "P-2")}  # fmt: skip
    # Umarov and Dudaev are each one person across the two lists.
    assert by_id[("NGO", "M-1")]["person_id"] == by_id[("Press", "P-1")]["person_id"]
    assert by_id[("NGO", "M-3")]["person_id"] == by_id[("Press", "P-2")]["person_id"]
    assert len({row["person_id"] for row in rows}) == 3
    assert float(by_id[("NGO", "M-1")]["match_probability"]) >= run.threshold
    assert by_id[("NGO", "M-2")]["match_probability"] == ""  # alone
    entry = AuditEntry.objects.filter(action="analysis.run_exported").get()
    assert entry.details == {"records": 5}


def test_the_export_follows_documenters_decisions(vault: Vault, lists: StoredLists) -> None:
    from safepassage.analysis.exports import people_of

    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
        ids = result["ids"]
        labels = clusters_at(result, {}, run.threshold)
        first, second = ids[0], next(i for i in ids if labels[ids.index(i)] != labels[0])
        pair = run_records(run, [first, second])
        decide(pair[first], pair[second], "same", by="cli")
    rows = people_of(LinkageRun.objects.get(pk=run.pk), vault.keyring, by="cli")
    assert len(rows) == len(ids)
    assert rows[0].person_id == rows[ids.index(second)].person_id
    assert rows[0].match_probability == 1.0
    assert len({row.person_id for row in rows}) == len(set(labels.tolist())) - 1


def test_it_writes_a_file_only_its_owner_reads(
    analyst: User, vault: Vault, lists: StoredLists, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    target = tmp_path / "people.csv"
    _stdin(monkeypatch, PASSWORD)
    out = io.StringIO()
    call_command(
        "analysis", "export", "--run", str(run.pk), "--output", str(target), "--as", "analyst",
        stdout=out,
    )  # fmt: skip
    assert out.getvalue() == f"{len(lists.truth)} records written to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(_rows(target.read_text(encoding="utf-8"))) == len(lists.truth)
    _stdin(monkeypatch, "wrong password")
    with pytest.raises(CommandError, match="do not match"):
        call_command("analysis", "export", "--run", str(run.pk), "--as", "analyst")


def test_the_run_page_offers_the_people_as_csv(
    analyst: User, documenter: User, vault: Vault, lists: StoredLists
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    client = Client()
    sign_in(client, analyst)
    page = client.get(reverse("analysis:run", args=[run.pk]))
    url = reverse("analysis:run_export", args=[run.pk])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    assert len(_rows(response.content.decode())) == len(lists.truth)
    assert AuditEntry.objects.filter(action="analysis.run_exported").count() == 1
    # A documenter reviews pairs but does not export the people: the same
    # answer as for a run that does not exist.
    other = Client()
    sign_in(other, documenter)
    assert other.get(url).status_code == 404
