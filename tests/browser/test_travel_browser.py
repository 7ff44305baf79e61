"""A caseworker records the way out in the browser, against the real
server: each person's travel document, an application approved, a
journey and its leg, the arrival, the asylum claim; in English and in
Russian, on a laptop (1280 px) and on a phone (390 px), where no page
scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.cases import travel
from safepassage.cases.models import AsylumClaim, Case, Journey
from tests.base import Organisation, hold_ceremony
from tests.browser.test_phone_width import WIDTH, _log_in, _speak
from tests.cases import travel_helpers as h

pytestmark = pytest.mark.browser


def _submit(page: Any, form: str = "main form") -> None:
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state()


# Each language and each width once (see test_casework_journey_browser.py).
@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ru", 390)])
def test_it_records_the_way_out(page: Any, org: Organisation, language: str, width: int) -> None:
    hold_ceremony(org)
    case = h.household_case(org)
    pathway = h.pathway()
    principal, member = h.people(case)
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, org.caseworker)
    _speak(page, language)
    too_wide: list[str] = []

    def check(where: str) -> None:
        assert page.locator("html").get_attribute("lang") == language
        if page.evaluate(WIDTH) > width:
            too_wide.append(where)

    page.goto(f"/cases/{case.code}/travel/")
    check("travel, empty")
    for person, number in ((principal, "75 0011223"), (member, "")):
        page.locator(f"a[href$='/travel/documents/new/?person={person.pk}']").click()
        check("new document")
        page.locator("#id_kind").select_option(
            "foreign_passport" if number else "birth_certificate"
        )
        page.locator("#id_status").select_option("issued")
        if number:
            page.locator("#id_expires_on").fill("2027-03-01")
            page.locator("#id_number").fill(number)
            page.locator("#id_issued_at").fill("Grozny")
        _submit(page)
    page.locator("a[href$='/travel/applications/new/']").click()
    check("new application")
    page.locator("#id_pathway").select_option(str(pathway.pk))
    page.locator("#id_office").fill("Embassy of Germany, Moscow")
    page.locator("#id_submitted_on").fill("2017-05-02")
    page.locator("#id_decision").select_option("approved")
    # A decision before the submission comes back with a message.
    page.locator("#id_decided_on").fill("2017-05-01")
    _submit(page)
    assert page.locator(".field-error").count() == 1
    check("application refused")
    page.locator("#id_decided_on").fill("2017-05-20")
    _submit(page)
    page.locator("a[href$='/travel/journeys/new/']").click()
    check("new journey")
    page.locator("#id_status").select_option("planned")
    _submit(page)
    page.wait_for_url("**/travel/journeys/*/")
    page.locator("#id_departs_on").fill("2017-06-01")
    page.locator("#id_arrives_on").fill("2017-06-02")
    page.locator("#id_origin").fill("Grozny")
    page.locator("#id_destination").fill("Berlin")
    page.locator("#id_transport").fill("train 029")
    _submit(page, "form[action$='/legs/new/']")
    check("journey with a leg")
    assert "train 029" in page.locator("table.legs").inner_text()
    page.locator("main a[href$='/arrival/']").first.click()
    page.locator("#id_arrived_on").fill("2017-06-02")
    page.locator("#id_arrived_in").select_option(str(pathway.host_id))
    page.locator("#id_place").fill("Berlin")
    page.locator("#id_met_by").fill("Quarteera")
    _submit(page)
    page.locator("a[href$='/travel/claims/new/']").click()
    check("new claim")
    page.locator("#id_authority").fill("BAMF")
    page.locator("#id_reference").fill("7654321-160")
    page.locator("#id_status").select_option("lodged")
    page.locator("#id_lodged_on").fill("2017-06-05")
    _submit(page)
    check("travel, filled")
    section = page.locator("#travel").inner_text()
    for shown in ("75 0011223", "Embassy of Germany, Moscow", "Quarteera", "7654321-160"):
        assert shown in section
    heading = {"en": "Asylum claims", "ru": "Ходатайства об убежище"}[language]
    assert heading in section
    if language == "ru":
        for english in ("Asylum claims", "Travel documents", "foreign-travel passport"):
            assert english not in section
    assert too_wide == []
    assert page.csp_violations == []
    stored = Case.objects.get(pk=case.pk)
    assert travel.REQUIREMENTS["asylum_claimed"](stored) is None
    assert Journey.objects.get().status == "completed"
    assert AsylumClaim.objects.get().host_id == pathway.host_id
