"""Consent and a referral in the browser, against the real server: a
coordinator records what each person of a household agreed to, refers the
case to a partner organisation, and downloads the bundle, which the
partner opens. In English and in Russian, on a laptop (1280 px) and on a
phone (390 px), where no page scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safepassage.cases import bundles
from safepassage.cases.models import SentBundle
from safepassage.vault import bundles as sealing
from tests.base import Organisation, hold_ceremony
from tests.browser.test_phone_width import WIDTH, _log_in, _speak
from tests.cases.sharing import add_partner, household, our_key

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "recorded": "The consent was recorded.",
        "ready": "The bundle for Refuge Nord is ready",
        "heading": "What each person agreed to",
    },
    "ru": {
        "recorded": "Согласие записано.",
        "ready": "Пакет для Refuge Nord готов",
        "heading": "На что согласился каждый человек",
    },
}


def _record(page: Any, person: str, partner: int) -> None:
    page.locator("details.consent-record summary").click()
    form = page.locator("details.consent-record form")
    form.locator("#id_consent-person").select_option(person)
    form.locator("#id_consent-kind").select_option("partner")
    form.locator("#id_consent-partner").select_option(str(partner))
    form.locator("#id_consent-scope_0").check()
    form.locator("#id_consent-scope_1").check()
    form.locator("#id_consent-method_0").check()
    form.locator("#id_consent-explanation").fill(
        "Refuge Nord would receive their names and story; they may say no."
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_coordinator_records_consent_and_refers_a_case(
    page: Any, org: Organisation, language: str, width: int, tmp_path: Path
) -> None:
    hold_ceremony(org)
    our_key()
    case = household(org)
    partner, secret = add_partner(org)
    words = WORDS[language]
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, org.coordinator)
    _speak(page, language)
    page.goto(f"/cases/{case.code}/consent/")
    assert words["heading"] in page.content()
    for person in case.people.order_by("position"):
        _record(page, str(person.pk), partner.pk)
        assert words["recorded"] in page.locator("ul.messages").inner_text()
    assert page.locator("table.consents").count() == 2
    page.locator("details.consent-share summary").click()
    share = page.locator("details.consent-share form")
    share.locator("#id_share-partner").select_option(str(partner.pk))
    share.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert words["ready"] in page.locator("ul.messages").inner_text()
    assert page.evaluate(WIDTH) <= width
    with page.expect_download() as waiting:
        page.locator("table.sent-bundles a[download]").first.click()
    download = waiting.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith(case.code)
    assert saved.read_bytes() == bytes(SentBundle.objects.get().bundle)
    content = bundles.decode(sealing.open_bundle(secret, saved.read_bytes()).payload)
    names = [person.identity.name for person in content.people if person.identity]
    assert names == ["Zelim Daudov", "Kheda Daudova"]
    if language == "ru":
        text = page.locator("main").inner_text()
        for english in ("What each person agreed to", "Referrals and transfers", "In force"):
            assert english not in text
    for path in ("/cases/partners/", "/cases/import/"):
        assert page.goto(path).status == 200
        assert page.evaluate(WIDTH) <= width, path
    assert page.csp_violations == []
