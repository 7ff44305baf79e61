"""The menu leads documenters to the documentation, and administrators to
the vocabularies they keep; others see neither."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.base import sign_in
from tests.documentation.conftest import Desk


@pytest.mark.django_db
def test_the_menu_shows_documentation_to_those_who_read_it(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get("/").content.decode()
    assert 'href="/documentation/"' in page
    sign_in(client, desk.org.admin)
    page = client.get("/").content.decode()
    assert 'href="/documentation/vocabularies/"' in page
    assert 'href="/documentation/"' not in page
    sign_in(client, desk.org.caseworker)
    assert "/documentation/" not in client.get("/").content.decode()
