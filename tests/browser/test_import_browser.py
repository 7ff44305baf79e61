"""A documenter imports a list in a real browser against the real server,
in English and in Russian: a file with a broken row is refused with its
row report, the corrected file is imported, and the documentation is
downloaded as JSON with the imported events in it; each page fits a
phone's width."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.documentation.models import Act, Event, ImportDraft
from safepassage.vault import keys as vault_keys
from tests.base import hold_ceremony, make_user
from tests.browser.test_documentation_browser import OVERFLOW, PHONE, _fits_a_phone, _log_in

pytestmark = pytest.mark.browser

LIST = (
    "Event title;Date;Area;act_type;Victim's name;Source;Reliability\n"
    "Detentions in Argun;2017-03-late;Аргун;Пытки;Умаров Магомед;Witness W-3;Highly reliable\n"
    "Detentions in Argun;2017-03-late;Аргун;Torture;Алиев Руслан;Witness W-3;Highly reliable\n"
)
BROKEN = LIST + "Detentions in Shali;31.02.2017;;Torture;Хасанов Адам;;\n"
WORDS = {
    "en": {
        "tab": "Import and export",
        "import": "Import records from a CSV or Excel file",
        "read": "Read the file",
        "import_button": "Import",
        "correct": "What to correct",
        "no_day": "That month has no such day.",
        "another": "Choose another file",
        "done": "What each row recorded",
        "download": "Download",
    },
    "ru": {
        "tab": "Импорт и выгрузка",
        "import": "Импортировать записи из файла CSV или Excel",
        "read": "Прочитать файл",
        "import_button": "Импортировать",
        "correct": "Что исправить",
        "no_day": "В этом месяце нет такого дня.",
        "another": "Выбрать другой файл",
        "done": "Что записано по каждой строке",
        "download": "Скачать",
    },
}


def _choose_columns(page: Any) -> None:
    form = page.locator("form.import-columns")
    form.locator("[name=start]").select_option("1")
    form.locator("[name=place_area]").select_option("2")
    form.locator("[name=source_name]").select_option("5")
    form.locator("[name=reliability]").select_option("6")


def _upload(page: Any, path: Path, words: dict[str, str]) -> None:
    page.locator("main form input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=words["read"]).click()
    page.wait_for_url("**/documentation/import/*-*/")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_imports_a_list_and_exports_the_documentation(
    page: Any, org: Any, language: str, tmp_path: Path
) -> None:
    words = WORDS[language]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    _log_in(page, documenter, language)

    page.goto("/documentation/")
    page.get_by_role("link", name=words["tab"], exact=True).click()
    page.wait_for_url("**/documentation/export/")
    page.get_by_role("link", name=words["import"]).click()
    page.wait_for_url("**/documentation/import/")
    broken = tmp_path / "list.csv"
    broken.write_text(BROKEN, encoding="utf-8")
    _upload(page, broken, words)
    # Titles like the fields' are chosen already; the rest is chosen here.
    form = page.locator("form.import-columns")
    assert form.locator("[name=title]").input_value() == "0"
    assert form.locator("[name=victim_name]").input_value() == "4"
    _choose_columns(page)
    form.get_by_role("button", name=words["import_button"], exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=words["correct"]).is_visible()
    problems = page.locator(".import-problems table")
    assert problems.get_by_text("31.02.2017").is_visible()
    assert problems.get_by_text(words["no_day"]).is_visible()
    assert not Act.objects.exists()

    page.get_by_role("button", name=words["another"]).click()
    page.wait_for_url("**/documentation/import/")
    good = tmp_path / "corrected.csv"
    good.write_text(LIST, encoding="utf-8")
    _upload(page, good, words)
    form = page.locator("form.import-columns")
    _choose_columns(page)
    form.get_by_role("button", name=words["import_button"], exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=words["done"]).is_visible()
    event = Event.objects.get()
    assert page.get_by_role("link", name=event.code).first.is_visible()
    assert Act.objects.filter(event=event).count() == 2
    assert not ImportDraft.objects.exists()

    page.goto("/documentation/export/")
    with page.expect_download() as download:
        page.get_by_role("button", name=words["download"]).click()
    document = json.loads(Path(download.value.path()).read_text())
    assert [e["code"] for e in document["events"]] == [event.code]
    assert {a["event"] for a in document["acts"]} == {event.code}

    # At a phone's width: the upload, the columns, the row report, the export.
    page.set_viewport_size(PHONE)
    page.goto("/documentation/import/")
    _upload(page, broken, words)
    _choose_columns(page)
    page.locator("form.import-columns").get_by_role(
        "button", name=words["import_button"], exact=True
    ).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=words["correct"]).is_visible()
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= PHONE["width"], measured
    assert measured["wide"] == [], measured
    _fits_a_phone(page, ["/documentation/import/", page.url, "/documentation/export/"])
    assert page.csp_violations == []
