"""A documenter links two events in a chain (this detention led to that
disappearance) from an event's page, with the plain form folded under
the chain, and sees the link on both events' pages, in a real browser
against the real server, in English and in Russian, on a laptop's and a
phone's width, with nothing wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.documentation.models import EventLink, Term
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import hold_ceremony, make_user
from tests.browser.test_documentation_browser import OVERFLOW, _log_in
from tests.documentation.conftest import record_detention

pytestmark = pytest.mark.browser

SCREENS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CAUSES = "030000000000"  # an event which causes another event
WORDS = {
    "en": {
        "add": "Link it to another event (this detention led to that disappearance)",
        "button": "Link the events",
        "linked": "The events were linked.",
        "onward": "This event: Event which causes another event",
        "kind": "Event which causes another event",
        "this": "this event",
    },
    "ru": {
        "add": "Связать с другим событием (это задержание привело к тому исчезновению)",
        "button": "Связать события",
        "linked": "События связаны.",
        "onward": "Это событие: Событие, ставшее причиной другого",
        "kind": "Событие, ставшее причиной другого",
        "this": "это событие",
    },
}


def _fits(page: Any, width: int) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= width, (page.url, measured)
    assert measured["wide"] == [], (page.url, measured)


@pytest.mark.parametrize("screen", ["laptop", "phone"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_links_two_events_in_a_chain_and_sees_it_on_both(
    page: Any, org: Any, language: str, screen: str
) -> None:
    words, size = WORDS[language], SCREENS[screen]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(vault.keyring):
        detention = record_detention(documenter).event
        disappearance = record_detention(
            documenter, title="A disappearance after the checkpoint", victim="Кадырова Хеда"
        ).event
    page.set_viewport_size(size)
    _log_in(page, documenter, language)

    page.goto(f"/documentation/events/{detention.code}/")
    assert page.evaluate("document.documentElement.lang") == language
    chain = page.locator("section#chain")
    _fits(page, size["width"])
    chain.locator("details.chain-add summary", has_text=words["add"]).click()
    form = chain.locator("details.chain-add form")
    kind = Term.objects.get(vocabulary__key="chain_type", code=CAUSES)
    form.locator("[name=kind]").select_option(str(kind.pk))
    # Codes are typed as people read them: lower case and spaces are forgiven.
    form.locator("[name=other]").fill(f" {disappearance.code.lower()} ")
    _fits(page, size["width"])
    form.get_by_role("button", name=words["button"]).click()
    page.wait_for_url(f"**/documentation/events/{detention.code}/#chain-heading")
    assert page.get_by_text(words["linked"]).is_visible()
    onward = page.locator("section#chain ul.chain li")
    assert onward.count() == 1
    assert words["onward"] in onward.inner_text()
    assert onward.get_by_text(disappearance.code).is_visible()
    _fits(page, size["width"])
    link = EventLink.objects.get()
    assert (link.event, link.related, link.kind.code) == (detention, disappearance, CAUSES)

    # The other event's page shows the same link, seen from its end.
    onward.get_by_role("link", name="A disappearance after the checkpoint").click()
    page.wait_for_url(f"**/documentation/events/{disappearance.code}/")
    back = page.locator("section#chain ul.chain li")
    assert back.count() == 1
    text = back.inner_text()
    assert "Detentions at the Argun checkpoint" in text
    assert f"{words['kind']} → {words['this']}" in text
    assert back.get_by_text(detention.code).is_visible()
    _fits(page, size["width"])
    assert page.csp_violations == []
