"""A coordinator, a second verifier and a caseworker take a request from
the inbox to protection in the browser, against the real server, as new
users would: clicking what each page offers, with no JavaScript, in
English and in Russian, on a laptop (1280 px) and on a phone (390 px).

Open a case from the request, verify it (two interviews by different
verifiers and the rest of the checklist), accept it, place the household
in a safe house, record their travel documents and an application, have
it approved, plan the journey and travel, arrive, claim asylum and be
protected. On every page: the page is in the chosen language (no
interface sentence left in English on a Russian page), nothing is wider
than the screen, and the case page says what is needed next."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

import safepassage
from safepassage.accounts.models import Team
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import safehouses
from safepassage.cases.models import Case, Host, Pathway, StageChange, Stay
from safepassage.intake.models import Submission
from safepassage.vault import keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, hold_ceremony, keyring_of, make_user
from tests.browser.test_casework_browser import _log_in
from tests.browser.test_phone_width import WIDTH
from tests.hashers import SERVER_READABLE
from tests.intake.helpers import send_request

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ADDRESS = "Улица Садовая, дом 14"


@cache
def english_sentences() -> frozenset[str]:
    """The interface's English words and sentences that Russian says
    otherwise (from the compiled catalogue): any of them on a Russian page
    was left untranslated. Single words of fewer than five letters are
    left out (a username or a code may be one)."""
    mo = Path(safepassage.__file__).parent / "locale/ru/LC_MESSAGES/django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    found = set()
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not msgid or msgid == msgstr:
            continue
        if any(mark in msgid for mark in ("%", "{", "\n", "<")):
            continue
        msgid = msgid.strip()
        if len(msgid) >= (4 if " " in msgid else 5):
            found.add(msgid)
    return frozenset(found)


def left_in_english(text: str) -> list[str]:
    """The interface's English words and sentences found whole in ``text``."""
    words = set(re.findall(r"\w+", text))
    found = []
    for sentence in english_sentences():
        first = re.match(r"\w+", sentence)
        if first is not None and first.group() not in words:
            continue
        if re.search(rf"(?<!\w){re.escape(sentence)}(?!\w)", text):
            found.append(sentence)
    return sorted(found)


@pytest.fixture
def real_hashers(settings: Any) -> None:
    """The server hashes with Argon2id only, so passwords set here must too
    (before the staff are made)."""
    settings.PASSWORD_HASHERS = SERVER_READABLE


class Journey:
    """One browser per person, and what was seen wrong on the way."""

    def __init__(self, browser: Any, server_url: str, screen: dict[str, int], language: str):
        self.browser, self.server_url = browser, server_url
        self.screen, self.language = screen, language
        self.contexts: list[Any] = []
        self.problems: list[str] = []

    def open(self, user: Any) -> Any:
        context = self.browser.new_context(
            base_url=self.server_url, viewport=self.screen, java_script_enabled=False
        )
        self.contexts.append(context)
        page = context.new_page()
        _log_in(page, user, self.language)
        return page

    def seen(self, page: Any, where: str) -> None:
        """The page as the person sees it: their language, and it fits."""
        if page.locator("html").get_attribute("lang") != self.language:
            self.problems.append(f"{where}: not in {self.language}")
        width = page.evaluate(WIDTH)
        if width > self.screen["width"]:
            self.problems.append(f"{where}: {width}px wide")
        if self.language == "ru":
            text = page.locator("main").inner_text()
            left = left_in_english(text)
            if left:
                self.problems.append(f"{where}: left in English: {left}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _submit(page: Any, form: str = "main form") -> None:
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()


def _said(page: Any) -> str:
    return page.locator(".messages").inner_text() if page.locator(".messages").count() else ""


def _next_steps(page: Any) -> str:
    return page.locator("section.next-steps").inner_text()


def _move(page: Any, stage: str, reason: str = "") -> None:
    """Press the case page's button for the next stage, which shows
    nothing missing (a button that does is drawn as secondary), under
    what the page says is needed next."""
    assert _next_steps(page).strip()
    button = page.locator(f"section.next-steps button[name='move-to'][value='{stage}']")
    assert "secondary" not in (button.get_attribute("class") or ""), _next_steps(page)
    if reason:
        page.locator("#id_move-reason").fill(reason)
    button.click()
    page.wait_for_load_state()


def _record_check(page: Any, kind: str, note: str = "", referee: str = "") -> None:
    page.locator("#id_check-kind").select_option(kind)
    page.locator("#id_check-finding").select_option("supports")
    if referee:
        page.locator("#id_check-referee").select_option(referee)
    page.locator("#id_check-note").fill(note)
    _submit(page, "form[action$='/verification/check/']")


def _back_to_case(page: Any, code: str) -> None:
    """Back to the case page by the links a page offers (a journey's page
    leads to the case's travel, which leads to the case)."""
    if not page.locator(f"main a[href='/cases/{code}/']").count():
        page.locator(f"main a[href='/cases/{code}/travel/']").first.click()
        page.wait_for_load_state()
    page.locator(f"main a[href='/cases/{code}/']").first.click()
    page.wait_for_load_state()


def _reference_data(org: Organisation) -> tuple[Any, Pathway]:
    """What administrators and coordinators keep before any case needs it:
    a safe house the team is cleared for, a host country and its pathway."""
    with using_keyring(keyring_of(org.coordinator)):
        house = safehouses.create_house(
            safehouses.HouseDetails(
                label="Берёза",
                capacity=6,
                location=safehouses.Location(region="Нальчик", address=ADDRESS),
            ),
            by=org.coordinator,
        )
        safehouses.set_clearance(
            house,
            staff=[org.coordinator],
            teams=[org.team],
            version=house.version,
            by=org.coordinator,
        )
    host = Host.objects.create(
        kind="country", country="DE", name_en="Germany", name_ru="Германия", name_fr="Allemagne"
    )
    pathway = Pathway.objects.create(
        host=host,
        kind="humanitarian_visa",
        name_en="Humanitarian admission",
        name_ru="Гуманитарный приём",
        name_fr="Admission humanitaire",
    )
    return house, pathway


# Each language and each width once: Russian on the phone, where its longer
# words are likeliest to push a page wider than the screen. Every staff page
# is looked at on a phone in both languages by test_phone_width.py.
@pytest.mark.parametrize(
    ("language", "screen"), [("en", LAPTOP), ("ru", PHONE)], ids=["en-1280", "ru-390"]
)
def test_a_request_reaches_protection(
    real_hashers: None,
    browser: Any,
    server_url: str,
    org: Organisation,
    language: str,
    screen: dict[str, int],
) -> None:
    vault = hold_ceremony(org)
    # The organisation names its teams in its own words (not the interface's).
    Team.objects.filter(pk=org.other_team.pk).update(name="Документация")
    checker = make_user("verifier", Role.VERIFIER, teams=(org.team,))
    for compartment in ("intake", "identity", "casework"):
        keys.grant(vault.keyring, compartment, checker.pk, by="cli")
    house, pathway = _reference_data(org)
    send_request(
        lang="ru",
        name="Зелимхан",
        happened="Меня задержали на блокпосту и спрашивали имена друзей.",
        help="Нужно уехать из региона.",
        contact_handle="+7 928 123 45 67",
        household="1",
        household_notes="сестра",
    )
    request_code = Submission.objects.get().code
    today = timezone.localdate()
    day = {n: (today - dt.timedelta(days=n)).isoformat() for n in (1, 2, 5, 10, 20, 30, 40)}
    trip = Journey(browser, server_url, screen, language)

    # The coordinator opens a case from the request and gives it to the team.
    page = trip.open(org.coordinator)
    page.locator("nav a[href='/intake/']").first.click()
    page.wait_for_load_state()
    trip.seen(page, "inbox")
    page.locator(f"main a[href='/intake/{request_code}/']").first.click()
    page.wait_for_load_state()
    trip.seen(page, "request")
    _submit(page, "form[action$='/open-case/']")
    code = Case.objects.get().code
    assert page.url.endswith(f"/cases/{code}/")
    trip.seen(page, "new case")
    page.locator("#id_team-team").select_option(str(org.team.pk))
    _submit(page, "form[action$='/team/']")
    _record_check(page, "interview", "Встретились на вокзале; спокоен, рассказ связный.")
    assert Case.objects.get().stage == "screening"

    # Another verifier: an interview, a reference, the accounts compared,
    # the documents checked, and the outcome.
    other = trip.open(checker)
    other.goto("/cases/")
    other.locator(f"main a[href='/cases/{code}/']").click()
    other.wait_for_load_state()
    trip.seen(other, "case in screening")
    _record_check(other, "interview", "Второе интервью: тот же рассказ.")
    _record_check(other, "reference", "Партнёры его знают.", referee="partner")
    _record_check(other, "consistency")
    _record_check(other, "documents", "Паспорта пока нет.")
    other.locator("#id_outcome-outcome").select_option("verified")
    other.locator("#id_outcome-reasons").fill("Оба интервью сходятся; партнёры ручаются.")
    _submit(other, "form[action$='/verification/outcome/']")
    assert Case.objects.get().stage == "verified"

    # The coordinator accepts the case and gives it to the caseworker.
    page.reload()
    trip.seen(page, "verified case")
    _move(page, "accepted", "Дома в опасности; проверен.")
    assert Case.objects.get().stage == "accepted"
    page.locator("#id_case-assignee").select_option(str(org.caseworker.pk))
    _submit(page, "form[action$='/edit/']")
    assert Case.objects.get().assignee == org.caseworker

    # The caseworker finds the case among theirs and places the household.
    work = trip.open(org.caseworker)
    work.goto("/cases/?assignee=me")
    trip.seen(work, "my cases")
    work.locator(f"main a[href='/cases/{code}/']").click()
    work.wait_for_load_state()
    trip.seen(work, "accepted case")
    assert "Зелимхан" in work.locator("main").inner_text()
    # The request said one person travels along: the caseworker records who.
    work.locator("#identity a[href*='/people/']").last.click()
    work.wait_for_load_state()
    trip.seen(work, "who travels along")
    work.locator("#id_name").fill("Хеда")
    work.locator("#id_relationship").fill("сестра")
    work.locator("#id_age").fill("16")
    work.locator("#id_minor").select_option("yes")
    _submit(work)
    assert "Хеда" in work.locator("#identity").inner_text()
    work.locator("details.place summary").click()
    work.locator("#id_house").select_option(str(house.pk))
    work.locator("#id_planned_arrival").fill(day[40])
    _submit(work, "details.place form")
    stay = Stay.objects.get()
    assert stay.beds == 2
    trip.seen(work, "placed")
    work.locator(f"form[action$='/stays/{stay.pk}/arrival/'] input[type=date]").fill(day[40])
    _submit(work, f"form[action$='/stays/{stay.pk}/arrival/']")
    assert Stay.objects.get().arrived_on is not None
    _back_to_case(work, code)
    _move(work, "in_safe_house")
    assert Case.objects.get().stage == "in_safe_house"
    trip.seen(work, "in a safe house")

    # Travel documents for both, then the application.
    people = list(Case.objects.get().people.order_by("position"))
    for person, kind, number in (
        (people[0], "foreign_passport", "75 0011223"),
        (people[1], "birth_certificate", ""),
    ):
        work.locator(f"main a[href$='/travel/documents/new/?person={person.pk}']").first.click()
        work.wait_for_load_state()
        trip.seen(work, "new document")
        work.locator("#id_kind").select_option(kind)
        work.locator("#id_status").select_option("issued")
        if number:
            work.locator("#id_expires_on").fill((today + dt.timedelta(days=900)).isoformat())
            work.locator("#id_number").fill(number)
        _submit(work)
        trip.seen(work, "travel, with a document")
        _back_to_case(work, code)
    _move(work, "documents")
    assert Case.objects.get().stage == "documents"
    work.locator("main a[href$='/travel/applications/new/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "new application")
    work.locator("#id_pathway").select_option(str(pathway.pk))
    work.locator("#id_office").fill("Посольство Германии в Москве")
    work.locator("#id_appointment_on").fill(day[30])
    work.locator("#id_submitted_on").fill(day[30])
    _submit(work)
    _back_to_case(work, code)
    _move(work, "applied")
    assert Case.objects.get().stage == "applied"
    trip.seen(work, "applied")

    # The embassy says yes.
    work.locator("main a[href*='/travel/applications/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "application")
    work.locator("#id_decision").select_option("approved")
    work.locator("#id_decided_on").fill(day[20])
    _submit(work)
    _back_to_case(work, code)
    _move(work, "approved")
    assert Case.objects.get().stage == "approved"
    trip.seen(work, "approved")

    # The journey: planned, one leg, they leave the house and travel.
    work.locator("main a[href$='/travel/journeys/new/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "new journey")
    work.locator("#id_status").select_option("planned")
    _submit(work)
    trip.seen(work, "journey")
    work.locator("#id_departs_on").fill(day[10])
    work.locator("#id_arrives_on").fill(day[10])
    work.locator("#id_origin").fill("Нальчик")
    work.locator("#id_destination").fill("Берлин")
    work.locator("#id_transport").fill("поезд, затем самолёт")
    _submit(work, "form[action$='/legs/new/']")
    trip.seen(work, "journey with a leg")
    _back_to_case(work, code)
    work.locator(f"form[action$='/stays/{stay.pk}/departure/'] input[type=date]").fill(day[10])
    _submit(work, f"form[action$='/stays/{stay.pk}/departure/']")
    _back_to_case(work, code)
    _move(work, "travelling")
    assert Case.objects.get().stage == "travelling"
    trip.seen(work, "travelling")

    # They arrive, claim asylum and are protected.
    work.locator("main a[href$='/arrival/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "arrival")
    work.locator("#id_arrived_on").fill(day[10])
    work.locator("#id_arrived_in").select_option(str(pathway.host_id))
    work.locator("#id_place").fill("Берлин")
    _submit(work)
    _back_to_case(work, code)
    _move(work, "arrived")
    assert Case.objects.get().stage == "arrived"
    trip.seen(work, "arrived")
    work.locator("main a[href$='/travel/claims/new/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "new claim")
    work.locator("#id_authority").fill("BAMF")
    work.locator("#id_status").select_option("lodged")
    work.locator("#id_lodged_on").fill(day[5])
    _submit(work)
    _back_to_case(work, code)
    _move(work, "asylum_claimed")
    assert Case.objects.get().stage == "asylum_claimed"
    work.locator("main a[href*='/travel/claims/']").first.click()
    work.wait_for_load_state()
    trip.seen(work, "claim")
    work.locator("#id_status").select_option("decided")
    work.locator("#id_decided_on").fill(day[1])
    work.locator("#id_outcome").select_option("refugee")
    _submit(work)
    _back_to_case(work, code)
    _move(work, "protected")
    case = Case.objects.get()
    assert case.stage == "protected"
    trip.seen(work, "protected")
    assert "protected" in _said(work) or language != "en"

    # Every move is in the case's history and in the audit log.
    assert [
        change.to_stage for change in StageChange.objects.filter(case=case).order_by("number")
    ] == [
        "screening",
        "verified",
        "accepted",
        "in_safe_house",
        "documents",
        "applied",
        "approved",
        "travelling",
        "arrived",
        "asylum_claimed",
        "protected",
    ]
    assert AuditEntry.objects.filter(action="case.moved").count() == 11
    assert trip.problems == [], "\n".join(trip.problems)
    trip.close()
