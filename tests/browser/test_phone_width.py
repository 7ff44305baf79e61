"""No page scrolls sideways on a phone (390 px wide), in English and in
Russian, for each role that sees it: tables become one card per row, each
value under its column's name, and long unbroken strings (receipts, codes,
contact handles) wrap; a number is never broken across two lines."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts import actions as staff_actions
from safepassage.cases.models import Case
from safepassage.intake import actions
from safepassage.intake import payload as request_payload
from safepassage.intake.models import Region
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, Organisation, device_of, hold_ceremony, keyring_of, totp_code

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
UNBROKEN = "Ж" * 30 + "x" * 90  # a long word with no place to break


def _requests(org: Organisation) -> tuple[str, str]:
    """A request full of long unbroken strings, with a tag, a reply and a
    case; and a plain one."""
    long_one = actions.receive_request(
        request_payload.decode(
            {
                "lang": "ru",
                "name": UNBROKEN,
                "happened": UNBROKEN + " " + UNBROKEN,
                "help": UNBROKEN,
                "situation": ["hiding", "family", "outed"],
                "urgency_level": 3,
                "contacts": [{"kind": "telegram", "handle": "@" + UNBROKEN}],
                "no_contact": False,
                "location": {"area": "caucasus", "place": UNBROKEN},
                "household": {"count": 3, "notes": UNBROKEN},
                "answers": {},
            }
        ),
        [],
        language="ru",
    ).submission
    plain = actions.receive_request(
        request_payload.decode(
            {"lang": "en", "happened": "x", "help": "y", "location": {"area": ""}}
        ),
        [],
        language="en",
    ).submission
    with using_keyring(keyring_of(org.coordinator)):
        tag = actions.tag_named("needs-visa-and-a-very-long-tag-name-here", by=org.coordinator)
        actions.set_tags(long_one, [tag], by=org.coordinator)
        actions.set_tags(plain, [tag], by=org.coordinator)
        actions.staff_reply(long_one, UNBROKEN, [], by=org.coordinator)
        actions.assign(plain, org.coordinator, by=org.coordinator)
        actions.open_case_from(long_one, by=org.coordinator)
    with using_keyring(keyring_of(org.admin)):
        staff_actions.set_identity(
            org.caseworker, name=UNBROKEN, email=f"{'x' * 80}@example.org", by=org.admin
        )
    Region.objects.create(
        key="elsewhere", name_en=UNBROKEN, name_ru=UNBROKEN, name_fr=UNBROKEN, position=90
    )
    return long_one.code, plain.code


def _work(org: Organisation, case: Case) -> None:
    """A note, tasks (one overdue) and an urgent case nobody is assigned,
    all with long unbroken words, for the case page, the task lists and
    the dashboard's cards."""
    import datetime as dt

    from django.utils import timezone

    from safepassage.cases import notes, tasks
    from safepassage.cases.models import Task

    Case.objects.filter(pk=case.pk).update(flags=",urgent,", risk=4)
    due = timezone.localdate() + dt.timedelta(days=2)
    with using_keyring(keyring_of(org.coordinator)):
        notes.add_note(case, text=UNBROKEN, by=org.coordinator)
        for owner in (org.coordinator, org.caseworker):
            tasks.add_task(case, title=UNBROKEN, owner=owner, due_on=due, by=org.coordinator)
    Task.objects.filter(owner=org.caseworker).update(due_on=due - dt.timedelta(days=5))


def _log_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/code/")
    page.locator("#id_code").fill(totp_code(device_of(user)))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def _speak(page: Any, language: str) -> None:
    page.goto("/account/")
    page.locator("#language-select").select_option(language)
    page.locator("form.language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


# The page's width, or wider if a table (inside a scrolling box) would make
# someone scroll it sideways.
WIDTH = """Math.max(
  document.documentElement.scrollWidth,
  ...Array.from(
    document.querySelectorAll("table"), (t) => Math.ceil(t.getBoundingClientRect().right)
  )
)"""


# The numbers (a count, a day, an hour) whose text runs over two lines: a
# "10" squeezed beside a badge read as "1" above "0".
BROKEN_NUMBERS = """(() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!/^[0-9][0-9.,:]*[0-9]$/.test(text)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
    if (lines.size > 1) broken.push(text);
  }
  return broken;
})()"""


def _too_wide(page: Any, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        width = page.evaluate(WIDTH)
        if width > PHONE["width"]:
            found.append(f"{path} {width}px")
        found += [f"{path} a number over two lines: {n}" for n in page.evaluate(BROKEN_NUMBERS)]
    return found


def _crowded_house(org: Organisation) -> None:
    """A safe house holding eleven people in ten beds: the dashboard's
    card shows "11" beside "over capacity"."""
    from tests.cases import safehouse_helpers as houses

    house = houses.make_house(org, "Linden", capacity=10)
    names = [f"Person{number}" for number in range(11)]
    case = houses.team_case(org, *names)
    stay = houses.place(org, case, house, reason="Nowhere else tonight")
    houses.arrive(org, stay)


def test_no_staff_page_scrolls_sideways_on_a_phone(page: Any, org: Organisation) -> None:
    hold_ceremony(org)
    long_code, plain_code = _requests(org)
    Case.objects.update(team=org.team)  # the caseworker's team
    case = Case.objects.get().code
    _work(org, Case.objects.get())
    _crowded_house(org)
    region = Region.objects.get(key="elsewhere").pk
    page.set_viewport_size(PHONE)
    by_role = {
        org.coordinator: [
            "/",
            "/intake/",
            "/intake/?view=case",
            f"/intake/{long_code}/",
            f"/intake/{plain_code}/",
            f"/cases/{case}/",
            f"/cases/{case}/viewers/",
            f"/cases/{case}/notes/",
            f"/cases/{case}/tasks/",
            "/cases/tasks/",
            "/cases/tasks/?who=team",
            "/staff/",
            f"/staff/{org.caseworker.pk}/",
            "/teams/",
            f"/teams/{org.team.pk}/",
            "/account/",
            "/vault/",
        ],
        org.admin: [
            "/",
            "/staff/",
            f"/staff/{org.caseworker.pk}/",
            "/staff/new/",
            "/intake/questions/",
            "/intake/questions/new/",
            "/intake/regions/",
            f"/intake/regions/{region}/",
            "/account/",
            "/vault/",
        ],
        org.caseworker: ["/", f"/cases/{case}/", "/cases/tasks/", "/account/"],
    }
    too_wide = []
    for user, paths in by_role.items():
        _log_in(page, user)
        for language in ("en", "ru"):
            _speak(page, language)
            too_wide += [f"{user.username} {language} {line}" for line in _too_wide(page, paths)]
    assert too_wide == [], "\n".join(too_wide)
    assert page.csp_violations == []


def test_no_public_page_scrolls_sideways_on_a_phone(
    browser: Any, server_url: str, org: Any
) -> None:
    hold_ceremony(org)
    Region.objects.create(
        key="elsewhere", name_en=UNBROKEN, name_ru=UNBROKEN, name_fr=UNBROKEN, position=90
    )
    context = browser.new_context(base_url=server_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    too_wide = []
    for language in ("en", "ru"):
        too_wide += _too_wide(
            page, [f"/request/?lang={language}", f"/request/return/?lang={language}"]
        )
        page.goto(f"/request/?lang={language}")
        page.locator("#id_happened").fill(UNBROKEN)
        page.locator("#id_help").fill(UNBROKEN)
        page.locator("#id_contact_method").select_option("none")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("p.receipt")
        if page.evaluate(WIDTH) > PHONE["width"]:
            too_wide.append(f"receipt page ({language})")
        receipt = " ".join(page.locator("p.receipt span").all_inner_texts())
        page.goto(f"/request/return/?lang={language}")
        page.locator("#id_receipt").fill(receipt)
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("#id_text")
        if page.evaluate(WIDTH) > PHONE["width"]:
            too_wide.append(f"conversation ({language})")
    assert too_wide == [], "\n".join(too_wide)
    context.close()
