"""A list opened at another page is not a filtered list: its filter panel
stays closed and an empty page says that nothing is recorded, not that
nothing matches."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.base import sign_in
from tests.documentation.conftest import Desk

OPEN = '<details class="filters" open>'

# Each list, one of its filters, and what it says when empty and unfiltered.
LISTS = [
    ("/documentation/", {"unit": "Unit 9"}, "No event has been recorded yet."),
    ("/documentation/timeline/", {"unit": "Unit 9"}, "No event has been recorded yet."),
    ("/documentation/sources/", {"reliability": "x"}, "No source's account has been"),
    ("/documentation/interventions/", {"status": "open"}, "No intervention has been"),
    ("/documentation/statements/", {"stance": "x"}, "No statement has been recorded yet."),
    ("/documentation/promises/", {"status": "kept"}, "No promise has been recorded yet."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "filters", "empty"), LISTS)
def test_a_page_number_alone_leaves_the_filters_closed(
    desk: Desk, url: str, filters: dict[str, str], empty: str
) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    second = client.get(url, {"page": "2"}).content.decode()
    assert OPEN not in second
    assert empty in second
    filtered = client.get(url, {**filters, "page": "2"}).content.decode()
    assert empty not in filtered
    if '<details class="filters"' in second:
        assert OPEN in filtered
