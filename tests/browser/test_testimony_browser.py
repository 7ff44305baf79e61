"""The hand-over of testimony in the browser, against the real server: a
coordinator records a person's consent to testimony for documentation,
hands the testimony over from the person's page, and sees the code they
became; a documenter then finds that victim, pseudonymous, with the
consent handed over, and the dossier page says their originals may go.
In English and in Russian, on a laptop (1280 px) and on a phone (390 px),
where no page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.cases.models import HandedOverTestimony
from safepassage.documentation import evidence
from safepassage.documentation.actions import record_act
from safepassage.documentation.models import Person as DocumentedPerson
from safepassage.vault import files
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, hold_ceremony, make_user
from tests.browser.test_phone_width import WIDTH, _log_in, _speak
from tests.cases.sharing import household
from tests.documentation.conftest import record_detention, term
from tests.documentation.evidence_files import photo_with_exif

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "recorded": "The consent was recorded.",
        "handed": "The testimony was handed over",
        "from_casework": "handed over from casework",
        "goes": "the original goes",
    },
    "ru": {
        "recorded": "Согласие записано.",
        "handed": "Показания переданы",
        "from_casework": "передано из работы с делами",
        "goes": "передаётся оригинал",
    },
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_coordinator_hands_testimony_over_with_consent(
    page: Any, org: Organisation, language: str, width: int
) -> None:
    vault = hold_ceremony(org)
    case = household(org)
    principal = case.people.get(position=0)
    words = WORDS[language]
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, org.coordinator)
    _speak(page, language)
    page.goto(f"/cases/{case.code}/consent/")
    page.locator("details.consent-record summary").click()
    form = page.locator("details.consent-record form")
    form.locator("#id_consent-person").select_option(str(principal.pk))
    form.locator("#id_consent-kind").select_option("testimony")
    form.locator("#id_consent-scope_1").check()
    form.locator("#id_consent-method_0").check()
    form.locator("#id_consent-explanation").fill(
        "His account goes to the documentation under a code, without his name."
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert words["recorded"] in page.locator("ul.messages").inner_text()
    page.goto(f"/cases/{case.code}/people/{principal.pk}/")
    handover = page.locator("form[action$='/testimony/']")
    handover.locator("#id_testimony-originals").check()
    handover.locator("button[type=submit]").click()
    page.wait_for_load_state()
    said = page.locator("ul.messages").inner_text()
    assert words["handed"] in said
    code = DocumentedPerson.objects.get().code
    assert code in said
    assert code in page.locator("#testimony").inner_text()
    assert page.evaluate(WIDTH) <= width
    assert HandedOverTestimony.objects.get().originals is True
    # The documenter records the act and its evidence, under the code.
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.other_team,))
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(vault.keyring):
        victim = DocumentedPerson.objects.get(code=code)
        event = record_detention(documenter).event
        act = record_act(documenter, event=event, victim=victim,
                         act_type=term("act_type", "L-ARBITRARY-DETENTION"))  # fmt: skip
        staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
        item = evidence.add_evidence(documenter, staged, target=act)
    _log_in(page, documenter)
    _speak(page, language)
    page.goto(f"/documentation/people/{code}/")
    text = page.locator("main").inner_text()
    assert words["from_casework"] in text
    assert "Zelim" not in text
    assert case.code not in text
    assert page.evaluate(WIDTH) <= width
    # A table's caption spans the table, also where its rows stack.
    spans = page.evaluate(
        "() => [...document.querySelectorAll('main table caption')].map("
        "c => [c.getBoundingClientRect().width, c.closest('table').getBoundingClientRect().width])"
    )
    assert spans
    assert all(caption >= 0.9 * table for caption, table in spans), spans
    page.goto(f"/documentation/evidence/dossier/?records={act.code}")
    plan = page.locator("#consent-plan").inner_text()
    assert item.code in plan
    assert words["goes"] in plan
    assert page.evaluate(WIDTH) <= width
