"""The people page before any search: the people recorded most recently
that the reader may see, newest first, with their names; those of
restricted events hidden from the reader are left out without leaving the
page short, and the listing is audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import people
from safepassage.vault.keyring import using_keyring
from tests.base import keyring_of, sign_in
from tests.documentation.conftest import Desk, record_detention


@pytest.mark.django_db
def test_the_page_lists_the_newest_people_one_may_see(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        record_detention(desk.documenter, victim="Умаров Первый")
        record_detention(desk.documenter, victim="Умаров Скрытый", confidentiality="restricted")
        record_detention(desk.documenter, victim="Umarov Last")
    client = Client()
    sign_in(client, desk.stranger)
    page = client.get("/documentation/people/").content.decode()
    assert "Recorded most recently" in page
    assert "Search by name to find anyone else." in page
    assert page.index("Umarov Last") < page.index("Умаров Первый")  # newest first
    assert "Умаров Скрытый" not in page  # in an event restricted to others
    entry = AuditEntry.objects.filter(action="documentation.people_listed").latest("seq")
    assert entry.actor == f"user:{desk.stranger.pk}"
    own = Client()
    sign_in(own, desk.documenter)
    assert "Умаров Скрытый" in own.get("/documentation/people/").content.decode()
    # A search shows what it found, not the newest.
    found = own.get("/documentation/people/", {"q": "Первый"}).content.decode()
    assert "Recorded most recently" not in found
    assert "Umarov Last" not in found


@pytest.mark.django_db
def test_people_hidden_from_the_reader_do_not_leave_the_page_short(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        for number in range(3):  # in no event yet: everyone may see them
            people.record_person(desk.documenter, name=f"Seen {number}")
        for number in range(6):  # the newest, all hidden from the stranger
            record_detention(
                desk.documenter, victim=f"Hidden {number}", confidentiality="restricted"
            )
    with using_keyring(keyring_of(desk.stranger)):
        found = people.recent_people(desk.stranger, limit=2)
    assert [str(person.name) for person in found] == ["Seen 2", "Seen 1"]


@pytest.mark.django_db
def test_an_empty_documentation_says_how_people_are_added(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/documentation/people/").content.decode()
    assert "Пока никто не записан" in page
