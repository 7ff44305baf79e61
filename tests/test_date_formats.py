"""One date format per language on every page (safepassage/formats):
day, month in words, year, and 24-hour times; the short formats that some
pages ask for are the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import formats, translation

from safepassage.cases.models import Case
from safepassage.intake.models import Submission
from tests.base import Organisation, Vault, sign_in
from tests.intake.helpers import send_request

DAY = dt.date(2026, 12, 5)
MOMENT = dt.datetime(2026, 12, 5, 14, 3, tzinfo=dt.UTC)
EXPECTED = {
    "en": ("5 December 2026", "5 December 2026, 14:03"),
    "ru": ("5 декабря 2026", "5 декабря 2026, 14:03"),
    "fr": ("5 décembre 2026", "5 décembre 2026, 14:03"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_each_language_has_one_format(language: str) -> None:
    day, moment = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(DAY) == day
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == moment
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == moment


@pytest.mark.django_db
@pytest.mark.parametrize("language", EXPECTED)
def test_pages_show_dates_in_it(org: Organisation, vault: Vault, language: str) -> None:
    send_request()
    code = Submission.objects.get().code
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{code}/open-case/")
    Submission.objects.update(received_on=DAY)
    Case.objects.update(opened_on=DAY)
    org.coordinator.__class__.objects.filter(pk=org.coordinator.pk).update(last_login=MOMENT)
    client.post("/i18n/language/", {"language": language, "next": "/"})
    day, moment = EXPECTED[language]
    pages = {
        "inbox": "/intake/?view=case",
        "request": f"/intake/{code}/",
        "case": f"/cases/{Case.objects.get().code}/",
    }
    for name, path in pages.items():
        html = client.get(path).content.decode()
        assert f'<time datetime="2026-12-05">{day}</time>' in html, name
    assert moment in client.get("/account/").content.decode()
    assert moment in client.get(f"/staff/{org.coordinator.pk}/").content.decode()
