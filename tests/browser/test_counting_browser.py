"""A documenter sends the documented victims to counting, in a real
browser against the real server, in English and in Russian: the count's
page says what was counted, per victim and per act, verified and not
apart, and the lists made, one per source; it fits a phone's width."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.analysis.models import DocumentationCount
from safepassage.documentation import actions, people, sources
from safepassage.documentation.models import Term
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import hold_ceremony, make_user
from tests.browser.test_documentation_browser import OVERFLOW, PHONE, _log_in

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "menu": "Counting victims",
        "verified": "Verified acts only",
        "count": "Count now",
        "liberty": "Violations against the right to liberty",
        "per_victim": "per victim",
        "lists": "Lists made, one per source",
        "witness": "Witness · documented, verified acts (count 1)",
    },
    "ru": {
        "menu": "Подсчёт жертв",
        "verified": "Только проверенные действия",
        "count": "Посчитать",
        "liberty": "Нарушения права на свободу",
        "per_victim": "по пострадавшим",
        "lists": "Составленные списки, по одному на источник",
        "witness": "Свидетель · документация, проверенные действия (подсчёт 1)",
    },
}


def _term(key: str, code: str) -> Term:
    return Term.objects.select_related("vocabulary").get(vocabulary__key=key, code=code)


def _week_of_detentions(by: Any) -> None:
    """Three detentions in a week, told by a witness, a newspaper and a victim."""
    gazette = people.record_person(by, name="The Demo Courier", kind="organisation")
    witness = people.record_person(by, name="Witness W-3")
    event = actions.record_event(
        by,
        title="Detentions at the Argun checkpoint",
        start=FuzzyDate.parse("2017-03-26"),
        place=Place.of("district", _term("place", "L-RU-CE-ARGUN")),
    )
    for day, name in enumerate(["Умаров Магомед", "Кадыров Ислам", "Алиев Руслан"]):
        victim = people.record_person(by, name=name)
        act = actions.record_act(
            by,
            event=event,
            victim=victim,
            act_type=_term("act_type", "L-ARBITRARY-DETENTION"),
            start=FuzzyDate.parse(f"2017-03-2{6 + day}"),
            verification="verified" if day < 2 else "reported",
        )
        for source, connection in ((witness, "010200000000"), (gazette, "030100000000")):
            sources.record_information(
                by,
                event=event,
                act=act,
                source=victim if day == 2 else source,
                connection=_term("source_connection", "010100000000" if day == 2 else connection),
                reliability=_term("reliability", "020000000000"),
            )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_sends_the_victims_to_counting(page: Any, org: Any, language: str) -> None:
    words = WORDS[language]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(vault.keyring):
        _week_of_detentions(documenter)
    _log_in(page, documenter, language)

    page.get_by_role("link", name=words["menu"], exact=True).click()
    page.wait_for_url("**/analysis/")
    form = page.locator("form[action='/analysis/counts/']")
    form.locator("[name=period_from]").fill("2017-03-20")
    form.locator("[name=period_to]").fill("2017-03-31")
    form.get_by_label(words["verified"]).check()
    form.get_by_role("button", name=words["count"]).click()
    page.wait_for_url("**/analysis/counts/*/")
    count = DocumentationCount.objects.get()
    assert (count.acts, count.records) == (2, 4)
    row = page.locator("main table").first.locator("tbody tr", has_text=words["liberty"])
    assert row.get_by_text(words["per_victim"]).is_visible()
    assert row.locator("td").nth(2).inner_text() == "2"
    assert page.get_by_role("heading", name=words["lists"]).is_visible()
    assert page.get_by_text(words["witness"]).is_visible()
    assert page.get_by_text("The Demo Courier").first.is_visible()

    page.set_viewport_size(PHONE)
    for url in (page.url, "/analysis/"):
        page.goto(url)
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= PHONE["width"], (url, measured)
        assert measured["wide"] == [], (url, measured)
    assert page.csp_violations == []
