"""A documenter records an event with an act, its victim, a perpetrator
and a source, then an official's denial set beside the act, in a real
browser against the real server, in English and in Russian; each page of
it fits a phone's width."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.documentation.models import Act, Statement, StatementLink, Term
from safepassage.vault import keys as vault_keys
from tests.base import PASSWORD, device_of, hold_ceremony, make_user, totp_code

pytestmark = pytest.mark.browser

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
WORDS = {
    "en": {
        "menu": "Documentation",
        "record": "Record an event",
        "beside": "Set a statement beside it",
        "new_statement": "Record a new statement about it",
        "recorded": "The event was recorded.",
        "reported": "reported",
        "denies": "Denies the facts",
        "heading": "Who did what to whom",
    },
    "ru": {
        "menu": "Документирование",
        "record": "Записать событие",
        "beside": "Сопоставить с заявлением",
        "new_statement": "Записать новое заявление об этом",
        "recorded": "Событие записано.",
        "reported": "сообщено",
        "denies": "Отрицает факты",
        "heading": "Кто что сделал и с кем",
    },
}
DENIAL = "В Чечне нет таких людей."


def _pk(key: str, code: str) -> str:
    return str(Term.objects.get(vocabulary__key=key, code=code).pk)


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
        page.goto(url)
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= PHONE["width"], (url, measured)
        assert measured["wide"] == [], (url, measured)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_records_an_event_and_sets_a_denial_beside_it(
    page: Any, org: Any, language: str
) -> None:
    words = WORDS[language]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    _log_in(page, documenter, language)

    page.get_by_role("link", name=words["menu"], exact=True).click()
    page.wait_for_url("**/documentation/")
    page.locator("main a.button", has_text=words["record"]).click()
    page.wait_for_url("**/documentation/events/new/")
    assert page.evaluate("document.documentElement.lang") == language
    form = page.locator("form.record")
    form.locator("[name=title]").fill("Detentions at the Argun checkpoint")
    form.locator("[name=start_precision]").select_option("exact")
    form.locator("[name=start_year]").fill("2017")
    form.locator("[name=start_month]").select_option("3")
    form.locator("[name=start_day]").fill("26")
    form.locator("[name=place_precision]").select_option("district")
    form.locator("[name=place_area]").select_option(_pk("place", "L-RU-CE-ARGUN"))
    form.locator("[name=act_type]").select_option(_pk("act_type", "L-ARBITRARY-DETENTION"))
    form.locator("[name=victim_name]").fill("Умаров Магомед")
    form.locator("[name=method]").fill("Held in a basement for nine days.")
    form.locator("[name=perpetrator_type]").select_option(_pk("perpetrator_type", "010104000000"))
    form.locator("[name=degree]").select_option(_pk("involvement_degree", "010100000000"))
    form.locator("[name=unit]").fill("Patrol and checkpoint service")
    form.locator("[name=source_name]").fill("Witness W-3")
    form.locator("[name=connection]").select_option(_pk("source_connection", "L-FELLOW-DETAINEE"))
    form.locator("[name=reliability]").select_option(_pk("reliability", "020000000000"))
    form.locator("[name=account]").fill("He was in the same cell.")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/documentation/events/E-*/")
    assert page.get_by_text(words["recorded"]).is_visible()
    assert page.get_by_role("heading", name=words["heading"]).is_visible()
    act = Act.objects.get()
    row = page.locator(f"#act-{act.code}")
    assert row.get_by_text("Умаров Магомед").is_visible()
    assert row.get_by_text("Witness W-3").is_visible()
    assert row.get_by_text(words["reported"], exact=True).is_visible()
    event_url = page.url

    row.get_by_role("link", name=words["beside"]).click()
    page.wait_for_url(f"**/documentation/acts/{act.code}/statement/")
    page.get_by_role("link", name=words["new_statement"]).click()
    page.wait_for_url("**/documentation/statements/new/?act=*")
    form = page.locator("main form")
    form.locator("[name=speaker]").fill("A spokesman of the head of the republic")
    form.locator("[name=said_on]").fill("2017-04-01")
    form.locator("[name=stance]").select_option(_pk("stance", "L-DENIES"))
    form.locator("[name=language]").select_option(_pk("language", "ru"))
    form.locator("[name=quote]").fill(DENIAL)
    form.locator("[name=translation]").fill("There are no such people in Chechnya.")
    form.locator("[name=passage]").fill(DENIAL)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/documentation/statements/S-*/")
    beside = page.locator("table.beside")
    assert beside.get_by_text(act.code).is_visible()
    assert beside.get_by_text(words["reported"], exact=True).is_visible()
    assert page.get_by_text(words["denies"]).first.is_visible()
    statement = Statement.objects.get()
    link = StatementLink.objects.get()
    assert (link.statement, link.act) == (statement, act)

    _fits_a_phone(
        page,
        [
            "/documentation/",
            "/documentation/events/new/",
            event_url,
            f"/documentation/statements/{statement.code}/",
            "/documentation/statements/",
            "/documentation/vocabularies/act_type/",
        ],
    )
    assert page.csp_violations == []
