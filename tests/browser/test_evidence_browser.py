"""A documenter attaches a photo to an act in a real browser against the
real server: the original is kept, the page shows no original, a blurred
working copy is made and shown, the original is downloaded only with
a reason, and a dossier of the event's evidence is exported and checks
out offline; the pages fit a phone's width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safepassage.accounts.roles import Role
from safepassage.documentation import dossier_check
from safepassage.documentation.models import CustodyEntry, Evidence
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import hold_ceremony, make_user
from tests.browser.test_documentation_browser import _fits_a_phone, _log_in
from tests.documentation.conftest import record_detention
from tests.documentation.evidence_files import photo_with_exif

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "attach": "Attach evidence",
        "keep": "Keep the original",
        "no_copy": "No working copy yet",
        "make": "Make a working copy",
        "blurred": "blurred",
        "make_button": "Make the copy",
        "open": "Open the original",
        "why": "Why the original is needed",
        "download": "Download the original",
        "dossier": "Export a dossier",
        "dossier_why": "Why, and for whom (kept in each item's custody log)",
        "dossier_button": "Make and download the dossier",
    },
    "ru": {
        "attach": "Приложить доказательство",
        "keep": "Сохранить оригинал",
        "no_copy": "Рабочей копии пока нет",
        "make": "Сделать рабочую копию",
        "blurred": "размыто",
        "make_button": "Сделать копию",
        "open": "Открыть оригинал",
        "why": "Зачем нужен оригинал",
        "download": "Скачать оригинал",
        "dossier": "Экспортировать досье",
        "dossier_why": "Зачем и для кого (сохраняется в журнале хранения каждого материала)",
        "dossier_button": "Составить и скачать досье",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_documenter_attaches_a_photo_to_an_act_and_shows_a_blurred_copy(
    page: Any, org: Any, language: str, tmp_path: Path
) -> None:
    words = WORDS[language]
    vault = hold_ceremony(org)
    documenter = make_user("doc", Role.DOCUMENTER)
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(vault.keyring):
        act = record_detention(documenter).act
    photo = tmp_path / "checkpoint.jpg"
    photo.write_bytes(photo_with_exif((400, 300)))
    _log_in(page, documenter, language)

    page.goto(f"/documentation/events/{act.event.code}/")
    page.locator(f"#act-{act.code}").get_by_role("link", name=words["attach"]).click()
    page.wait_for_url(f"**/documentation/evidence/new/?to={act.code}")
    page.locator("main form input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name=words["keep"]).click()
    page.wait_for_url("**/documentation/evidence/EV-*/")
    original = Evidence.objects.get()
    assert original.links.get().act == act
    assert page.get_by_text(words["no_copy"]).is_visible()
    assert page.locator("img.evidence-preview").count() == 0

    page.get_by_text(words["make"], exact=True).click()
    page.get_by_label(words["blurred"]).check()
    page.get_by_role("button", name=words["make_button"]).click()
    page.wait_for_url("**/documentation/evidence/EV-*/")
    copy = Evidence.objects.exclude(pk=original.pk).get()
    assert page.url.endswith(f"/documentation/evidence/{copy.code}/")
    page.goto(f"/documentation/evidence/{original.code}/")
    preview = page.locator("img.evidence-preview")
    preview.wait_for()
    assert page.evaluate("() => document.querySelector('img.evidence-preview').naturalWidth") == 400
    assert f"/evidence/{copy.code}/content/" in (preview.get_attribute("src") or "")

    page.get_by_text(words["open"], exact=True).click()
    page.get_by_label(words["why"]).fill("The prosecutor asked for it")
    with page.expect_download() as download:
        page.get_by_role("button", name=words["download"]).click()
    assert Path(download.value.path()).read_bytes() == photo.read_bytes()
    actions = list(
        CustodyEntry.objects.filter(evidence=original)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["uploaded", "linked", "derived", "downloaded"]

    # A dossier of the event's evidence, which checks out offline.
    page.goto(f"/documentation/events/{act.event.code}/")
    page.locator("#evidence").get_by_role("link", name=words["dossier"]).click()
    page.wait_for_url(f"**/documentation/evidence/dossier/?records={act.event.code}")
    page.get_by_label(words["dossier_why"]).fill("For the OSCE rapporteur")
    with page.expect_download() as download:
        page.get_by_role("button", name=words["dossier_button"]).click()
    archive = tmp_path / "dossier.zip"
    archive.write_bytes(Path(download.value.path()).read_bytes())
    assert dossier_check.check(archive)[:1] == (2,)  # the original (withheld) and its copy
    assert CustodyEntry.objects.filter(evidence=original).last().action == "exported"
    _fits_a_phone(
        page,
        [
            f"/documentation/evidence/{original.code}/",
            "/documentation/evidence/",
            "/documentation/evidence/dossier/",
        ],
    )
