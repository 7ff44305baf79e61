"""An analyst imports a list, links it with two others in the background,
reviews a pair and estimates the total, in a real browser against the
real server."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.analysis.models import LinkDecision, VictimList
from safepassage.vault import keys as vault_keys
from tests.analysis.conftest import store_lists
from tests.base import PASSWORD, device_of, hold_ceremony, make_user, totp_code

pytestmark = pytest.mark.browser

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
    page.get_by_label("File", exact=True).set_input_files(
        [{"name": "ngo.csv", "mimeType": "text/csv", "buffer": NGO.encode()}]
    )
    page.get_by_label("Column with the name").fill("ФИО")
    page.get_by_label("Column with the birth date, year or age").fill("Год рождения")
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("text=2 rows imported into “NGO testimonies”")
    assert VictimList.objects.get(name="NGO testimonies").records.count() == 2

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
