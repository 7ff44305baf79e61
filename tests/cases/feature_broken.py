"""A feature module that cannot be imported (for tests/cases/test_stages.py)."""

from tests.cases.no_such_module import REQUIREMENTS  # type: ignore[import-not-found]

__all__ = ["REQUIREMENTS"]
