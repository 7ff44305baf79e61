"""A coordinator adds a safe house, places a case in it and records the
arrival, in English and in Russian, on a laptop and on a phone, against
the real server, without JavaScript for any step; no page scrolls
sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from safepassage.cases.models import Case, SafeHouse, Stay
from tests.base import Organisation, hold_ceremony
from tests.browser.test_phone_width import WIDTH, _log_in, _speak
from tests.cases.helpers import open_household, person

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ADDRESS = "Улица Садовая, дом 14, квартира 3"

# What the pages say once each step is done, in each language.
SAID = {
    "en": {"placed": "The case was placed in", "arrived": "The arrival was recorded."},
    "ru": {"placed": "Дело размещено в", "arrived": "Прибытие записано."},
}


def _fits(page: Any, viewport: dict[str, int], where: str, too_wide: list[str]) -> None:
    width = page.evaluate(WIDTH)
    if width > viewport["width"]:
        too_wide.append(f"{where}: {width}px")


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_coordinator_places_a_case_in_a_new_house(
    page: Any, org: Organisation, language: str, viewport: dict[str, int]
) -> None:
    hold_ceremony(org)
    case = open_household(org.coordinator, person("Zelim"), person("Kheda"))
    Case.objects.filter(pk=case.pk).update(team=org.team)
    page.set_viewport_size(viewport)
    _log_in(page, org.coordinator)
    _speak(page, language)
    too_wide: list[str] = []

    page.goto("/cases/safe-houses/new/")
    _fits(page, viewport, "new house", too_wide)
    page.locator("#id_label").fill("House 7")
    page.locator("#id_capacity").fill("4")
    page.locator("#id_region").fill("Nalchik")
    page.locator("#id_address").fill(ADDRESS)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cases/safe-houses/*/")
    house = SafeHouse.objects.get()
    assert page.url.endswith(f"/cases/safe-houses/{house.pk}/")
    assert ADDRESS in page.locator("dl.location").inner_text()
    _fits(page, viewport, "house", too_wide)

    page.goto(f"/cases/{case.code}/stays/")
    page.locator("details.place summary").click()
    page.locator("#id_house").select_option(str(house.pk))
    assert page.locator("#id_people_0").is_checked()
    assert page.locator("#id_people_1").is_checked()
    page.locator("details.place form button[type=submit]").click()
    page.wait_for_load_state()
    assert SAID[language]["placed"] in page.locator(".messages").inner_text()
    stay = Stay.objects.get()
    assert stay.house == house
    assert stay.beds == 2
    _fits(page, viewport, "stays, placed", too_wide)

    page.locator(f"form[action$='/stays/{stay.pk}/arrival/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert SAID[language]["arrived"] in page.locator(".messages").inner_text()
    stay.refresh_from_db()
    assert stay.arrived_on == timezone.localdate()
    assert page.locator(f"form[action$='/stays/{stay.pk}/departure/']").count() == 1
    _fits(page, viewport, "stays, arrived", too_wide)

    page.goto("/cases/safe-houses/")
    assert "House 7" in page.locator("table.houses").inner_text()
    _fits(page, viewport, "houses", too_wide)
    page.goto(f"/cases/safe-houses/{house.pk}/")
    assert case.code in page.locator("table.timeline").inner_text()
    _fits(page, viewport, "house with its stay", too_wide)
    assert too_wide == [], "\n".join(too_wide)
    assert page.csp_violations == []
