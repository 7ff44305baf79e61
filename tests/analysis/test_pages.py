"""The pages: import a list, start a linkage run and watch it, review pairs
side by side, estimate with a chart. Who may see what."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis.importing import list_named
from safepassage.analysis.models import (
    Estimate,
    LinkageRun,
    LinkDecision,
    VictimList,
    VictimRecord,
)
from safepassage.analysis.runs import review_queue, start_run
from safepassage.audit.models import AuditEntry
from safepassage.jobs.models import JobStatus
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists, store_lists
from tests.base import Organisation, Vault, make_user, sign_in

NGO = "ФИО;Год рождения;Место\nУмаров Магомед;1987;Грозный\nКадырова Хеда;~30 лет;Аргун\n"


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _join(prefix: str) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith(prefix):
            thread.join(timeout=300)


@pytest.mark.django_db
def test_a_list_is_imported_from_the_page(analyst: User) -> None:
    client = _client(analyst)
    page = client.get(reverse("analysis:home"))
    assert "Import a list" in page.content.decode()
    upload = SimpleUploadedFile("ngo.csv", NGO.encode(), content_type="text/csv")
    response = client.post(
        reverse("analysis:import"),
        {
            "list_name": "NGO testimonies",
            "file": upload,
            "name": "ФИО",
            "birth": "Год рождения",
            "place": "Место",
        },
        follow=True,
    )
    assert "2 rows imported." in response.content.decode()
    imported = list_named("NGO testimonies")
    assert imported is not None
    assert imported.records.count() == 2
    # The next file of this source needs no columns.
    again = SimpleUploadedFile(
        "ngo2.csv",
        "ФИО;Год рождения;Место\nАлиев Руслан;1990;Шали\n".encode(),
        content_type="text/csv",
    )
    client.post(reverse("analysis:import"), {"list_name": "NGO testimonies", "file": again})
    assert VictimRecord.objects.count() == 3


@pytest.mark.django_db
def test_a_bad_list_is_refused_with_its_rows_and_stores_nothing(analyst: User) -> None:
    client = _client(analyst)
    bad = SimpleUploadedFile("x.csv", b"Name,Age\nAmina K,30\n,25\n", content_type="text/csv")
    response = client.post(
        reverse("analysis:import"), {"list_name": "Press", "file": bad, "name": "Name"}
    )
    text = response.content.decode()
    assert "Nothing was imported: 1 row has a problem; nothing was stored." in text
    assert "Row 3, column “Name”: no name and nothing else about the person" in text
    assert not VictimRecord.objects.exists()
    wrong = SimpleUploadedFile("x.csv", b"Name\nA\n", content_type="text/csv")
    response = client.post(
        reverse("analysis:import"), {"list_name": "Press", "file": wrong, "name": "ФИО"}
    )
    assert "no column called" in response.content.decode()
    missing = SimpleUploadedFile("x.csv", b"Name\nA\n", content_type="text/csv")
    response = client.post(reverse("analysis:import"), {"list_name": "New", "file": missing})
    # Its heading says which column holds the name: chosen on the next page,
    # not imported.
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.context["form"]["name"].value() == "Name"
    assert not VictimList.objects.exists()


@pytest.mark.django_db
def test_pairs_are_reviewed_side_by_side(documenter: User, vault: Vault) -> None:
    stored = store_lists(people=150, lists=3, seed=7)
    run = start_run(vault.keyring, stored.lists, by="cli", background=False)
    client = _client(documenter)
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "pairs of records are uncertain" in page
    assert "Estimate the total" not in page  # documenters review, analysts estimate
    review = client.get(reverse("analysis:review", args=[run.pk])).content.decode()
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
        first = review_queue(run, result, {})[0]
        name = VictimRecord.objects.get(pk=first.first).data["name"]
    assert name in review
    assert "Same person" in review
    # Showing two victims' records is a read that the audit log accounts for.
    shown = AuditEntry.objects.get(action="analysis.pair_shown")
    assert shown.details == {"first": first.first, "second": first.second}
    response = client.post(
        reverse("analysis:review", args=[run.pk]),
        {"first": first.first, "second": first.second, "decision": "different"},
    )
    assert response.status_code == 302
    decision = LinkDecision.objects.get()
    assert decision.decision == "different"
    assert decision.decided_by == documenter
    # Skipping moves on without deciding.
    skipped = client.get(reverse("analysis:review", args=[run.pk]) + "?skip=1")
    assert skipped.status_code == 200
    # An estimate is not a documenter's page.
    assert client.get(reverse("analysis:estimate", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
def test_only_documentation_members_with_the_role_see_runs(
    org: Organisation, vault: Vault, lists: StoredLists
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    url = reverse("analysis:run", args=[run.pk])
    # The outsider holds documentation keys but no analysis role.
    assert _client(org.outsider).get(url).status_code == 404
    assert _client(org.outsider).get(reverse("analysis:home")).status_code == 404
    # An analyst without the documentation keys sees the lists, not the run.
    keyless = make_user("keyless", Role.ANALYST)
    client = _client(keyless)
    home = client.get(reverse("analysis:home"))
    assert home.status_code == 200
    # List names are sealed: sizes and dates only, and no form to link them.
    assert "The names of the lists are sealed" in home.content.decode()
    assert not any(item.name in home.content.decode() for item in lists.lists)
    assert "Start linkage" not in home.content.decode()
    assert client.get(url).status_code == 404
    assert client.get(reverse("analysis:review", args=[run.pk])).status_code == 404
    # A run that does not exist gives the same answer.
    member = make_user("member", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", member.pk, by="cli")
    assert _client(member).get(reverse("analysis:run", args=[uuid.uuid4()])).status_code == 404
    assert _client(member).get(url).status_code == 200


def test_a_run_and_an_estimate_from_the_pages(transactional_audit: None, vault: Vault) -> None:
    analyst = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    stored = store_lists(people=150, lists=3, seed=8)
    client = _client(analyst)
    response = client.post(
        reverse("analysis:run_start"),
        {"lists": [item.pk for item in stored.lists], "threshold": "0.5", "reference_year": "2017"},
    )
    run = LinkageRun.objects.get()
    assert response["Location"] == reverse("analysis:run", args=[run.pk])
    _join("job-")
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert LinkageRun.objects.get().status == JobStatus.DONE
    assert "Estimate the total" in page
    assert 'http-equiv="refresh"' not in page
    response = client.post(
        reverse("analysis:estimate_start", args=[run.pk]),
        {
            "method": "loglinear",
            "stratum": "",
            "resamples": "40",
            "linkage_draws": "20",
            "seed": "3",
        },
    )
    entry = Estimate.objects.get()
    assert response["Location"] == reverse("analysis:estimate", args=[entry.pk])
    _join("job-")
    page = client.get(response["Location"]).content.decode()
    assert Estimate.objects.get().status == JobStatus.DONE
    assert "Estimated total" in page
    assert "linkage uncertainty included" in page
    assert "<svg" in page
    assert page.count('class="bar"') == 30
    # Latent classes: the chart is of the posterior.
    response = client.post(
        reverse("analysis:estimate_start", args=[run.pk]),
        {
            "method": "latent",
            "stratum": "",
            "resamples": "0",
            "linkage_draws": "0",
            "length": "short",
            "seed": "3",
        },
    )
    latent = Estimate.objects.get(method="latent")
    assert response["Location"] == reverse("analysis:estimate", args=[latent.pk])
    _join("job-")
    page = client.get(response["Location"]).content.decode()
    assert Estimate.objects.get(pk=latent.pk).status == JobStatus.DONE
    assert "latent classes (LCMCR" in page
    assert "95% interval:" in page
    assert page.count('class="bar"') == 30


@pytest.mark.django_db
def test_a_running_job_shows_its_progress(analyst: User, lists: StoredLists) -> None:
    from django.utils import timezone

    run = LinkageRun.objects.create(
        status=JobStatus.RUNNING, progress=40, stage="clustering", heartbeat=timezone.now()
    )
    page = _client(analyst).get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert '<progress max="100" value="40"' in page
    assert "grouping records into people" in page
    assert 'http-equiv="refresh"' in page
    bad = _client(analyst).post(
        reverse("analysis:run_start"),
        {"lists": [lists.lists[0].pk], "threshold": "0.5", "reference_year": "2017"},
    )
    assert "Choose at least two lists." in bad.content.decode()


@pytest.mark.django_db
def test_an_unreadable_date_is_shown_with_its_row_and_the_mapping_is_kept(
    analyst: User,
) -> None:
    client = _client(analyst)
    bad = SimpleUploadedFile(
        "x.csv",
        b"Name,born\nAmina K,~30 years\nZarema A,31/31/1990\n<b>Said</b>,<i>1990</i>x\n",
        content_type="text/csv",
    )
    response = client.post(
        reverse("analysis:import"),
        {"list_name": "Press", "file": bad, "name": "Name", "birth": "born"},
    )
    text = response.content.decode()
    assert "Nothing was imported: 2 rows have problems; nothing was stored." in text
    assert (
        "Row 3, column “born”: “31/31/1990” is not a date, a year or an age; expected a "
        "day-month-year (31.12.1990), a year (1990, 1990 г.р.) or an age (27, 27 лет, около "
        "30, in his 20s)."
    ) in text
    # The value is shown as text, never as markup.
    assert "“&lt;i&gt;1990&lt;/i&gt;x”" in text
    assert "<i>1990</i>" not in text
    assert not VictimRecord.objects.exists()
    # The source and the columns stay as typed, to correct and send again.
    assert 'name="list_name" value="Press"' in text
    assert 'name="birth" value="born"' in text
    assert 'name="name" value="Name"' in text


@pytest.mark.django_db
def test_the_import_page_speaks_russian_with_its_plural_forms(analyst: User) -> None:
    client = _client(analyst)
    client.cookies["django_language"] = "ru"
    # (1/31/1990 would be read month first: no month is 31.)
    rows = "".join(f"Amina {n},3{n}/13/1990\n" for n in range(1, 6))
    bad = SimpleUploadedFile("x.csv", f"Name,born\n{rows}".encode(), content_type="text/csv")
    response = client.post(
        reverse("analysis:import"),
        {"list_name": "Press", "file": bad, "name": "Name", "birth": "born"},
    )
    text = response.content.decode()
    assert "5 строк с ошибками" in text
    assert "Строка 2, столбец «born»: «31/13/1990» — не дата, не год и не возраст" in text
    good = SimpleUploadedFile(
        "y.csv", b"Name,born\nAmina K,1990\nZarema A,1991\n", content_type="text/csv"
    )
    response = client.post(
        reverse("analysis:import"),
        {"list_name": "Press", "file": good, "name": "Name", "birth": "born"},
        follow=True,
    )
    assert "Импортированы 2 строки." in response.content.decode()
    # The same file again stores nothing twice, and says so.
    again = SimpleUploadedFile(
        "y.csv", b"Name,born\nAmina K,1990\nZarema A,1991\n", content_type="text/csv"
    )
    response = client.post(
        reverse("analysis:import"), {"list_name": "Press", "file": again}, follow=True
    )
    assert (
        "Импортировано 0 строк. 2 строки, которые уже были в списке, не сохранены повторно."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_it_shows_an_estimate_not_to_publish_and_each_method_at_each_threshold(
    analyst: User, vault: Vault
) -> None:
    from safepassage.analysis.estimating import Plan, estimate

    counts = {"A": 30, "B": 30, "C": 30, "AB": 24, "AC": 24, "BC": 24, "ABC": 8}
    people = [tuple(on) for on, n in counts.items() for _ in range(n)]
    ids, lists, pairs = [], [], []
    for number, on in enumerate(people):
        first = len(ids)
        for name in on:
            if len(ids) > first:
                # Half the people are joined firmly, half only at 0.4: a twofold swing.
                pairs.append([first, len(ids), 0.95 if number % 2 else 0.4])
            ids.append(f"r{len(ids)}")
            lists.append(name)
    blank = [""] * len(ids)
    result = {
        "ids": ids,
        "lists": lists,
        "pairs": pairs,
        "strata": {"place": blank, "period": blank, "act": blank},
    }
    outcome = estimate(result, {}, Plan("loglinear", threshold=0.5))
    run = LinkageRun.objects.create(status=JobStatus.DONE, threshold=0.5)
    entry = Estimate.objects.create(run=run, method="loglinear", status=JobStatus.DONE)
    with using_keyring(vault.keyring):
        entry.result = outcome.as_dict()
        entry.save()
    client = _client(analyst)
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    assert "Do not publish this figure." in page
    assert "LINKAGE NOT RELIABLE ENOUGH TO ESTIMATE" in page
    assert "The other methods, for comparison" in page
    assert "Bayesian model averaging" in page
    url = reverse("analysis:estimate_sensitivity", args=[entry.pk])
    assert url in page
    grid = client.get(url).content.decode()
    assert "Each method on the same run" in grid
    assert grid.count('<tr class="first">') == 1
    assert grid.count('data-label="Threshold 0.9"') == 2  # log-linear and model averaging
    # Outsiders get the same 404 as for a missing estimate.
    missing = reverse("analysis:estimate_sensitivity", args=[uuid.uuid4()])
    assert client.get(missing).status_code == 404
