"""A number shown with a noun takes the noun's plural form in each language
(Russian has three: 1 файл, 2 файла, 5 файлов), through gettext."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client, override_settings
from django.utils import translation

from safepassage.accounts.throttle import wait_message
from safepassage.intake.forms import check_uploads
from tests.base import Vault


@pytest.mark.parametrize(
    ("seconds", "russian", "french"),
    [(1, "1 секунду", "1 seconde,"), (3, "3 секунды", "3 secondes"), (5, "5 секунд", "5 secondes")],
)
def test_waiting_is_said_in_the_right_form(seconds: int, russian: str, french: str) -> None:
    with translation.override("ru"):
        assert f"Подождите {russian} " in wait_message(seconds)
    with translation.override("fr"):
        assert f"patienter {french}" in wait_message(seconds)
    assert f"wait {seconds} second{'s' if seconds > 1 else ''} " in wait_message(seconds)


@pytest.mark.parametrize(
    ("limit", "russian"), [(1, "1 файла."), (2, "2 файлов."), (21, "21 файла.")]
)
def test_the_file_limit_is_said_in_the_right_form(limit: int, russian: str) -> None:
    with override_settings(INTAKE_MAX_FILES=limit), translation.override("ru"):
        errors = check_uploads([object()] * (limit + 1), [])
    assert f"не больше {russian}" in errors[0]


@pytest.mark.parametrize(
    ("count", "russian", "english"),
    [(1, "1 сопровождающий", "1 other person travels"), (4, "4 сопровождающих", "4 other people")],
)
def test_the_household_is_said_in_the_right_form(count: int, russian: str, english: str) -> None:
    template = Template(
        "{% load i18n %}{% blocktranslate count count=n %}{{ count }} other person travels with "
        "them{% plural %}{{ count }} other people travel with them{% endblocktranslate %}"
    )
    assert english in template.render(Context({"n": count}))
    with translation.override("ru"):
        assert template.render(Context({"n": count})) == russian


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "russian"), [(1, "До 1 файла, "), (5, "До 5 файлов, ")])
def test_the_form_says_how_many_files_in_the_right_form(
    vault: Vault, limit: int, russian: str
) -> None:
    with override_settings(INTAKE_MAX_FILES=limit):
        html = Client().get("/request/?lang=ru").content.decode()
    assert russian in html
