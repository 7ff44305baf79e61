"""The PostgreSQL pass leaves out only the tests that use no database."""

from __future__ import annotations

import pytest

from tests.conftest import uses_database


def test_a_test_through_the_database_fixture_is_known_to_use_it(
    db: None, request: pytest.FixtureRequest
) -> None:
    assert uses_database(request.node)


@pytest.mark.django_db
def test_a_test_marked_for_the_database_is_known_to_use_it(request: pytest.FixtureRequest) -> None:
    assert uses_database(request.node)


def test_a_test_through_a_fixture_that_needs_the_database_is_known_to_use_it(
    org: object, request: pytest.FixtureRequest
) -> None:
    assert uses_database(request.node)


def test_a_test_without_the_database_is_known_not_to_use_it(request: pytest.FixtureRequest) -> None:
    assert not uses_database(request.node)
