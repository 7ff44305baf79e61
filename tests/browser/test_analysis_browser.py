"""An analyst imports a list, links it with two others in the background,
reviews a pair and estimates the total, in a real browser against the
real server. Every analysis page, and the seal page, fits a phone's width
and speaks Russian and French."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.analysis.estimates import start_estimate
from safepassage.analysis.estimating import Plan, estimate_table
from safepassage.analysis.importing import list_named
from safepassage.analysis.list_drafts import keep_draft
from safepassage.analysis.models import Estimate, LinkDecision
from safepassage.analysis.mse.tables import read_patterns
from safepassage.analysis.runs import start_run
from safepassage.jobs.models import JobStatus
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import store_lists
from tests.base import PASSWORD, device_of, hold_ceremony, make_user, totp_code

pytestmark = pytest.mark.browser

MSE = Path(__file__).resolve().parents[1] / "data" / "mse"

NGO = "ФИО;Год рождения;Место\nУмаров Магомед;1987;Грозный\nКадырова Хеда;~30 лет;Аргун\n"


def _log_in(page: Any, username: str) -> None:
    from safepassage.accounts.models import User

    page.goto("/login/?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/login/code/")
    user = User.objects.get(username=username)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device_of(user)))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_an_analyst_links_reviews_and_estimates(page: Any, org: Any) -> None:
    vault = hold_ceremony(org)
    analyst = make_user("analyst", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    store_lists(people=150, lists=3, seed=11)
    _log_in(page, "analyst")

    page.get_by_role("link", name="Counting victims").click()
    page.get_by_label("Source").fill("NGO testimonies")
    ngo_file = [{"name": "ngo.csv", "mimeType": "text/csv", "buffer": NGO.encode()}]
    page.get_by_label("File", exact=True).set_input_files(ngo_file)
    # No column given: the file is kept, sealed, and its columns are chosen
    # on the next page, as its headings suggest; nothing imported yet.
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/analysis/import/*/")
    assert list_named("NGO testimonies") is None
    assert page.get_by_label("Column with the full name").input_value() == "ФИО"
    assert page.get_by_label("Column with the birth date, year or age").input_value() == (
        "Год рождения"
    )
    page.get_by_label("Column with the home place").select_option("Место")
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("text=2 rows imported.")
    imported = list_named("NGO testimonies")
    assert imported is not None
    assert imported.records.count() == 2

    for name in ("ngo", "local_press", "foreign_press"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Start linkage").click()
    page.wait_for_url("**/analysis/runs/*/")
    # The page refreshes itself until the run is done.
    page.wait_for_selector("text=pairs of records are uncertain", timeout=180_000)

    page.get_by_role("link", name="Review pairs").click()
    assert page.get_by_role("heading", name="Are these one person?").is_visible()
    page.get_by_role("button", name="Different people").click()
    page.wait_for_selector("text=Decision recorded.")
    assert LinkDecision.objects.get().decided_by_id == analyst.pk

    page.get_by_role("link", name="Back to the run").click()
    page.get_by_label("Draws for the interval").fill("40")
    page.get_by_label("Clusterings drawn from the match probabilities").fill("20")
    page.get_by_role("button", name="Estimate", exact=True).click()
    page.wait_for_url("**/analysis/estimates/*/")
    page.wait_for_selector("text=In plain words", timeout=180_000)
    assert page.locator("figure.chart svg rect.bar").count() == 30
    assert page.get_by_text("linkage uncertainty included").is_visible()
    assert page.csp_violations == []


# Widest a page may be on a phone, and what it may not scroll past.
PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      wide.push(`${element.tagName}.${element.className} ${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""
# Words that give English away on a Russian or French page (data aside).
ENGLISH = re.compile(
    r"\b(the|of|and|with|people|records?|lists?|years?|interval|estimated?|draws?|"
    r"Linkage|Status|Method|Import|Review)\b"
)
# What the data and the science say in their own words.
DATA_WORDS = ("detention", "killing", "spring 2017", "LCMCR", "BIC", "R-hat", "BCa", "dga")


def test_analysis_pages_fit_a_phone_and_speak_the_readers_language(
    page: Any, org: Any, server_url: str
) -> None:
    vault = hold_ceremony(org)
    analyst = make_user("analyst", Role.ANALYST, Role.ADMINISTRATOR)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    stored = store_lists(people=150, lists=3, seed=11)
    run = start_run(vault.keyring, stored.lists, by=analyst, background=False)
    estimates = [
        start_estimate(vault.keyring, run, plan, by=analyst, background=False)
        for plan in (
            Plan("loglinear", resamples=20, linkage_draws=5, seed=2),
            Plan(method="bma", stratum="act", resamples=5, linkage_draws=3, seed=2),
        )
    ]
    # A latent-class figure whose range is widened (Western, SparseMSE: the
    # lists fit better with two groups than the posterior keeps).
    widened = Estimate.objects.create(run=run, method="auto", status=JobStatus.DONE)
    outcome = estimate_table(read_patterns(MSE / "western.csv"), Plan(seed=2))
    assert outcome.cautions
    with using_keyring(vault.keyring):
        widened.result = outcome.as_dict()
        widened.save()
    estimates.append(widened)
    draft = keep_draft(analyst, "spisok.csv", "Новая газета", [["ФИО", "Место"]], {"name": "ФИО"})
    _log_in(page, "analyst")
    page.set_viewport_size(PHONE)
    urls = [
        "/analysis/",
        f"/analysis/import/{draft.pk}/",
        f"/analysis/runs/{run.pk}/",
        f"/analysis/runs/{run.pk}/review/",
        *[f"/analysis/estimates/{entry.pk}/" for entry in estimates],
        "/vault/seal/",
    ]
    names = {str(item.name) for item in stored.lists}
    for language in ("en", "ru", "fr"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": server_url}]
        )
        for url in urls:
            page.goto(url)
            assert page.evaluate("document.documentElement.lang") == language
            measured = page.evaluate(OVERFLOW)
            assert measured["scroll"] <= PHONE["width"], (language, url, measured)
            assert measured["wide"] == [], (language, url, measured)
            if url == f"/analysis/estimates/{widened.pk}/":
                caution = page.locator("div.status.caution")
                assert caution.count() == 1
                assert caution.bounding_box()["width"] <= PHONE["width"]
            if "/estimates/" in url:
                # The chart's numbers are SVG's, never the reader's ("12,5").
                bars = page.locator("figure.chart svg rect.bar")
                assert bars.count() == 30
                assert max(bars.nth(i).bounding_box()["height"] for i in range(30)) > 10
            if language == "en":
                continue
            text = page.inner_text("main")
            for word in (*names, *DATA_WORDS):
                text = text.replace(word, "")
            # The review page shows two victims' records as the lists wrote them.
            if "/review/" in url:
                text = re.sub(r"(?s)<table.*</table>", "", page.inner_html("main"))
                text = re.sub(r"<[^>]+>", " ", text)
            found = ENGLISH.search(text)
            assert found is None, (language, url, found.group(0) if found else "", text[:2000])
    # A run's short id stays on one line in the table of runs, however long
    # the lists' names beside it (the ids of other pages may wrap anywhere).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/analysis/")
    short = page.locator("td code.short-id").first
    style = short.evaluate(
        "(e) => [getComputedStyle(e).whiteSpace, getComputedStyle(e).lineHeight]"
    )
    assert style[0] == "nowrap"
    assert short.bounding_box()["height"] < 1.5 * float(style[1].removesuffix("px"))
    assert page.csp_violations == []
