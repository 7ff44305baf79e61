"""A documenter finds events again and follows them up, in a real browser
against the real server, in English and in Russian: a name search in the
other alphabet, the timeline with its honest dates, a second source added
to an act, an event restricted to a team, an official's promise followed
up; and every page of it fits a phone's width with no JavaScript needed
for any of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.documentation import statements
from safepassage.documentation.models import CommitmentChange, Event, Information
from safepassage.documentation.precision import FuzzyDate
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, device_of, hold_ceremony, make_user, totp_code
from tests.browser.test_documentation_browser import OVERFLOW, PHONE
from tests.documentation.conftest import record_detention, term

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "filters": "Search and filter the events",
        "filter": "Filter",
        "names": "Names found:",
        "timeline": "See them on the timeline",
        "spring": "spring 2017",
        "add_source": "Add a source",
        "record_account": "Record the account",
        "recorded": "The source's account was recorded.",
        "sharing": "Who may see it",
        "save": "Save",
        "restricted": "restricted",
        "record_promise": "Record a promise made in it",
        "record_the_promise": "Record the promise",
        "follow_up": "Add the follow-up",
        "not_kept": "not kept",
    },
    "ru": {
        "filters": "Поиск и фильтр событий",
        "filter": "Фильтр",
        "names": "Найденные имена:",
        "timeline": "Показать на хронологии",
        "spring": "весна 2017",
        "add_source": "Добавить источник",
        "record_account": "Записать сведения",
        "recorded": "Сведения источника записаны.",
        "sharing": "Кто может видеть",
        "save": "Сохранить",
        "restricted": "ограниченный доступ",
        "record_promise": "Записать данное в нём обещание",
        "record_the_promise": "Записать обещание",
        "follow_up": "Добавить",
        "not_kept": "не выполнено",
    },
}


def _pk(key: str, code: str) -> str:
    return str(term(key, code).pk)


def _log_in(page: Any, user: Any, language: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/code/")
    page.locator("#id_code").fill(totp_code(device_of(user)))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")
    page.locator("#language-select").select_option(language)
    page.locator("form.language button").click()
    page.wait_for_load_state()


def _fits_a_phone(page: Any, urls: list[str]) -> None:
    page.set_viewport_size(PHONE)
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= PHONE["width"], (url, measured)
        assert measured["wide"] == [], (url, measured)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_finds_events_again_and_follows_them_up(
    page: Any, org: Any, language: str
) -> None:
    words = WORDS[language]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.team,))
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(vault.keyring):
        wanted = record_detention(
            documenter,
            title="Detentions in spring",
            victim="Умаров Магомед",
            start=FuzzyDate.parse("2017-spring"),
        )
        record_detention(documenter, title="Another detention", victim="Исаев Руслан")
        statement = statements.record_statement(
            documenter,
            speaker="The head of the republic",
            quote="We will monitor events in the region very regularly.",
            stance=term("stance", "L-PROMISES"),
            said_on=dt.date(2017, 5, 5),
        )
        statements.link_statement(documenter, statement, event=wanted.event, act=wanted.act)
    _log_in(page, documenter, language)

    # A name in the other alphabet finds the event, and says whose name.
    page.goto("/documentation/")
    page.get_by_text(words["filters"]).click()
    form = page.locator("form.filter-form")
    form.locator("[name=name]").fill("Magomed Umarov")
    form.get_by_role("button", name=words["filter"], exact=True).click()
    page.wait_for_url("**/documentation/?*name=Magomed*")
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 1
    assert rows.first.get_by_text(words["names"]).is_visible()
    assert rows.first.get_by_text("Умаров Магомед").is_visible()

    # The same search on the timeline: a season is shown as a season.
    page.get_by_role("link", name=words["timeline"]).click()
    page.wait_for_url("**/documentation/timeline/?*")
    item = page.locator("li.timeline-item").first
    assert words["spring"] in item.inner_text()
    assert page.locator("li.timeline-item").count() == 1

    # A second source for the act, from the event's page.
    page.goto(f"/documentation/events/{wanted.event.code}/")
    page.locator(f"#act-{wanted.act.code}").get_by_role("link", name=words["add_source"]).click()
    page.wait_for_url("**/sources/new/?act=*")
    form = page.locator("main form")
    form.locator("[name=source_name]").fill("Novaya Gazeta")
    form.locator("[name=source_kind]").select_option("organisation")
    form.locator("[name=connection]").select_option(_pk("source_connection", "030100000000"))
    form.locator("[name=reliability]").select_option(_pk("reliability", "010000000000"))
    form.locator("[name=account]").fill("Three men held at the base for a week.")
    form.get_by_role("button", name=words["record_account"]).click()
    page.wait_for_url(f"**/documentation/events/{wanted.event.code}/#sources")
    assert page.get_by_text(words["recorded"]).is_visible()
    assert page.locator(f"#act-{wanted.act.code}").get_by_text("Novaya Gazeta").is_visible()
    assert Information.objects.filter(act=wanted.act).count() == 2

    # Restricted to the documenter's team.
    page.get_by_role("link", name=words["sharing"], exact=True).click()
    page.wait_for_url("**/sharing/")
    form = page.locator("main form")
    form.locator("input[name=confidentiality][value=restricted]").check()
    form.locator(f"input[name=teams][value='{org.team.pk}']").check()
    form.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(f"**/documentation/events/{wanted.event.code}/")
    assert Event.objects.get(pk=wanted.event.pk).restricted

    # The promise made in the statement, followed up.
    page.goto(f"/documentation/statements/{statement.code}/")
    page.locator("main a", has_text=words["record_promise"]).click()
    page.wait_for_url("**/promises/new/?statement=*")
    form = page.locator("main form")
    form.locator("[name=promise]").fill("Very regular monitoring of events in the region.")
    form.get_by_role("button", name=words["record_the_promise"]).click()
    page.wait_for_url("**/documentation/promises/K-*/")
    promise_url = page.url
    form = page.locator("main form")
    form.locator("[name=status]").select_option("not_kept")
    form.locator("[name=changed_on]").fill("2017-09-01")
    form.locator("[name=reference]").fill("OSCE report, 2018")
    form.get_by_role("button", name=words["follow_up"], exact=True).click()
    page.wait_for_url(promise_url)
    history = page.locator("table.history")
    assert history.get_by_text("OSCE report, 2018").is_visible()
    assert history.get_by_text(words["not_kept"], exact=True).is_visible()
    assert CommitmentChange.objects.count() == 1

    _fits_a_phone(
        page,
        [
            "/documentation/?name=Magomed+Umarov",
            "/documentation/timeline/",
            f"/documentation/events/{wanted.event.code}/",
            f"/documentation/events/{wanted.event.code}/acts/new/",
            f"/documentation/events/{wanted.event.code}/sources/new/",
            f"/documentation/events/{wanted.event.code}/interventions/new/",
            f"/documentation/events/{wanted.event.code}/sharing/",
            f"/documentation/acts/{wanted.act.code}/perpetrators/new/",
            "/documentation/sources/",
            "/documentation/interventions/",
            "/documentation/statements/",
            "/documentation/promises/",
            promise_url,
        ],
    )
    assert page.csp_violations == []
